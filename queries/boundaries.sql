-- boundaries: the display boundaries of every area of one level (England).
-- params:  $level (text: nhs_region, icb, sub_icb, region, cty_ua or lad)
-- returns: area_code, area_name, geometry_json (GeoJSON geometry, WGS84), synthetic
--          (true for the demo's generated shapes); the latest vintage per area
-- reads:   geo_boundary, load_log
with latest as (
    select
        b.area_code,
        b.area_name,
        b.geometry_json,
        b.synthetic or coalesce(l.synthetic, false) as synthetic
    from geo_boundary as b
    left join load_log as l using (load_id)
    where b.level = $level
    qualify row_number() over (partition by b.area_code order by b.vintage desc) = 1
)
select * from latest
order by area_code
