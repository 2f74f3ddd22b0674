-- deaths_by_age: deaths of one area each year by broad and by five-year age band.
-- params:  $area_code (text), $level (text), $england_level (text)
--          ($england_level: peolc.levels.LevelKey.ENGLAND, bound by the caller)
-- returns: year (calendar year of registration), broad_band ('0-64', '65-74', '75-84',
--          '85+': death_facts.age_band), age_band (ESP2013 five-year band, 90+ open),
--          deaths (people; raw: made safe in queries.demographics)
-- reads:   derived.death_england (England's sums, kept by etl/derived.py), else
--          area_deaths() (etl/sql/macros.sql)
with banded as (
    select
        year,
        age_band as broad_band,
        five_year_band(age) as five_year_band
    from area_deaths($area_code, $level)
    where $level <> $england_level
),
counted as (
    select year, broad_band, five_year_band, count(*) as deaths
    from banded
    group by year, broad_band, five_year_band
    union all
    -- England: from its sums (a five-year band's broad band is that of its first age)
    select year, broad_band_of(group_value), group_value, deaths
    from derived.death_england
    where $level = $england_level and dimension = 'age_band_5y'
),
final as (
    select
        cast(year as integer) as year,
        broad_band,
        five_year_band as age_band,
        cast(deaths as bigint) as deaths
    from counted
)
select * from final
order by year, age_band
