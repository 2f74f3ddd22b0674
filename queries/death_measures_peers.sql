-- death_measures_peers: counts behind every death measure for each area of one level
-- within a parent area (all of England when the parent is England), for one year.
-- params:  $peer_level (text), $parent_code (text), $parent_level (text), $year (int)
-- returns: area_code, area_name, deaths, one count per measure numerator (as
--          death_measures.sql); areas with no deaths have null counts. England has no
--          peers ($peer_level is never 'england')
-- reads:   derived.death_area (sums kept by etl/derived.py; attribution as area_deaths()),
--          area_ancestor, dim_area
with peers as (
    select a.area_code, a.area_name
    from dim_area as a
    join area_ancestor as up on up.area_code = a.area_code and up.level = a.level
    where a.level = $peer_level
        and up.ancestor_code = $parent_code
        and up.ancestor_level = $parent_level
),
counted as (
    select * exclude (level, year)
    from derived.death_area
    where level = $peer_level and year = $year
),
final as (
    select p.area_code, p.area_name, cast(columns(c.* exclude (area_code)) as bigint)
    from peers as p
    left join counted as c using (area_code)
)
select * from final
order by area_name, area_code
