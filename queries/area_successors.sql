-- area_successors: what a former area (one replaced since: merged, split or re-coded with
-- a new ODS code) became: today's areas of its level that hold its practices.
-- params:  $area_code (text), $level (text)
-- returns: successor_code, successor_name, share (0-1 of its registered patients, or of
--          its practices where no list is loaded), practices (of its practices, how many
--          moved there), basis (what the share counts), as_of (the vintage the former area
--          is kept as); largest share first; no rows for today's areas
-- reads:   area_successor, dim_area
with former as (
    select area_code, level, vintage as as_of
    from dim_area
    where area_code = $area_code and level = $level and not is_current
),
final as (
    select
        s.successor_code,
        d.area_name as successor_name,
        s.share,
        s.practices,
        s.basis,
        cast(f.as_of as integer) as as_of
    from former as f
    join area_successor as s on s.area_code = f.area_code and s.level = f.level
    join dim_area as d on d.area_code = s.successor_code and d.level = s.level
)
select * from final
order by share desc, successor_code
