-- population_by_age: the population of one area by year, sex and five-year age band.
-- params:  $area_code (text), $level (text)
-- returns: year, basis ('lsoa' or 'lad': residents; 'practice': registered patients, from
--          the best base the area has), sex (M/F), age_band (ESP2013 five-year band, 90+
--          open), population (people, summed over the area's base units)
-- reads:   derived.population_area (sums kept by etl/derived.py, as area_population())
with final as (
    select
        cast(year as integer) as year,
        any_value(basis) as basis,
        sex,
        age_band,
        cast(sum(population) as bigint) as population
    from derived.population_area
    where level = $level and area_code = $area_code
    group by year, sex, age_band
)
select * from final
order by year, sex, age_band
