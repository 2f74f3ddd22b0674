-- boundaries: the display shape of each of today's areas of one level (England).
-- params:  $level (text: nhs_region, icb, sub_icb, region, cty_ua or lad)
-- returns: area_code, area_name, geometry_json (GeoJSON geometry, WGS84), synthetic
--          (true only for generated shapes, as demos before the ONS shapes drew),
--          vintage (the year of the boundaries), estimated (not the area's own published
--          boundary: rebuilt where areas changed since), note (how it was drawn)
-- reads:   derived.area_shape (kept by etl/shapes.py), dim_area
with final as (
    select
        s.area_code,
        d.area_name,
        s.geometry_json,
        s.synthetic,
        s.vintage,
        s.estimated,
        s.note
    from derived.area_shape as s
    join dim_area as d on d.area_code = s.area_code and d.level = s.level
    where s.level = $level and d.is_current
)
select * from final
order by area_code
