-- derive_geography: rebuild the areas people pick, their aliases, ancestors and base
-- units, and the IMD decile of every LSOA, from geography as published (geo_name,
-- geo_link, imd_lsoa). Run after any load that changes geography.
-- params:  none
-- reads:   geo_practice_map, geo_lsoa_fit, fact_qof, fact_population, ref_level and the
--          macros level_key(), parent_rank() (etl/sql/macros.sql)
-- returns: nothing; replaces dim_area, area_alias, area_ancestor, area_successor,
--          area_base, practice_placement, lsoa_imd
-- Codes change between years (ICB E54000052 became E54000063); ODS codes do not, so an
-- area is identified by its ODS code where it has one and takes the code and name of
-- its latest vintage. England only: Welsh, Scottish and NI codes are left out.

-- NHS England's monthly practice maps (geo_practice_map rows not already in geo_link) are
-- geography too: the newest says which practices, PCNs, sub-ICBs, ICBs and NHS regions
-- exist today (the April 2026 mergers) and how they nest
create or replace temp table g_map as
select *
from geo_practice_map
where not in_geo_link;

create or replace temp table g_source_names as
select area_code, level, area_name, ods_code, vintage from geo_name
union all
select distinct practice_code, level_key().practice, practice_name, practice_code, vintage
from g_map
union all
select distinct pcn_code, level_key().pcn, coalesce(pcn_name, pcn_code), pcn_code, vintage
from g_map
where pcn_code is not null
union all
select distinct sub_icb_code, level_key().sub_icb, sub_icb_name, sub_icb_ods, vintage from g_map
union all
select distinct icb_code, level_key().icb, icb_name, icb_ods, vintage from g_map
union all
select distinct region_code, level_key().nhs_region, region_name, region_ods, vintage from g_map;

create or replace temp table g_source_links as
select child_code, child_level, parent_code, parent_level, vintage from geo_link
union all
select distinct practice_code, level_key().practice, pcn_code, level_key().pcn, vintage
from g_map
where pcn_code is not null
union all
select distinct practice_code, level_key().practice, sub_icb_code, level_key().sub_icb, vintage
from g_map
union all
select distinct sub_icb_code, level_key().sub_icb, icb_code, level_key().icb, vintage from g_map
union all
select distinct icb_code, level_key().icb, region_code, level_key().nhs_region, vintage from g_map;

create or replace temp table g_names as
with named as (
    select
        area_code,
        level,
        area_name,
        vintage,
        coalesce(
            nullif(ods_code, ''),
            case when level = level_key().sub_icb
                then nullif(regexp_extract(area_name, ' - ([0-9A-Z]{3}|[0-9A-Z]{5})$', 1), '') end
        ) as ods
    from g_source_names
    where area_code like 'E%' or level in (level_key().practice, level_key().pcn)
),
ods_by_code as (
    -- boundary files carry no ODS code: borrow it from the same code of that level (its
    -- name may be spelt differently) ...
    select level, area_code, any_value(ods) as ods
    from named
    where ods is not null
    group by level, area_code
),
ods_by_name as (
    -- ... else from a same-named area of that level (an earlier code of the area)
    select level, lower(area_name) as name_key, any_value(ods) as ods
    from named
    where ods is not null and level in (level_key().nhs_region, level_key().icb)
    group by level, lower(area_name)
)
select
    n.area_code,
    n.level,
    n.area_name,
    n.vintage,
    coalesce(n.ods, c.ods, b.ods) as ods
from named as n
left join ods_by_code as c
    on c.level = n.level and c.area_code = n.area_code
left join ods_by_name as b
    on b.level = n.level and b.name_key = lower(n.area_name);

create or replace temp table g_canon as
with grouped as (
    select
        level,
        coalesce(ods, area_code) as area_key,
        arg_max(area_code, vintage) as current_code,
        arg_max(area_name, vintage) as area_name,
        any_value(ods) as ods,
        max(vintage) as vintage
    from g_names
    group by level, coalesce(ods, area_code)
),
newest as (
    select level, max(vintage) as vintage from g_names group by level
)
-- Local-authority areas have no ODS code to follow across reorganisations: one missing
-- from the newest vintage of its level was abolished (e.g. the Cumbria, North Yorkshire
-- and Somerset districts in April 2023, still in the 2022 LSOA11 lookup). An NHS region,
-- ICB or sub-ICB missing from it was replaced (the April 2026 mergers: Surrey Heartlands,
-- QXU, is now part of Surrey and Sussex): it is kept as a former area, as it was in its
-- last vintage, answering for its own years, but not offered or compared with today's.
select
    g.*,
    g.level not in (level_key().nhs_region, level_key().icb, level_key().sub_icb)
        or g.vintage = n.vintage as is_current
