-- population_bases_of_area: the kinds of population one area has, best first, so a page
-- can offer residents and registered patients side by side.
-- params:  $area_code (text), $level (text)
-- returns: basis (a base kind: 'lsoa', 'lad', 'sub_icb' residents; 'practice' registered
--          patients), priority (1 = the best, the one population_by_age gives),
--          first_year, last_year, apportioned (part of it estimated: residents of a
--          sub-ICB location split since, shared out by area_successor); no rows when the
--          area has no population
-- reads:   derived.population_area_basis (kept by etl/derived.py)
with final as (
    select
        basis,
        cast(priority as integer) as priority,
        cast(first_year as integer) as first_year,
        cast(last_year as integer) as last_year,
        apportioned
    from derived.population_area_basis
    where level = $level and area_code = $area_code
)
select * from final
order by priority
