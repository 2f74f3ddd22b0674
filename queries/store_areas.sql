-- store_areas: the published values of every indicator for each of today's areas of one
-- level within a parent area (all of England when the parent is England), for one year,
-- not split (areas replaced since, dim_area.is_current false, are not peers).
-- params:  $peer_level (text), $parent_code (text), $parent_level (text), $year (int),
--          $precedence (text[]: source kinds, best first)
-- returns: area_code, area_name, measure, numerator, denominator, value, lower, upper,
--          lower_998, upper_998, source (the load kind), suppressed; only areas with values
-- reads:   store.indicator_value (kept by etl/store.py), area_ancestor, dim_area
with peers as (
    select a.area_code, a.area_name
    from dim_area as a
    join area_ancestor as up on up.area_code = a.area_code and up.level = a.level
    where a.level = $peer_level
        and a.is_current
        and up.ancestor_code = $parent_code
        and up.ancestor_level = $parent_level
),
cells as (
    select v.*
    from store.indicator_value as v
    where v.level = $peer_level
        and v.year = $year
        and v.breakdown = breakdown_key_all()
    qualify row_number() over (
        partition by v.area_code, v.measure order by list_position($precedence, v.source)
    ) = 1
),
final as (
    select
        p.area_code,
        p.area_name,
        c.measure,
        c.numerator,
        c.denominator,
        c.value,
        c.lower_95 as lower,
        c.upper_95 as upper,
        c.lower_998,
        c.upper_998,
        c.source,
        c.suppressed
    from peers as p
    join cells as c using (area_code)
)
select * from final
order by area_name, area_code, measure
