-- death_measures_split: counts behind every death measure for one place and year, split by
-- one dimension, counted from the deaths themselves: the PCN and practice splits the store
-- does not keep (queries.deaths.counted_when_asked), and the tests' check that the store
-- equals counting the deaths.
-- params:  $area_code (text), $level (text), $year (int), $dimension (text: 'all',
--          'imd_quintile', 'imd_decile', 'age_band', 'sex', 'ethnic_group', 'cause_group',
--          'place_of_death')
-- returns: group_value (text; 'all' when not split, 'unknown' when not recorded), deaths,
--          one count per measure numerator (the columns of
--          derived.death_area)
-- reads:   area_deaths(), death_facts (etl/sql/macros.sql)
with labelled as (
    select
        *,
        coalesce(
            struct_pack(
                "all" := $dimension,
                imd_quintile := cast(imd_quintile as varchar),
                imd_decile := cast(imd_decile as varchar),
                age_band := age_band,
                sex := cast(sex as varchar),
                ethnic_group := cast(ethnic_group as varchar),
                cause_group := cast(cause_group as varchar),
                place_of_death := cast(place_of_death as varchar)
            )[$dimension],
            'unknown'
        ) as group_value
    from area_deaths($area_code, $level)
    where year = $year
),
final as (
    select
        group_value,
        count(*) as deaths,
        cast(sum(columns('^n_(.*)')) as bigint) as '\1'
    from labelled
    group by group_value
)
select * from final
order by group_value
