-- load_lookups: name the areas of a geography lookup and link each child to its parent.
-- params:  $load_id, $layout, $lsoa_vintage, $sub_icb_vintage, $icb_vintage, $lad_vintage, $cty_ua_vintage, $region_vintage
--          ($layout is text; the vintages are years, null when the layout has no such level)
-- returns: nothing; the rows that earlier loads of the same layout added to geo_name and
--          geo_link are replaced. Links: lsoa -> sub_icb, sub_icb -> icb, lsoa -> lad,
--          lad -> cty_ua, lad -> region, each of its parent's vintage. Rows outside England
--          are kept as published (derive_geography keeps England only).
-- reads:   lookup_rows (src_rows with role columns, built by etl/loaders/lookups.py), load_log,
--          level_key() (etl/sql/macros.sql)
delete from geo_name
where load_id in (select load_id from load_log where kind = 'lookups' and layout = $layout);

delete from geo_link
where load_id in (select load_id from load_log where kind = 'lookups' and layout = $layout);

insert into geo_name
with staged as (
    select * from lookup_rows
),
names as (
    select lsoa_code as area_code, level_key().lsoa as level, lsoa_name as area_name,
        null as ods_code, $lsoa_vintage as vintage
    from staged
    union
    select sub_icb_code, level_key().sub_icb, sub_icb_name, upper(sub_icb_ods), $sub_icb_vintage
    from staged
    union
    select icb_code, level_key().icb, icb_name, upper(icb_ods), $icb_vintage from staged
    union
    select lad_code, level_key().lad, lad_name, null, $lad_vintage from staged
    union
    select cty_ua_code, level_key().cty_ua, cty_ua_name, null, $cty_ua_vintage from staged
    union
    select region_code, level_key().region, region_name, null, $region_vintage from staged
)
select area_code, level, area_name, ods_code, vintage, $load_id as load_id
from names
where area_code is not null and vintage is not null;

insert into geo_link
with staged as (
    select * from lookup_rows
),
links as (
    select lsoa_code as child_code, level_key().lsoa as child_level, sub_icb_code as parent_code,
        level_key().sub_icb as parent_level, $sub_icb_vintage as vintage
    from staged
    union
    select sub_icb_code, level_key().sub_icb, icb_code, level_key().icb, $icb_vintage from staged
    union
    select lsoa_code, level_key().lsoa, lad_code, level_key().lad, $lad_vintage from staged
    union
    select lad_code, level_key().lad, cty_ua_code, level_key().cty_ua, $cty_ua_vintage from staged
    union
    select lad_code, level_key().lad, region_code, level_key().region, $region_vintage from staged
)
select child_code, child_level, parent_code, parent_level, vintage, $load_id as load_id
from links
where child_code is not null and parent_code is not null and vintage is not null;
