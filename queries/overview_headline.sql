-- overview_headline: the headline's open counts for one place and year (Overview tiles,
-- peolc show); the death figures come from queries.deaths.values, as on every page.
-- params:  $area_code (text), $level (text), $year (int: calendar year of death registration)
-- returns: one row: population (+ basis, year, whether part of it is apportioned: an
--          estimate) and the QOF palliative care register (+ list
--          size, QOF year), the latest of each up to $year; published figures, shown in full.
-- reads:   derived.population_area and derived.population_area_basis (kept by
--          etl/derived.py, as area_population() counts),
--          area_qof() (etl/sql/macros.sql)
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
apportioned as (
    -- part of it an estimate: residents of a sub-ICB location split since, shared out
    select coalesce(bool_or(b.apportioned), false) as population_apportioned
    from derived.population_area_basis as b, population as y
    where b.level = $level and b.area_code = $area_code and b.basis = y.population_basis
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
        a.population_apportioned,
        cast(y.qof_year as integer) as qof_year,
        cast(q.register as bigint) as register,
        cast(q.list_size as bigint) as list_size
    from population as p, population_total as pt, apportioned as a, qof_year as y, qof as q
)
select * from final
