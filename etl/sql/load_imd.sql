-- load_imd: insert the staged IMD 2019 ranks and deciles (view src_rows), and the LSOA 2011
-- names, replacing what earlier loads held for the same LSOAs.
-- params:  $load_id (int)
-- returns: nothing; imd_lsoa rows for these LSOAs are replaced; geo_name gets one
--          'lsoa' row (vintage 2011) per LSOA (earlier IMD loads' names for them go)
-- reads:   src_rows, load_log
delete from imd_lsoa
where lsoa11_code in (select upper(lsoa11_code) from src_rows);

delete from geo_name
where level = 'lsoa'
    and load_id in (select load_id from load_log where kind = 'imd')
    and area_code in (select upper(lsoa11_code) from src_rows);

insert into imd_lsoa
select
    upper(lsoa11_code) as lsoa11_code,
    lsoa11_name,
    upper(lad19_code) as lad19_code,
    imd_rank,
    imd_decile,
    $load_id as load_id
from src_rows;

insert into geo_name
select
    lsoa11_code as area_code,
    'lsoa' as level,
    lsoa11_name as area_name,
    null as ods_code,
    2011 as vintage,
    $load_id as load_id
from imd_lsoa
where load_id = $load_id;
