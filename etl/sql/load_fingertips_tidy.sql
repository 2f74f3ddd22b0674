-- load_fingertips_tidy: insert a staged tidy Fingertips extract (view src_rows: area_code,
-- area_name, period, value, indicator, significance) with indicator ids looked up by name.
-- params:  $load_id (int), $names, $official_names, $sexes, $ages (text[]), $ids (int[])
--          (one entry per indicator name in the file, in the same order)
-- returns: nothing; adds fact_indicator rows (significance = the comparison with England;
--          missing values stay as rows with a null value) and upserts fingertips_indicator
-- reads:   src_rows
insert into fact_indicator
with staged as (
    select
        *,
        list_position($names, indicator) as i
    from src_rows
)
select
    $ids[i] as indicator_id,
    case when regexp_full_match(area_code, 'n[A-Z][0-9A-Z]+') then substr(area_code, 2)
        else area_code end as area_code,
    area_name,
    null as area_type,
    null as parent_code,
    period,
    -- Fingertips' sortable form of a calendar year: 2016 -> 20160000
    case when regexp_full_match(period, '[0-9]{4}') then cast(period as integer) * 10000
        end as period_sortable,
    $sexes[i] as sex,
    $ages[i] as age,
    '' as category_type,
    '' as category,
    value,
    null as lower_95,
    null as upper_95,
    null as lower_998,
    null as upper_998,
    null as count,
    null as denominator,
    null as value_note,
    null as recent_trend,
    significance as compared_to_england,
    null as compared_to_parent,
    null as parent_type_label,
    $load_id as load_id
from staged;

insert or replace into fingertips_indicator
select
    unnest($ids) as indicator_id,
    unnest($official_names) as indicator_name,
    $load_id as load_id;
