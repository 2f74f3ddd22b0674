-- areas: the places of one level that people can pick (today's: an area replaced since,
-- dim_area.is_current false, is reached by its code only), with their parent area.
-- params:  $level (text, a level key such as 'icb' or 'practice')
-- returns: area_code, area_name, ods_code, parent_code, parent_name; ordered by name
-- reads:   dim_area
with chosen as (
    select area_code, area_name, ods_code, parent_code
    from dim_area
    where level = $level and is_current
),
parents as (
    select area_code, any_value(area_name) as area_name
    from dim_area
    group by area_code
),
final as (
    select
        c.area_code,
        c.area_name,
        c.ods_code,
        c.parent_code,
        p.area_name as parent_name
    from chosen as c
    left join parents as p on p.area_code = c.parent_code
)
select * from final
order by area_name, area_code
