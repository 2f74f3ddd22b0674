-- load_boundaries: insert one level's boundaries (view src_boundaries, built by
-- etl/loaders/boundaries.py: England only, WGS84, simplified) and their names.
-- params:  $load_id (int), $level (text), $vintage (int: the year in the code property)
-- returns: nothing; boundaries and names of the same level and vintage from earlier
--          boundary loads are replaced
-- reads:   src_boundaries, load_log
delete from geo_boundary
where level = $level
    and vintage = $vintage;

delete from geo_name
where level = $level
    and vintage = $vintage
    and load_id in (select load_id from load_log where kind = 'boundaries');

insert into geo_boundary
select
    area_code,
    $level as level,
    area_name,
    $vintage as vintage,
    geometry_json,
    false as synthetic,
    $load_id as load_id
from src_boundaries;

insert into geo_name
select
    area_code,
    $level as level,
    area_name,
    null as ods_code,
    $vintage as vintage,
    $load_id as load_id
from src_boundaries;
