-- death_measures_trend: counts behind every death measure for one place, each year.
-- params:  $area_code (text), $level (text)
-- returns: year, deaths, one count per measure numerator (as death_measures.sql)
-- reads:   area_deaths(), death_facts (etl/sql/macros.sql)
with final as (
    select
        cast(year as integer) as year,
        count(*) as deaths,
        cast(sum(columns('^n_(.*)')) as bigint) as '\1'
    from area_deaths($area_code, $level)
    group by year
)
select * from final
order by year
