-- boundaries: the display boundaries of every area of one level (England).
-- params:  $level (text: nhs_region, icb, sub_icb, region, cty_ua or lad)
-- returns: area_code, area_name, geometry_json (GeoJSON geometry, WGS84), synthetic
--          (true only for generated shapes, as demos before the ONS shapes drew),
--          vintage (the year of the boundaries); the latest vintage per area
-- reads:   geo_boundary
with latest as (
    select
        area_code,
        area_name,
        geometry_json,
        synthetic,
        vintage
    from geo_boundary
    where level = $level
    qualify row_number() over (partition by area_code order by vintage desc) = 1
)
select * from latest
order by area_code