from grouped as g
join newest as n on n.level = g.level
where g.level not in (select level from ref_level where family = 'la') or g.vintage = n.vintage;

create or replace temp table g_alias as
select distinct
    n.area_code as alias,
    c.current_code as area_code,
    n.level,
    case when n.area_code = c.current_code then 'code' else 'previous_code' end as alias_kind
from g_names as n
join g_canon as c
    on c.level = n.level and c.area_key = coalesce(n.ods, n.area_code)
union
select ods, current_code, level, 'ods_code'
from g_canon
where ods is not null and ods <> current_code;

-- published links of every vintage, translated to current codes
create or replace temp table g_translated as
select distinct
    c.area_code as child,
    l.child_level,
    p.area_code as parent,
    l.parent_level,
    l.vintage
from g_source_links as l
join g_alias as c on c.alias = l.child_code and c.level = l.child_level
join g_alias as p on p.alias = l.parent_code and p.level = l.parent_level;

-- today's links: the latest vintage wins per child
create or replace temp table g_links as
with translated as (
    select * from g_translated
),
majority as (
    -- a PCN belongs to the sub-ICB of most of its practices; a county/UA to its LADs' region
    select pcn.parent as child, level_key().pcn as child_level, sub.parent,
        level_key().sub_icb as parent_level, max(pcn.vintage) as vintage, count(*) as weight
    from translated as pcn
    join translated as sub
        on sub.child = pcn.child and sub.child_level = level_key().practice
        and sub.parent_level = level_key().sub_icb
    where pcn.child_level = level_key().practice and pcn.parent_level = level_key().pcn
    group by pcn.parent, sub.parent
    union all
    select cty.parent, level_key().cty_ua, rgn.parent, level_key().region, max(cty.vintage),
        count(*)
    from translated as cty
    join translated as rgn
        on rgn.child = cty.child and rgn.child_level = level_key().lad
        and rgn.parent_level = level_key().region
    where cty.child_level = level_key().lad and cty.parent_level = level_key().cty_ua
    group by cty.parent, rgn.parent
),
candidates as (
    select child, child_level, parent, parent_level, vintage, 1000000 as weight from translated
    union all
    select child, child_level, parent, parent_level, vintage, weight from majority
    union all
    select c.current_code, c.level, 'E92000001', r.parent_level, c.vintage, 1000000
    from g_canon as c
    join ref_level as r on r.level = c.level and r.parent_level = level_key().england
)
select child, child_level, parent, parent_level
from candidates
where child <> parent or child_level <> parent_level
qualify row_number() over (
    partition by child, child_level, parent_level
    order by vintage desc, weight desc, parent
) = 1;

delete from dim_area;
insert into dim_area
with main_parent as (
    select
        child,
        child_level,
        parent,
        -- an area is not its own parent: a unitary authority is a district and a county
        -- with one code, so its parent is its region
        case when child <> parent then parent_rank(child_level, parent_level) end as rank
    from g_links
)
select
    c.current_code,
    c.level,
    c.area_name,
    c.ods,
    (select p.parent from main_parent as p
     where p.child = c.current_code and p.child_level = c.level and p.rank is not null
     order by p.rank limit 1) as parent_code,
    c.vintage,
    c.is_current
from g_canon as c
where c.level in (select level from ref_level where parent_level is not null)
union all
select 'E92000001', level_key().england, 'England', null, null, coalesce(max(vintage), 0), true
from g_canon;

delete from area_alias;
insert into area_alias
select alias, area_code, level, alias_kind
from g_alias
where level <> level_key().lsoa
union all
select 'E92000001', 'E92000001', level_key().england, 'code';

