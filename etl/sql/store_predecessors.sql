-- store_predecessors: published counts of the areas a merged area replaced, for the cells
-- the merged area has none of its own, where they can be combined.
-- params:  none
-- returns: level, area_code (today's merged area), measure, year, period, sex, age,
--          breakdown, group_value, numerator, denominator (sums), source_file, load_id,
--          predecessors (their codes), exact (the predecessors nest exactly: each went
--          wholly into it, and they hold all its practices); one row per cell of a merged
--          area it has none of its own: where they nest, only cells every predecessor
--          publishes a count and a denominator for; where they do not, any (to be noted)
-- reads:   area_successor, area_base, store.indicator_value, level_key() (macros.sql)
-- A merged area (Surrey and Sussex, E54000069) is the sum of its predecessors only when
-- they nest exactly: West and North London (E54000071) is North West London and North
-- Central London whole; Surrey and Sussex also took 11 of Frimley's practices, so it is
-- not. Values without counts are never combined; etl/store.py adds the exact cells
-- (values and limits recomputed) and notes the rest.
with successors as (
    select level, successor_code as area_code, area_code as predecessor, share, practices
    from area_successor
    where share > 0
),
merged as (
    select
        s.level,
        s.area_code,
        list(s.predecessor order by s.predecessor) as predecessors,
        bool_and(s.share > 0.9999)
            and sum(s.practices) = any_value(p.practices) as exact
    from successors as s
    join (
        select level, area_code, count(*) as practices
        from area_base
        where base_kind = level_key().practice
        group by level, area_code
    ) as p on p.level = s.level and p.area_code = s.area_code
    group by s.level, s.area_code
    having count(*) > 1 or bool_and(s.share < 0.9999)
),
cells as (
    select
        m.level,
        m.area_code,
        v.measure,
        v.year,
        v.period,
        v.sex,
        v.age,
        v.breakdown,
        v.group_value,
        count(*) as published,
        count(*) filter (where v.numerator is not null and v.denominator is not null
            and not v.suppressed) as counted,
        sum(v.numerator) as numerator,
        sum(v.denominator) as denominator,
        string_agg(distinct v.source_file, ', ' order by v.source_file) as source_file,
        max(v.load_id) as load_id,
        any_value(m.predecessors) as predecessors,
        any_value(m.exact) as exact
    from merged as m
    join successors as s on s.level = m.level and s.area_code = m.area_code
    join store.indicator_value as v
        on v.level = s.level and v.area_code = s.predecessor and v.source = 'fingertips'
    group by all
),
own as (
    select distinct level, area_code, measure, year, sex, age, breakdown, group_value
    from store.indicator_value
    where source = 'fingertips'
)
select
    c.level, c.area_code, c.measure, c.year, c.period, c.sex, c.age, c.breakdown,
    c.group_value, c.numerator, c.denominator, c.source_file, c.load_id, c.predecessors,
    c.exact
from cells as c
where (not c.exact or (c.published = len(c.predecessors) and c.counted = c.published))
    and not exists (
        select 1 from own as o
        where o.level = c.level and o.area_code = c.area_code and o.measure = c.measure
            and o.year = c.year and o.sex = c.sex and o.age = c.age
            and o.breakdown = c.breakdown and o.group_value = c.group_value
    )
order by c.level, c.area_code, c.measure, c.year, c.breakdown, c.group_value
