-- shape_plan: how each area is drawn on maps, from the boundaries as published
-- (geo_boundary) and today's geography (dim_area, area_ancestor, area_successor).
-- params:  none
-- returns: level, area_code, area_name, vintage (of the newest boundary used), synthetic,
--          estimated (not its own published boundary), note (how an estimate was drawn),
--          parts (list of GeoJSON geometries to union: one for an area drawn as published)
-- reads:   geo_boundary, dim_area, area_ancestor, area_successor, level_key()
-- An area is drawn with the boundary published under its own code. A sub-ICB location
-- new since the boundaries (Thames Valley's E38000268, from NHS Frimley) is drawn with
-- the shape of the former sub-ICB it took the largest share of, so each former area is
-- drawn once; an ICB or NHS region without its own boundary (the April 2026 mergers) is
-- the union of its sub-ICB locations' shapes. Both are marked as estimates.
with latest as (
    select level, area_code, area_name, geometry_json, synthetic, vintage
    from geo_boundary
    qualify row_number() over (
        partition by level, area_code order by vintage desc, load_id desc
    ) = 1
),
own as (
    select d.level, d.area_code, d.area_name, l.vintage, l.synthetic, false as estimated,
        cast(null as varchar) as note, [l.geometry_json] as parts
    from dim_area as d
    join latest as l on l.level = d.level and l.area_code = d.area_code
),
split_part as (
    select d.level, d.area_code, d.area_name, l.vintage, l.synthetic, true as estimated,
        'drawn as ' || f.area_name || ' (' || f.area_code || '), split since its boundary: '
            || 'it took the largest share (' || cast(round(100 * s.share) as integer)
            || '% of ' || s.basis || ')' as note,
        [l.geometry_json] as parts
    from area_successor as s
    join dim_area as d on d.area_code = s.successor_code and d.level = s.level
    join dim_area as f on f.area_code = s.area_code and f.level = s.level
    join latest as l on l.level = f.level and l.area_code = f.area_code
    where s.level = level_key().sub_icb
        and not exists (select 1 from own as o where o.level = d.level and o.area_code = d.area_code)
    qualify row_number() over (partition by s.area_code order by s.share desc) = 1
),
sub_icb_shapes as (
    select * from own where level = level_key().sub_icb
    union all
    select * from split_part
),
merged as (
    select
        d.level,
        d.area_code,
        d.area_name,
        max(c.vintage) as vintage,
        bool_or(c.synthetic) as synthetic,
        true as estimated,
        'drawn from the boundaries of its ' || count(*) || ' sub-ICB locations'
            || case when bool_or(c.estimated) then ' (one an estimate)' else '' end as note,
        flatten(list(c.parts order by c.area_code)) as parts
    from dim_area as d
    join area_ancestor as a on a.ancestor_code = d.area_code and a.ancestor_level = d.level
    join sub_icb_shapes as c on c.area_code = a.area_code and c.level = a.level
    where d.level in (level_key().icb, level_key().nhs_region)
        and d.is_current
        and not exists (select 1 from own as o where o.level = d.level and o.area_code = d.area_code)
    group by d.level, d.area_code, d.area_name
)
select * from own
union all
select * from split_part
union all
select * from merged
order by level, area_code
