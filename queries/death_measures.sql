-- death_measures: counts behind every death measure for one place and year, split by one
-- dimension (or not split).
-- params:  $area_code (text), $level (text), $year (int), $dimension (text: a breakdown key
--          of peolc.breakdowns; 'all', BreakdownKey.ALL, for not split)
-- returns: group_value (text; 'all' when not split, 'unknown' when not recorded), deaths,
--          one count per measure numerator (home, care_home, hospital, hospice, elsewhere,
--          usual_residence, on_register, with_need, need_identified, advance_care_plan,
--          epaccs, admitted_90d, admitted_3plus_90d; defined once in death_flags)
-- reads:   derived.death_area, derived.death_area_imd, derived.death_england (sums kept
--          by etl/derived.py); the key macros level_key_*() and breakdown_key_*(),
--          by_practice() and broad_band_of() (etl/sql/macros.sql)
-- Answers from sums: any place not split; deprivation splits of England and the places
-- counted by residence; every split of England. Other splits (queries.deaths.summed says
-- which) come from the deaths themselves: death_measures_split.sql. Each branch answers
-- only the cases its where clause names (the parameters and the kernel's keys, written
-- into the macros, are constants, so DuckDB drops the others).
with not_split as (
    select
        $dimension as group_value,  -- breakdown_key_all(): the only dimension it answers
        columns(* exclude (level, area_code, year))
    from derived.death_area
    where $dimension = breakdown_key_all()
        and level = $level
        and (level = level_key_england() or area_code = $area_code)
        and year = $year
),
by_deprivation as (
    select
        coalesce(
            cast(
                case $dimension when breakdown_key_imd_decile() then imd_decile
                    else imd_quintile end
                as varchar
            ),
            'unknown'
        ) as group_value,
        sum(columns(* exclude (level, area_code, year, imd_decile, imd_quintile)))
    from derived.death_area_imd
    where ordered_breakdown($dimension)
        and not by_practice($level)
        and level = $level
        and (level = level_key_england() or area_code = $area_code)
        and year = $year
    group by 1
),
england_split as (
    -- broad age bands are unions of the five-year bands kept (age_band_5y)
    select
        case dimension when 'age_band_5y' then broad_band_of(group_value) else group_value end
            as group_value,
        sum(columns(* exclude (year, dimension, group_value)))
    from derived.death_england
    where $level = level_key_england()
        and $dimension <> breakdown_key_all()
        and not ordered_breakdown($dimension)
        and year = $year
        and dimension = case $dimension
            when breakdown_key_age_band() then 'age_band_5y' else $dimension end
    group by 1
),
final as (
    select group_value, cast(columns(* exclude (group_value)) as bigint)
    from (
        select * from not_split
        union all select * from by_deprivation
        union all select * from england_split
    )
)
select * from final
order by group_value
