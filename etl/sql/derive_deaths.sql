-- derive_deaths: rebuild the death sums the dashboard reads, from fact_death, area_base and
-- lsoa_imd (after any load that changed one of them; etl/derived.py).
-- params:  $england_code (text: the code the England rows carry)
-- returns: nothing; replaces derived.death_area, derived.death_area_imd and
--          derived.death_england
-- reads:   death_flags (etl/sql/macros.sql), area_base, derived.lsoa_signature,
--          derived.signature_area (etl/sql/derive_signatures.sql), ref_level (counts_by),
--          level_key() and breakdown_key() (etl/sql/macros.sql)
-- Attribution as area_deaths(): England counts every death; PCNs and practices count by
-- registered practice; other levels by LSOA of residence. Deaths are counted in one pass
-- per practice and one per LSOA signature (the residence areas an LSOA belongs to and its
-- IMD decile), and those small sums are added up per area. Each n_* flag of death_flags
-- is 0 or 1, so count_if(n = 1) is its sum.

-- deaths per year and signature (null: no LSOA, or one in neither area_base nor lsoa_imd)
create or replace temp table d_residence as
select d.year, s.signature, count(*) as deaths, count_if(columns('^n_(.*)') = 1) as '\1'
from death_flags as d
left join derived.lsoa_signature as s on s.lsoa_code = d.lsoa_code
group by d.year, s.signature;

create or replace temp table d_practice as
select year, practice_code, count(*) as deaths, count_if(columns('^n_(.*)') = 1) as '\1'
from death_flags
where practice_code is not null
group by year, practice_code;

delete from derived.death_area;

insert into derived.death_area
with summed as (
    select level_key().england as level, $england_code as area_code, year,
        sum(columns(* exclude (year, signature)))
    from d_residence
    group by year
    union all
    select a.level, a.area_code, d.year, sum(columns(d.* exclude (year, signature)))
    from d_residence as d
    join derived.signature_area as a on a.signature = d.signature
    group by a.level, a.area_code, d.year
    union all
    select b.level, b.area_code, d.year, sum(columns(d.* exclude (year, practice_code)))
    from d_practice as d
    join area_base as b on b.base_kind = level_key().practice and b.base_code = d.practice_code
    join ref_level as r on r.level = b.level and r.counts_by = 'registered_practice'
    group by b.level, b.area_code, d.year
)
select * from summed
order by level, area_code, year;

delete from derived.death_area_imd;

insert into derived.death_area_imd
with cells as (
    select i.imd_decile, i.imd_quintile, d.*
    from d_residence as d
    left join (select distinct signature, imd_decile, imd_quintile from derived.lsoa_signature) as i
        on i.signature = d.signature
),
summed as (
    select level_key().england as level, $england_code as area_code, year, imd_decile, imd_quintile,
        sum(columns(* exclude (year, signature, imd_decile, imd_quintile)))
    from cells
    group by year, imd_decile, imd_quintile
    union all
    select a.level, a.area_code, c.year, c.imd_decile, c.imd_quintile,
        sum(columns(c.* exclude (year, signature, imd_decile, imd_quintile)))
    from cells as c
    join derived.signature_area as a on a.signature = c.signature
    group by a.level, a.area_code, c.year, c.imd_decile, c.imd_quintile
)
select * from summed
order by level, area_code, year;

delete from derived.death_england;

insert into derived.death_england
with split as (
    select
        year,
        five_year_band(age) as age_band_5y,
        sex,
        ethnic_group,
        cause_group,
        place_of_death,
        grouping(age_band_5y) as g_age,
        grouping(sex) as g_sex,
        grouping(ethnic_group) as g_ethnic,
        grouping(cause_group) as g_cause,
        count(*) as deaths,
        count_if(columns('^n_(.*)') = 1) as '\1'
    from death_flags
    group by grouping sets (
        (year, age_band_5y), (year, sex), (year, ethnic_group), (year, cause_group),
        (year, place_of_death)
    )
)
select
    year,
    case
        when g_age = 0 then 'age_band_5y'
        when g_sex = 0 then breakdown_key().sex
        when g_ethnic = 0 then breakdown_key().ethnic_group
        when g_cause = 0 then breakdown_key().cause_group
        else breakdown_key().place_of_death
    end as dimension,
    coalesce(
        age_band_5y, cast(sex as varchar), cast(ethnic_group as varchar),
        cast(cause_group as varchar), cast(place_of_death as varchar)
    ) as group_value,
    columns(* exclude (
        year, age_band_5y, sex, ethnic_group, cause_group, place_of_death,
        g_age, g_sex, g_ethnic, g_cause
    ))
from split
order by dimension, year, group_value;

drop table d_residence;
drop table d_practice;
