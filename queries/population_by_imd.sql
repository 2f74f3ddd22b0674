-- population_by_imd: residents of one area by the IMD 2019 decile of their LSOA, each year.
-- params:  $area_code (text), $level (text)
-- returns: year, imd_decile (1 = most deprived; null for an LSOA without a decile),
--          population (people); no rows unless the area's population is LSOA-based
--          (LAD estimates and registered patients cannot be split by deprivation)
-- reads:   area_population() (etl/sql/macros.sql), lsoa_imd
with residents as (
    select year, base_code, sum(population) as population
    from area_population($area_code, $level)
    where basis = 'lsoa'
    group by year, base_code
),
final as (
    select
        cast(r.year as integer) as year,
        cast(i.imd_decile as integer) as imd_decile,
        cast(sum(r.population) as bigint) as population
    from residents as r
    left join lsoa_imd as i on i.lsoa_code = r.base_code
    group by r.year, i.imd_decile
)
select * from final
order by year, imd_decile
