-- unmapped_practices: the practices of one load (QOF registers or registered patients)
-- that no mapping of today's areas names, by where derive_geography placed them.
-- params:  $load_id (int), $practice_level (text: peolc.levels.BaseKind.PRACTICE),
--          $register_group (text: the QOF register counted, PC)
-- returns: level, area_code (null unless one area), placed_by (null: in no practice
--          mapping), practices, register (PC patients; null for populations), people (list
--          size of the PC register, or registered patients), examples (up to 5 codes)
-- reads:   practice_placement (derive_geography), fact_qof, fact_population
with qof as (
    select practice_code, sum(register) as register, sum(list_size) as people
    from fact_qof
    where load_id = $load_id and group_code = $register_group
    group by practice_code
),
patients as (
    select base_code as practice_code, cast(null as bigint) as register,
        sum(population) as people
    from fact_population
    where load_id = $load_id and base_kind = $practice_level
    group by base_code
),
figures as (
    select * from qof
    union all
    select * from patients
),
final as (
    select
        p.level,
        case when count(distinct p.area_code) = 1 then any_value(p.area_code) end as area_code,
        p.placed_by,
        count(*) as practices,
        sum(f.register) as register,
        sum(f.people) as people,
        string_agg(p.practice_code, ', ' order by p.practice_code) as examples
    from figures as f
    join practice_placement as p using (practice_code)
    group by p.level, p.placed_by
)
select * from final
order by practices desc, level
