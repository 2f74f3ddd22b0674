-- dataset_cells: what the store says about each of one place's cells in one year, beyond
-- the numbers: the period, sex and age as published, notes, what was computed here,
-- restriction and the date of the load that gave it (the standardised data set).
-- params:  $area_code (text), $level (text), $year (int)
-- returns: breakdown, group_value, measure, source (the load kind), period, sex, age,
--          value_note, computed (fields computed here, not published), restricted,
--          extract_date (the date the file was loaded)
-- reads:   store.indicator_value (kept by etl/store.py), load_log
-- One row per (breakdown, group, indicator, source): queries/store.py picks the source
-- of each cell, and the data set joins these rows to it on the source.
with cells as (
    select v.*, cast(l.loaded_at as date) as extract_date
    from store.indicator_value as v
    join load_log as l using (load_id)
    where v.level = $level
        and v.area_code = $area_code
        and v.year = $year
),
final as (
    select
        breakdown,
        group_value,
        measure,
        source,
        period,
        sex,
        age,
        value_note,
        computed,
        restricted,
        extract_date
    from cells
    qualify row_number() over (
        partition by breakdown, group_value, measure, source order by load_id desc
    ) = 1
)
select * from final
