-- load_qof_mapping: name practices, PCNs, sub-ICBs, ICBs and NHS regions, and link each
-- to its parent, from the staged QOF organisational mapping (view src_rows).
-- params:  $load_id (int), $year (int: financial-year start = vintage), $layout (text),
--          $unallocated_pcn (text: the PCN code of practices in no PCN)
-- returns: nothing; names and links of vintage $year from earlier loads of the same
--          layout are replaced. Links: practice -> pcn, practice -> sub_icb,
--          sub_icb -> icb, icb -> nhs_region. PCN codes are ODS codes (no ONS code).
--          Each practice's row is also kept in geo_practice_map (valid_from = 1 April of
--          $year, in_geo_link true), the history of practices' areas by vintage.
-- reads:   src_rows, load_log, level_key() (etl/sql/macros.sql)
-- practices in no PCN carry the code $unallocated_pcn ('U', "Unallocated"): no PCN, not a
-- PCN of that name (it would tie every such practice to one sub-ICB)
create or replace temp table qof_map_rows as
select * replace (
    case when upper(trim(pcn_ods_code)) = $unallocated_pcn then null else pcn_ods_code end
        as pcn_ods_code,
    case when upper(trim(pcn_ods_code)) = $unallocated_pcn then null else pcn_name end
        as pcn_name
)
from src_rows;

delete from geo_name
where vintage = $year
    and load_id in (select load_id from load_log where kind = 'qof' and layout = $layout);

delete from geo_link
where vintage = $year
    and load_id in (select load_id from load_log where kind = 'qof' and layout = $layout);

delete from geo_practice_map
where vintage = $year and source_layout = $layout
    and load_id in (select load_id from load_log where kind = 'qof' and layout = $layout);

insert into geo_practice_map
select
    upper(practice_code) as practice_code,
    practice_name,
    upper(pcn_ods_code) as pcn_code,
    pcn_name,
    sub_icb_ons_code as sub_icb_code,
    upper(sub_icb_ods_code) as sub_icb_ods,
    sub_icb_name,
    icb_ons_code as icb_code,
    upper(icb_ods_code) as icb_ods,
    icb_name,
    region_ons_code as region_code,
    upper(region_ods_code) as region_ods,
    region_name,
    $year as vintage,
    make_date($year, 4, 1) as valid_from,
    $layout as source_layout,
    true as in_geo_link,
    $load_id as load_id
from qof_map_rows;

insert into geo_name
with staged as (
    select * from qof_map_rows
),
names as (
    select region_ons_code as area_code, level_key().nhs_region as level, region_name as area_name,
        upper(region_ods_code) as ods_code
    from staged
    union
    select icb_ons_code, level_key().icb, icb_name, upper(icb_ods_code) from staged
    union
    select sub_icb_ons_code, level_key().sub_icb, sub_icb_name, upper(sub_icb_ods_code) from staged
    union
    select upper(pcn_ods_code), level_key().pcn, coalesce(pcn_name, pcn_ods_code),
        upper(pcn_ods_code)
    from staged
    where pcn_ods_code is not null
    union
    select upper(practice_code), level_key().practice, practice_name, upper(practice_code)
    from staged
)
select area_code, level, area_name, ods_code, $year as vintage, $load_id as load_id
from names;

insert into geo_link
with staged as (
    select * from qof_map_rows
),
links as (
    select upper(practice_code) as child_code, level_key().practice as child_level,
        upper(pcn_ods_code) as parent_code, level_key().pcn as parent_level
    from staged
    where pcn_ods_code is not null
    union
    select upper(practice_code), level_key().practice, sub_icb_ons_code, level_key().sub_icb
    from staged
    union
    select sub_icb_ons_code, level_key().sub_icb, icb_ons_code, level_key().icb from staged
    union
    select icb_ons_code, level_key().icb, region_ons_code, level_key().nhs_region from staged
)
select child_code, child_level, parent_code, parent_level, $year as vintage,
    $load_id as load_id
from links;

drop table qof_map_rows;
