-- death_measures_split: counts behind every death measure for one place and year, split by
-- one dimension, counted from the deaths themselves (the splits death_measures.sql does not
-- keep sums for: queries.deaths.summed).
-- params:  $area_code (text), $level (text), $year (int), $dimension (text: 'all',
--          'imd_quintile', 'imd_decile', 'age_band', 'sex', 'ethnic_group', 'cause_group',
--          'place_of_death')
-- returns: group_value (text; 'all' when not split, 'unknown' when not recorded), deaths,
--          one count per measure numerator (as death_measures.sql)
-- reads:   area_deaths(), death_facts (etl/sql/macros.sql)
with labelled as (
    select
        *,
        coalesce(
            case $dimension
                when 'all' then 'all'
                when 'imd_quintile' then cast(imd_quintile as varchar)
                when 'imd_decile' then cast(imd_decile as varchar)
                when 'age_band' then age_band
                when 'sex' then cast(sex as varchar)
                when 'ethnic_group' then cast(ethnic_group as varchar)
                when 'cause_group' then cast(cause_group as varchar)
                when 'place_of_death' then cast(place_of_death as varchar)
            end,
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
