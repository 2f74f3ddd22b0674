-- store_icb_extract_cells: the ICB extract's rows for the store, before disclosure control.
-- params:  none
-- returns: measure, level, area_code (current), year, period, breakdown, group_value,
--          numerator, denominator, source_file, load_id; one row per cell. Calendar years
--          ('2023') and financial years ('2023-24') as given; quarters ('2023-24 Q1')
--          summed into their financial year when all four are there and none is blank
--          (a blank, suppressed quarter makes the year's count unknown)
-- reads:   fact_measure, ref_measure (ICB-extract measure names), area_alias, load_log
with names as (
    select measure, unnest(icb_extract_measures) as extract_measure from ref_measure
),
rows as (
    select
        n.measure,
        a.level,
        a.area_code,
        f.period,
        regexp_extract(f.period, '^(\d{4}(-\d{2})?)', 1) as year_period,
        f.period like '% Q_' as is_quarter,
        f.breakdown,
        f.breakdown_value as group_value,
        f.numerator,
        f.denominator,
        f.load_id
    from fact_measure as f
    join names as n on n.extract_measure = f.measure
    join area_alias as a on a.alias = f.area_code and a.level = f.area_type
    where regexp_full_match(f.period, '\d{4}(-\d{2})?( Q[1-4])?')
),
annual as (
    select * exclude (is_quarter) from rows where not is_quarter
),
from_quarters as (
    select
        measure, level, area_code, year_period as period, year_period, breakdown, group_value,
        case when count(numerator) = 4 then sum(numerator) end as numerator,
        case when count(denominator) = 4 then sum(denominator) end as denominator,
        max(load_id) as load_id
    from rows
    where is_quarter
    group by all
    having count(distinct period) = 4
),
final as (
    select
        c.measure,
        c.level,
        c.area_code,
        cast(left(c.year_period, 4) as smallint) as year,
        c.period,
        c.breakdown,
        c.group_value,
        c.numerator,
        c.denominator,
        l.file_name as source_file,
        c.load_id
    from (select * from annual union all by name select * from from_quarters) as c
    join load_log as l using (load_id)
    qualify row_number() over (
        partition by c.measure, c.level, c.area_code, left(c.year_period, 4), c.breakdown,
            c.group_value
        order by c.load_id desc, length(c.period)
    ) = 1
)
select * from final