create or replace temp table g_closure as
with recursive up(node, node_level, ancestor, ancestor_level) as (
    select current_code, level, current_code, level
    from g_canon
    where level = level_key().lsoa
        or level in (select level from ref_level where parent_level is not null)
    union
    select up.node, up.node_level, l.parent, l.parent_level
    from up
    join g_links as l on l.child = up.ancestor and l.child_level = up.ancestor_level
    -- a practice's sub-ICB is its own, not its PCN's: a PCN across a boundary belongs to
    -- the sub-ICB of most of its practices, which is not every practice's
    where not (up.node_level = level_key().practice and up.ancestor_level = level_key().pcn)
)
select * from up;

-- Former areas as they were: the links of their last vintage (for each child, its latest
-- link at or before that vintage), down to their practices and LSOAs and up to England
create or replace temp table g_former as
select current_code as area_code, level, vintage as as_of from g_canon where not is_current;

create or replace temp table g_links_asof as
select f.as_of, t.child, t.child_level, t.parent, t.parent_level
from (select distinct as_of from g_former) as f
join g_translated as t on t.vintage <= f.as_of
qualify row_number() over (
    partition by f.as_of, t.child, t.child_level, t.parent_level
    order by t.vintage desc, t.parent
) = 1;

create or replace temp table g_former_down as
with recursive down(node, node_level, ancestor, ancestor_level, as_of) as (
    select area_code, level, area_code, level, as_of from g_former
    union
    select l.child, l.child_level, d.ancestor, d.ancestor_level, d.as_of
    from down as d
    join g_links_asof as l
        on l.as_of = d.as_of and l.parent = d.node and l.parent_level = d.node_level
    -- practices by their own sub-ICB, as in g_closure, not through their PCN's
    where not (l.child_level = level_key().practice and l.parent_level = level_key().pcn)
)
select node, node_level, ancestor, ancestor_level from down;

create or replace temp table g_former_up as
with recursive up(node, node_level, ancestor, ancestor_level, as_of) as (
    select area_code, level, area_code, level, as_of from g_former
    union
    select u.node, u.node_level, l.parent, l.parent_level, u.as_of
    from up as u
    join g_links_asof as l
        on l.as_of = u.as_of and l.child = u.ancestor and l.child_level = u.ancestor_level
    where not (u.node_level = level_key().practice and u.ancestor_level = level_key().pcn)
)
select node, node_level, ancestor, ancestor_level from up
union
select area_code, level, 'E92000001', level_key().england from g_former;

delete from area_ancestor;
insert into area_ancestor
select node, node_level, ancestor, ancestor_level
from g_closure
where node_level <> level_key().lsoa
    and not exists (select 1 from g_former as f where f.area_code = node and f.level = node_level)
union all
select node, node_level, ancestor, ancestor_level from g_former_up
union all
select 'E92000001', level_key().england, 'E92000001', level_key().england;

-- What each former area became: today's areas of its level that its practices (as it
-- was) are in now, each with its share of their registered patients (the latest list
-- sizes), or of the practices where no list is loaded
delete from area_successor;
insert into area_successor
with moved as (
    select f.ancestor as area_code, f.ancestor_level as level, now.ancestor as successor_code,
        f.node as practice_code
    from g_former_down as f
    join g_closure as now
        on now.node = f.node and now.node_level = f.node_level
        and now.ancestor_level = f.ancestor_level
    join g_canon as c
        on c.current_code = now.ancestor and c.level = now.ancestor_level and c.is_current
    where f.node_level = level_key().practice
),
listed as (
    select base_code as practice_code, sum(population) as patients, any_value(year) as year
    from fact_population
    where base_kind = level_key().practice
        and year = (select max(year) from fact_population where base_kind = level_key().practice)
    group by base_code
),
weighed as (
    select
        m.area_code,
        m.level,
        m.successor_code,
        count(*) as practices,
        sum(l.patients) as patients,
        max(l.year) as year
    from moved as m
    left join listed as l using (practice_code)
    group by m.area_code, m.level, m.successor_code
),
totals as (
    select
        *,
        sum(patients) over (partition by area_code, level) as all_patients,
        sum(practices) over (partition by area_code, level) as all_practices,
        max(year) over (partition by area_code, level) as list_year
    from weighed
)
select
    area_code,
    level,
    successor_code,
    case
        when all_patients > 0 then coalesce(patients, 0) / all_patients
        else practices / all_practices
    end as share,
    practices,
    case when all_patients > 0 then 'registered patients, ' || list_year else 'practices' end
        as basis
