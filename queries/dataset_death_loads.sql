-- dataset_death_loads: for each year of record-level deaths, the date its deaths were
-- last loaded (the standardised data set's extract_date for figures counted from them).
-- params:  none
-- returns: year, extract_date
-- reads:   fact_death, load_log
with loads as (
    select distinct year, load_id from fact_death
),
final as (
    select cast(d.year as integer) as year, max(cast(l.loaded_at as date)) as extract_date
    from loads as d
    join load_log as l using (load_id)
    group by d.year
)
select * from final
order by year
