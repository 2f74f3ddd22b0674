-- death_measures: counts behind every death measure for one place and year, split by one
-- dimension (or not split).
-- params:  $area_code (text), $level (text), $year (int), $dimension (text: 'all',
--          'imd_quintile', 'imd_decile', 'age_band', 'sex', 'ethnic_group', 'cause_group',
--          'place_of_death')
-- returns: group_value (text; 'all' when not split, 'unknown' when not recorded), deaths,
--          one count per measure numerator (home, care_home, hospital, hospice, elsewhere,
--          usual_residence, on_register, with_need, need_identified, advance_care_plan,
--          epaccs, admitted_90d, admitted_3plus_90d; defined once in death_facts), and
--          days_on_register_median among people with need who were identified
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
                when 'sex' then sex
                when 'ethnic_group' then ethnic_group
                when 'cause_group' then cause_group
                when 'place_of_death' then place_of_death
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
        cast(sum(columns('^n_(.*)')) as bigint) as '\1',
        median(days_on_register) filter (where n_need_identified = 1) as days_on_register_median
    from labelled
    group by group_value
)
select * from final
order by group_value
