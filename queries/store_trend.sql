-- store_trend: the published values of every indicator for one place, each year, not split.
-- params:  $area_code (text), $level (text), $precedence (text[]: source kinds, best first)
-- returns: year, measure, numerator, denominator, value, lower, upper, lower_998,
--          upper_998, source (the load kind), suppressed
-- reads:   store.indicator_value (kept by etl/store.py)
with cells as (
    select *
    from store.indicator_value
    where level = $level
        and area_code = $area_code
        and breakdown = breakdown_key_all()
    qualify row_number() over (
        partition by year, measure order by list_position($precedence, source)
    ) = 1
),
final as (
    select
        cast(year as integer) as year,
        measure,
        numerator,
        denominator,
        value,
        lower_95 as lower,
        upper_95 as upper,
        lower_998,
        upper_998,
        source,
        suppressed
    from cells
)
select * from final
order by year, measure
