-- population_bases: which kinds of population the warehouse holds, so pages can say what
-- is missing for a place.
-- params:  none
-- returns: base_kind ('lsoa', 'lad': residents; 'practice': registered patients),
--          first_year, last_year, rows
-- reads:   fact_population
with final as (
    select
        base_kind,
        cast(min(year) as integer) as first_year,
        cast(max(year) as integer) as last_year,
        count(*) as rows
    from fact_population
    group by base_kind
)
select * from final
order by base_kind
