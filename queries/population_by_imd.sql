-- population_by_imd: residents of one area by the IMD 2019 decile of their LSOA, each year.
-- params:  $area_code (text), $level (text)
-- returns: year, imd_decile (1 = most deprived; null for an LSOA without a decile),
--          population (people); no rows unless the area's population is LSOA-based
--          (LAD estimates and registered patients cannot be split by deprivation)
-- reads:   derived.population_area_imd (sums kept by etl/derived.py, as area_population()
--          and lsoa_imd give them)
with final as (
    select
        cast(year as integer) as year,
        cast(imd_decile as integer) as imd_decile,
        cast(sum(population) as bigint) as population
    from derived.population_area_imd
    where level = $level and area_code = $area_code
    group by year, imd_decile
)
select * from final
order by year, imd_decile
