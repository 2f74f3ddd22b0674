-- derive_signatures: group LSOAs by the residence areas they belong to and their IMD decile
-- (after any load that changed area_base or lsoa_imd; etl/derived.py).
-- params:  none
-- returns: nothing; replaces derived.lsoa_signature and derived.signature_area
-- reads:   area_base, lsoa_imd, ref_level (the levels counted by residence)
-- Summing deaths per signature, then per area, gives exactly area_deaths()' residence
-- counts: an area's LSOAs are the LSOAs of the signatures that name it.

delete from derived.lsoa_signature;

insert into derived.lsoa_signature
with codes as (
    select base_code as lsoa_code
    from area_base
    join ref_level using (level)
    where base_kind = 'lsoa' and counts_by = 'residence'
    union
    select lsoa_code from lsoa_imd
),
members as (
    select
        c.lsoa_code,
        list(b.level || ' ' || b.area_code order by b.level, b.area_code)
            filter (where b.area_code is not null) as members
    from codes as c
    left join (
        select b.* from area_base as b
        join ref_level as r on r.level = b.level and r.counts_by = 'residence'
    ) as b
        on b.base_kind = 'lsoa'
        and b.base_code = c.lsoa_code
    group by c.lsoa_code
)
select
    m.lsoa_code,
    cast(dense_rank() over (order by m.members, i.imd_decile, i.imd_quintile) as integer),
    i.imd_decile,
    i.imd_quintile
from members as m
left join lsoa_imd as i on i.lsoa_code = m.lsoa_code
order by m.lsoa_code;

delete from derived.signature_area;

insert into derived.signature_area
select distinct s.signature, b.level, b.area_code
from derived.lsoa_signature as s
join area_base as b
    on b.base_kind = 'lsoa'
    and b.base_code = s.lsoa_code
join ref_level as r on r.level = b.level and r.counts_by = 'residence'
order by s.signature, b.level, b.area_code;
