-- derive_population: rebuild each area's population as area_population() gives it, and
-- its residents by IMD decile, from fact_population, area_base and lsoa_imd (after any
-- load that changed one of them; etl/derived.py).
-- params:  none
-- returns: nothing; replaces derived.population_area_basis, derived.population_area and
--          derived.population_area_imd
-- reads:   fact_population, area_base, lsoa_imd, population_base_priority (macros.sql)
-- An area takes its population from its best base with any rows (LSOA residents, else
-- LAD residents, else sub-ICB residents, else registered patients), as
-- area_population() does; population_area_basis lists every base it has. Base units that
-- belong to exactly the same areas (a "signature": about 330 for 34,000 LSOAs) are summed
-- together first, so each population row is read once, not once per area. A unit's
-- share (area_base: below 1 only for the residents of a sub-ICB location split since its
-- estimate) weighs it; each area's sum is rounded to whole people once.

create or replace temp table p_kinds as
with units as (
    select base_kind, base_code, min(year) as first_year, max(year) as last_year
    from fact_population
    group by base_kind, base_code
)
select
    b.level,
    b.area_code,
    b.base_kind,
    population_base_priority(b.base_kind) as priority,
    min(u.first_year) as first_year,
    max(u.last_year) as last_year,
    bool_or(b.share < 1) as apportioned
from area_base as b
join units as u on u.base_kind = b.base_kind and u.base_code = b.base_code
group by b.level, b.area_code, b.base_kind;

delete from derived.population_area_basis;
insert into derived.population_area_basis
select level, area_code, base_kind, priority, first_year, last_year, apportioned
from p_kinds
order by level, area_code, priority;

create or replace temp table p_choice as
select level, area_code, min(priority) as priority
from p_kinds
group by level, area_code;

create or replace temp table p_member as
select b.base_kind, b.base_code, b.level, b.area_code, b.share
from area_base as b
join p_choice as c on c.level = b.level and c.area_code = b.area_code
where population_base_priority(b.base_kind) = c.priority;

create or replace temp table p_sig as
select base_kind, base_code, dense_rank() over (order by base_kind, members) as sig
from (
    select base_kind, base_code,
        list(level || ' ' || area_code || ' ' || share order by level, area_code) as members
    from p_member
    group by base_kind, base_code
);

create or replace temp table p_sig_area as
select distinct s.sig, s.base_kind, m.level, m.area_code, m.share
from p_sig as s
join p_member as m on m.base_kind = s.base_kind and m.base_code = s.base_code;

delete from derived.population_area;

insert into derived.population_area
with by_sig as (
    select s.sig, p.year, p.sex, p.age_band, sum(p.population) as population
    from fact_population as p
    join p_sig as s on s.base_kind = p.base_kind and s.base_code = p.base_code
    group by s.sig, p.year, p.sex, p.age_band
)
select a.level, a.area_code, t.year, a.base_kind as basis, t.sex, t.age_band,
    cast(round(sum(t.population * a.share)) as bigint) as population
from by_sig as t
join p_sig_area as a on a.sig = t.sig
group by a.level, a.area_code, t.year, a.base_kind, t.sex, t.age_band
order by a.level, a.area_code, t.year, t.sex, t.age_band;

delete from derived.population_area_imd;

insert into derived.population_area_imd
with by_sig as (
    select s.sig, p.year, i.imd_decile, sum(p.population) as population
    from fact_population as p
    join p_sig as s on s.base_kind = p.base_kind and s.base_code = p.base_code
    left join lsoa_imd as i on i.lsoa_code = p.base_code
    where p.base_kind = 'lsoa'
    group by s.sig, p.year, i.imd_decile
)
select a.level, a.area_code, t.year, t.imd_decile, sum(t.population) as population
from by_sig as t
join p_sig_area as a on a.sig = t.sig
group by a.level, a.area_code, t.year, t.imd_decile
order by a.level, a.area_code, t.year, t.imd_decile;

drop table p_kinds;
drop table p_choice;
drop table p_member;
drop table p_sig;
drop table p_sig_area;