from totals;

-- Every practice counts: one with QOF registers or registered patients that no mapping in
-- geo_link names is placed in the lowest of today's areas (PCN, else sub-ICB, else ICB,
-- else NHS region; ONS or ODS code of any vintage) that the newest practice mapping naming
-- it gives (geo_practice_map, e.g. NHS England's monthly map), and in England if none does.
-- It is a base unit of that area and its ancestors, not an area people pick.
delete from practice_placement;
insert into practice_placement
with with_figures as (
    select distinct practice_code from fact_qof
    union
    select distinct base_code from fact_population where base_kind = level_key().practice
),
unmapped as (
    select practice_code
    from with_figures
    where practice_code not in (
        select current_code from g_canon where level = level_key().practice
    )
),
newest as (
    select m.*
    from geo_practice_map as m
    join unmapped using (practice_code)
    qualify row_number() over (
        partition by m.practice_code order by m.valid_from desc, m.load_id desc
    ) = 1
),
codes as (
    select practice_code, 1 as rank, level_key().pcn as level, pcn_code as code from newest
    union all
    select practice_code, 2, level_key().sub_icb, sub_icb_code from newest
    union all
    select practice_code, 2, level_key().sub_icb, sub_icb_ods from newest
    union all
    select practice_code, 3, level_key().icb, icb_code from newest
    union all
    select practice_code, 3, level_key().icb, icb_ods from newest
    union all
    select practice_code, 4, level_key().nhs_region, region_code from newest
    union all
    select practice_code, 4, level_key().nhs_region, region_ods from newest
),
known as (
    select c.practice_code, c.rank, a.level, a.area_code
    from codes as c
    join g_alias as a on a.alias = c.code and a.level = c.level
    qualify row_number() over (partition by c.practice_code order by c.rank, a.area_code) = 1
)
select
    u.practice_code,
    coalesce(k.level, level_key().england) as level,
    coalesce(k.area_code, 'E92000001') as area_code,
    n.source_layout || ' ' || strftime(n.valid_from, '%Y-%m-%d') as placed_by,
    concat_ws(' / ', n.pcn_code, n.sub_icb_code, n.icb_code, n.region_code) as mapped_to
from unmapped as u
left join known as k using (practice_code)
left join newest as n using (practice_code);

-- Base units: today's areas take them by today's links, former areas as they were. A
-- sub-ICB location is a base unit under every code it has had: ONS publishes residents
-- under the code of the estimate's geography (SICBL 2023), which a later mapping may have
-- replaced. A former sub-ICB location's residents go to today's areas in the shares its
-- practices' patients took (area_successor): an estimate, labelled where it is shown.
delete from area_base;
insert into area_base
with today as (
    select c.*
    from g_closure as c
    where not exists (
        select 1 from g_former as f where f.area_code = c.ancestor and f.level = c.ancestor_level
    )
        and c.ancestor_level <> level_key().lsoa
),
units as (
    select ancestor, ancestor_level, node_level as base_kind, node as base_code, 1.0 as share
    from today
    where node_level in (level_key().lsoa, level_key().lad, level_key().practice)
    union
    select ancestor, ancestor_level, node_level, node, 1.0
    from g_former_down
    where node_level in (level_key().lsoa, level_key().lad, level_key().practice)
        and ancestor_level <> level_key().lsoa
    union
    select c.ancestor, c.ancestor_level, level_key().practice, p.practice_code, 1.0
    from practice_placement as p
    join g_closure as c on c.node = p.area_code and c.node_level = p.level
    union
    select 'E92000001', level_key().england, level_key().practice, practice_code, 1.0
    from practice_placement
    union
    select t.ancestor, t.ancestor_level, level_key().sub_icb, a.alias, 1.0
    from today as t
    join g_alias as a on a.area_code = t.node and a.level = t.node_level
    where t.node_level = level_key().sub_icb and a.alias_kind <> 'ods_code'
        and not exists (
            select 1 from g_former as f where f.area_code = t.node and f.level = t.node_level
        )
    union
    select f.ancestor, f.ancestor_level, level_key().sub_icb, a.alias, 1.0
    from g_former_down as f
    join g_alias as a on a.area_code = f.node and a.level = f.node_level
    where f.node_level = level_key().sub_icb and a.alias_kind <> 'ods_code'
),
apportioned as (
    -- one row per successor: an area above two successors takes both shares
    select t.ancestor, t.ancestor_level, level_key().sub_icb as base_kind, a.alias as base_code,
        s.share
    from area_successor as s
    join today as t on t.node = s.successor_code and t.node_level = s.level
    join g_alias as a on a.area_code = s.area_code and a.level = s.level
    where s.level = level_key().sub_icb and a.alias_kind <> 'ods_code'
)
select ancestor, ancestor_level, base_kind, base_code, sum(share) as share
from (select * from units union all select * from apportioned)
group by ancestor, ancestor_level, base_kind, base_code;

delete from lsoa_imd;
insert into lsoa_imd
with direct as (
    select lsoa11_code as lsoa_code, imd_decile, 'IMD 2019 decile of the LSOA (2011 code)' as method
    from imd_lsoa
),
by_fit as (
    -- ONS's best fit of 2011 LSOAs to 2021 LSOAs (geo_lsoa_fit): the decile of the 2011
    -- LSOA that became it, or the median of those merged into it
    select
        f.lsoa21_code as lsoa_code,
        cast(round(median(i.imd_decile)) as tinyint) as imd_decile,
        case
            when count(*) = 1
                then 'IMD 2019 decile of the 2011 LSOA it best fits (ONS LSOA 2011 to 2021 lookup)'
            else 'IMD 2019 median decile of the 2011 LSOAs merged into it (ONS LSOA 2011 to '
                || '2021 lookup)'
        end as method
    from geo_lsoa_fit as f
    join imd_lsoa as i on i.lsoa11_code = f.lsoa11_code
    where f.lsoa21_code like 'E%' and f.lsoa21_code not in (select lsoa_code from direct)
    group by f.lsoa21_code
),
by_msoa as (
    select
        regexp_replace(lsoa11_name, '[A-Z]$', '') as msoa_name,
        cast(round(median(imd_decile)) as tinyint) as imd_decile
    from imd_lsoa
    group by 1
),
best_fit as (
    select
        n.area_code as lsoa_code,
        m.imd_decile,
        'IMD 2019 median decile of the 2011 LSOAs in its MSOA (2021 code, best fit)' as method
    from (select distinct area_code, area_name from g_names where level = level_key().lsoa) as n
    join by_msoa as m on m.msoa_name = regexp_replace(n.area_name, '[A-Z]$', '')
    where n.area_code not in (select lsoa_code from direct)
        and n.area_code not in (select lsoa_code from by_fit)
),
by_lad as (
    -- LSOAs of new 2021 MSOAs (growth areas) match no 2011 MSOA name: fall back to the
    -- median decile of the unchanged LSOAs of their local authority
    select l.parent as lad_code, cast(round(median(i.imd_decile)) as tinyint) as imd_decile
    from g_links as l
    join imd_lsoa as i on i.lsoa11_code = l.child
    where l.child_level = level_key().lsoa and l.parent_level = level_key().lad
    group by l.parent
),
lad_fit as (
    select
        n.area_code as lsoa_code,
        m.imd_decile,
        'IMD 2019 median decile of the unchanged LSOAs in its local authority (2021 code, '
            || 'new MSOA: coarse fit)' as method
    from (select distinct area_code from g_names where level = level_key().lsoa) as n
    join g_links as l
        on l.child = n.area_code and l.child_level = level_key().lsoa
        and l.parent_level = level_key().lad
    join by_lad as m on m.lad_code = l.parent
    where n.area_code not in (select lsoa_code from direct)
        and n.area_code not in (select lsoa_code from by_fit)
        and n.area_code not in (select lsoa_code from best_fit)
)
select lsoa_code, imd_decile, cast((imd_decile + 1) // 2 as tinyint), method from direct
union all
select lsoa_code, imd_decile, cast((imd_decile + 1) // 2 as tinyint), method from by_fit
union all
select distinct on (lsoa_code) lsoa_code, imd_decile, cast((imd_decile + 1) // 2 as tinyint), method
from best_fit
union all
select lsoa_code, imd_decile, cast((imd_decile + 1) // 2 as tinyint), method from lad_fit;
