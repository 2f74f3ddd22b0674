-- register_timing: how long before death people with palliative need were added to the
-- palliative care register, by cause group, for one area and year.
-- params:  $area_code (text), $level (text), $year (int), $all_group (text)
--          ($all_group: peolc.breakdowns.BreakdownKey.ALL, the group of every cause)
-- returns: cause_group ('all' for every cause), identified (died with need and were on the
--          register before death), dated (of those, with a register date), under_1m (under
--          30 days on the register), m1_3 (30-90 days), m3_12 (91-364 days), m12_plus
--          (365 days or more), q1_days, median_days, q3_days (quartiles of days on the
--          register among the dated). Counts are raw: made safe in queries.registers.
-- reads:   area_deaths() (etl/sql/macros.sql)
with identified as (
    select cause_group, days_on_register
    from area_deaths($area_code, $level)
    where year = $year and n_need_identified = 1
),
counted as (
    select
        coalesce(cause_group, $all_group) as cause_group,
        count(*) as identified,
        count(days_on_register) as dated,
        count(*) filter (where days_on_register < 30) as under_1m,
        count(*) filter (where days_on_register between 30 and 90) as m1_3,
        count(*) filter (where days_on_register between 91 and 364) as m3_12,
        count(*) filter (where days_on_register >= 365) as m12_plus,
        quantile_cont(days_on_register, 0.25) as q1_days,
        median(days_on_register) as median_days,
        quantile_cont(days_on_register, 0.75) as q3_days
    from identified
    group by rollup (cause_group)
),
final as (
    select * from counted
    where identified > 0 or cause_group = $all_group
)
select * from final
order by cause_group = $all_group, cause_group
