-- load_lsoa_fit: keep ONS's best-fit lookup of LSOAs 2011 -> 2021 (view src_rows, layout
-- ons-lsoa11-lsoa21-lad22: LSOA11CD, LSOA21CD, LAD22CD and names).
-- params:  $load_id (int), $layout (text: the layout name), $vintage (int: the LAD codes'
--          year)
-- returns: nothing; replaces the geo_lsoa_fit rows of earlier loads of the same layout
--          (England and Wales as published: derive_geography reads English codes only)
-- reads:   src_rows, load_log
delete from geo_lsoa_fit
where load_id in (select load_id from load_log where kind = 'lookups' and layout = $layout);

insert into geo_lsoa_fit
select
    upper(lsoa11_code) as lsoa11_code,
    upper(lsoa21_code) as lsoa21_code,
    upper(lad22_code) as lad_code,
    cast($vintage as smallint) as vintage,
    $load_id as load_id
from src_rows;
