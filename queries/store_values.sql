-- store_values: the published values of every indicator for one place and year, split by
-- one breakdown, from the best source that covers each (indicator, group).
-- params:  $area_code (text), $level (text), $year (int), $breakdown (text: a ref_breakdown
--          key; 'all' when not split), $precedence (text[]: source kinds, best first)
-- returns: group_value, measure, numerator, denominator, value, lower, upper, lower_998,
--          upper_998 (95% and 99.8% limits), computed (fields computed, not published),
--          source (the load kind: deaths, icb-extract, fingertips), source_file, period, restricted,
--          suppressed, rank (1: the source the pages show; 2, 3: the others, for the note
--          where they disagree)
-- reads:   store.indicator_value (kept by etl/store.py)
-- Where several sources cover a cell, record-level deaths win, then the ICB extract, then
-- Fingertips (peolc.measures.SOURCE_PRECEDENCE).
with cells as (
    select *
    from store.indicator_value
    where level = $level
        and area_code = $area_code
        and year = $year
        and breakdown = $breakdown
),
final as (
    select
        group_value,
        measure,
        numerator,
        denominator,
        value,
        lower_95 as lower,
        upper_95 as upper,
        lower_998,
        upper_998,
        computed,
        source,
        source_file,
        period,
        restricted,
        suppressed,
        row_number() over (
            partition by measure, group_value order by list_position($precedence, source)
        ) as rank
    from cells
)
select * from final
order by measure, group_value, rank
