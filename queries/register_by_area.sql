-- register_by_area: the QOF palliative care register, list size and deaths with palliative
-- need of each of today's areas of one level within a parent area (the parent itself when
-- the levels are the same, today's or not), for register coverage.
-- params:  $parent_code, $parent_level, $child_level, $year (int), $england_level, $practice_level
--          (text; the last two: peolc.levels.LevelKey.ENGLAND and .PRACTICE, bound by
--          queries.registers: a practice is the base kind of registered patients)
-- returns: area_code, area_name, qof_year (financial year start, 2022 = 2022-23: the latest
--          at or before $year, else the earliest loaded), practices, register (people on
--          the PC register), list_size (registered patients; register and list null where
--          the area has no practice with QOF data), deaths, with_need (died of a cause on
--          the Etkind 2017 list), need_identified (of those, on the register before death;
--          deaths registered in $year, by registered practice for PCNs and practices and by
--          LSOA of residence otherwise, as area_deaths(); null where none). Counts are raw.
-- reads:   dim_area, area_ancestor, area_base, fact_qof, derived.death_area (sums kept by
--          etl/derived.py; attribution as area_deaths())
with areas as (
    select a.area_code, a.area_name
    from dim_area as a
    join area_ancestor as up on up.area_code = a.area_code and up.level = a.level
    where a.level = $child_level
        and (a.is_current or (a.area_code = $parent_code and a.level = $parent_level))
        and up.ancestor_code = $parent_code
        and up.ancestor_level = $parent_level
),
qof_year as (
    select coalesce(max(year) filter (where year <= $year), min(year)) as qof_year
    from fact_qof
    where group_code = 'PC'
),
practices as (
    select area_code, base_code as practice_code
    from area_base
    where level = $child_level
        and base_kind = $practice_level
        and area_code in (select area_code from areas)
),
qof as (
    select
        p.area_code,
        count(*) as practices,
        sum(q.register) as register,
        sum(q.list_size) as list_size
    from practices as p
    join fact_qof as q on q.practice_code = p.practice_code
    join qof_year as y on q.year = y.qof_year
    where q.group_code = 'PC'
    group by p.area_code
),
deaths as (
    -- England's row counts every death, with or without a recorded residence
    select a.area_code, d.deaths, d.with_need, d.need_identified
    from derived.death_area as d
    join areas as a on a.area_code = d.area_code or $child_level = $england_level
    where d.level = $child_level and d.year = $year
),
final as (
    select
        a.area_code,
        a.area_name,
        cast(y.qof_year as integer) as qof_year,
        cast(q.practices as bigint) as practices,
        cast(q.register as bigint) as register,
        cast(q.list_size as bigint) as list_size,
        cast(d.deaths as bigint) as deaths,
        cast(d.with_need as bigint) as with_need,
        cast(d.need_identified as bigint) as need_identified
    from areas as a
    cross join qof_year as y
    left join qof as q using (area_code)
    left join deaths as d using (area_code)
)
select * from final
order by area_name, area_code
