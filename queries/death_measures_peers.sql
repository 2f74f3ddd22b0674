-- death_measures_peers: counts behind every death measure for each area of one level
-- within a parent area (all of England when the parent is England), for one year.
-- params:  $peer_level (text), $parent_code (text), $parent_level (text), $year (int)
-- returns: area_code, area_name, deaths, one count per measure numerator (as
--          death_measures.sql); areas with no deaths have null counts
-- reads:   death_facts (etl/sql/macros.sql), area_base, area_ancestor, dim_area
with peers as (
    select a.area_code, a.area_name
    from dim_area as a
    join area_ancestor as up on up.area_code = a.area_code and up.level = a.level
    where a.level = $peer_level
        and up.ancestor_code = $parent_code
        and up.ancestor_level = $parent_level
),
bases as (
    -- residents by LSOA, except PCNs and practices (registered patients)
    select area_code, base_kind, base_code
    from area_base
    where level = $peer_level
        and area_code in (select area_code from peers)
        and base_kind = case when $peer_level in ('pcn', 'practice') then 'practice' else 'lsoa' end
),
deaths as (
    select b.area_code, d.*
    from death_facts as d
    join bases as b
        on b.base_code = case
            when $peer_level in ('pcn', 'practice') then d.practice_code else d.lsoa_code
        end
    where d.year = $year
),
counted as (
    select
        area_code,
        count(*) as deaths,
        cast(sum(columns('^n_(.*)')) as bigint) as '\1'
    from deaths
    group by area_code
),
final as (
    select p.area_code, p.area_name, c.* exclude (area_code)
    from peers as p
    left join counted as c using (area_code)
)
select * from final
order by area_name
