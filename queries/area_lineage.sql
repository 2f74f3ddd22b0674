-- area_lineage: an area and its ancestors on its hierarchy, for breadcrumbs and peers.
-- params:  $area_code (text), $level (text)
-- returns: ancestor_code, ancestor_level, ancestor_name (the area itself included)
-- reads:   area_ancestor, dim_area
with lineage as (
    select ancestor_code, ancestor_level
    from area_ancestor
    where area_code = $area_code and level = $level
),
final as (
    select l.ancestor_code, l.ancestor_level, d.area_name as ancestor_name
    from lineage as l
    join dim_area as d on d.area_code = l.ancestor_code and d.level = l.ancestor_level
)
select * from final
