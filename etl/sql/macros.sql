-- macros: table macros that attribute facts to an area, created in every warehouse.
-- params:  none (macro arguments: a = area code, lvl = level key from peolc.vocabulary)
-- returns: nothing; (re)defines area_deaths, area_population and area_qof, which the
--          SQL in queries/ calls so that every page attributes facts the same way.

-- deaths of an area: every death for England; by registered practice for PCNs and
-- practices; by LSOA of usual residence for every other level (Fingertips' convention)
create or replace macro area_deaths(a, lvl) as table
select d.*
from fact_death as d
where lvl = 'england'
    or (
        lvl in ('pcn', 'practice')
        and d.practice_code in (
            select base_code from area_base
            where area_code = a and level = lvl and base_kind = 'practice'
        )
    )
    or (
        lvl not in ('england', 'pcn', 'practice')
        and d.lsoa_code in (
            select base_code from area_base
            where area_code = a and level = lvl and base_kind = 'lsoa'
        )
    );

-- population of an area from the best base it has: LSOA residents, else LAD residents,
-- else registered patients of its practices; basis says which
create or replace macro area_population(a, lvl) as table
with candidates as (
    select p.*, case p.base_kind when 'lsoa' then 1 when 'lad' then 2 else 3 end as priority
    from fact_population as p
    join area_base as b on b.base_kind = p.base_kind and b.base_code = p.base_code
    where b.area_code = a and b.level = lvl
),
chosen as (
    select min(priority) as priority from candidates
)
select
    year,
    base_kind as basis,
    base_code,
    sex,
    age_band,
    population
from candidates
where priority = (select priority from chosen);

-- QOF registers of the practices in an area
create or replace macro area_qof(a, lvl) as table
select q.*
from fact_qof as q
where q.practice_code in (
    select base_code from area_base
    where area_code = a and level = lvl and base_kind = 'practice'
);
