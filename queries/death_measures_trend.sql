-- death_measures_trend: counts behind every death measure for one place, each year.
-- params:  $area_code (text), $level (text), $england_level (text)
--          ($england_level: peolc.levels.LevelKey.ENGLAND, bound by the caller)
-- returns: year, deaths, one count per measure numerator (as death_measures.sql)
-- reads:   derived.death_area (sums kept by etl/derived.py; attribution as area_deaths())
with final as (
    select
        cast(year as integer) as year,
        cast(columns(* exclude (level, area_code, year)) as bigint)
    from derived.death_area
    where level = $level and (level = $england_level or area_code = $area_code)
)
select * from final
order by year
