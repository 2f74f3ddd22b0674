-- deaths_by_age: deaths of one area each year by broad and by five-year age band.
-- params:  $area_code (text), $level (text)
-- returns: year (calendar year of registration), broad_band ('0-64', '65-74', '75-84',
--          '85+': death_facts.age_band), age_band (ESP2013 five-year band, 90+ open),
--          deaths (people; raw: made safe in queries.demographics)
-- reads:   area_deaths() (etl/sql/macros.sql)
with banded as (
    select
        year,
        age_band as broad_band,
        case
            when age >= 90 then '90+'
            else cast(age // 5 * 5 as varchar) || '-' || cast(age // 5 * 5 + 4 as varchar)
        end as five_year_band
    from area_deaths($area_code, $level)
),
final as (
    select
        cast(year as integer) as year,
        broad_band,
        five_year_band as age_band,
        count(*) as deaths
    from banded
    group by year, broad_band, five_year_band
)
select * from final
order by year, age_band
