-- overview_headline: the headline counts for one place and year (Overview tiles, peolc show).
-- params:  $area_code (text), $level (text), $year (int: calendar year of death registration)
-- returns: one row: population (+ basis, year), deaths by place of death, deaths on the
--          palliative care register before death, deaths with palliative need and those
--          identified, and the QOF palliative care register (+ list size, QOF year).
--          Counts are raw; suppression and intervals are applied in Python (queries.stats).
-- reads:   area_population(), area_deaths(), area_qof() (etl/sql/macros.sql)
with population as (
    select
        any_value(basis) as population_basis,
        max(year) as population_year
    from area_population($area_code, $level)
    where year <= $year
),
population_total as (
    select sum(p.population) as population
    from area_population($area_code, $level) as p, population as y
    where p.year = y.population_year
),
deaths as (
    select
        count(*) as deaths,
        count(*) filter (where place_of_death = 'home') as deaths_home,
        count(*) filter (where place_of_death = 'care_home') as deaths_care_home,
        count(*) filter (where place_of_death = 'hospital') as deaths_hospital,
        count(*) filter (where place_of_death = 'hospice') as deaths_hospice,
        count(*) filter (where place_of_death = 'elsewhere') as deaths_elsewhere,
        count(*) filter (where on_palliative_register) as deaths_on_register,
        count(*) filter (where palliative_need) as deaths_with_need,
        count(*) filter (where palliative_need and on_palliative_register) as need_identified
    from area_deaths($area_code, $level)
    where year = $year
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
