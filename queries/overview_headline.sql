-- overview_headline: the headline counts for one place and year (Overview tiles, peolc show).
-- params:  $area_code (text), $level (text), $year (int: calendar year of death registration)
-- returns: one row: population (+ basis, year), deaths by place of death, deaths on the
--          palliative care register before death, deaths with palliative need and those
--          identified, and the QOF palliative care register (+ list size, QOF year).
--          Counts are raw; suppression and intervals are applied in Python (queries.stats).
-- reads:   derived.population_area, derived.death_area (sums kept by etl/derived.py, as
--          area_population() and area_deaths() count), area_qof() (etl/sql/macros.sql),
--          ref_level
with area_population as (
    select year, basis, population
    from derived.population_area
    where level = $level and area_code = $area_code
),
population as (
    select
        any_value(basis) as population_basis,
        max(year) as population_year
    from area_population
    where year <= $year
),
population_total as (
    select sum(p.population) as population
    from area_population as p, population as y
    where p.year = y.population_year
),
deaths as (
    select
        cast(coalesce(sum(deaths), 0) as bigint) as deaths,
        cast(coalesce(sum(home), 0) as bigint) as deaths_home,
        cast(coalesce(sum(care_home), 0) as bigint) as deaths_care_home,
        cast(coalesce(sum(hospital), 0) as bigint) as deaths_hospital,
        cast(coalesce(sum(hospice), 0) as bigint) as deaths_hospice,
        cast(coalesce(sum(elsewhere), 0) as bigint) as deaths_elsewhere,
        cast(coalesce(sum(on_register), 0) as bigint) as deaths_on_register,
        cast(coalesce(sum(with_need), 0) as bigint) as deaths_with_need,
        cast(coalesce(sum(need_identified), 0) as bigint) as need_identified
    from derived.death_area
    where level = $level
        -- England's one row, whatever the code (ref_level: the level counting everyone)
        and (area_code = $area_code or level in (
            select level from ref_level where counts_by = 'everyone'
        ))
        and year = $year
),
qof_year as (
    select max(year) as qof_year
    from area_qof($area_code, $level)
    where group_code = 'PC' and year <= $year
),
qof as (
    select
        sum(q.register) as register,
        sum(q.list_size) as list_size
    from area_qof($area_code, $level) as q, qof_year as y
    where q.group_code = 'PC' and q.year = y.qof_year
),
final as (
    select
        cast(pt.population as bigint) as population,
        p.population_basis,
        cast(p.population_year as integer) as population_year,
        d.*,
        cast(y.qof_year as integer) as qof_year,
        cast(q.register as bigint) as register,
        cast(q.list_size as bigint) as list_size
    from population as p, population_total as pt, deaths as d, qof_year as y, qof as q
)
select * from final
