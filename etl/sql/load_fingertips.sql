-- load_fingertips: insert staged Fingertips API rows (view src_rows) and upsert the
-- indicators' names.
-- params:  $load_id (int), $parent_type_label (text or null: the <X> of the file's
--          'Compared to <X> value or percentiles' column)
-- returns: nothing; adds fact_indicator rows (area codes without Fingertips' 'n' prefix,
--          '' for the whole-population category) and replaces fingertips_indicator rows
--          of the indicators this file carries
-- reads:   src_rows
insert into fact_indicator
select
    indicator_id,
    case when regexp_full_match(area_code, 'n[A-Z][0-9A-Z]+') then substr(area_code, 2)
        else area_code end as area_code,
    area_name,
    area_type,
    case when regexp_full_match(parent_code, 'n[A-Z][0-9A-Z]+') then substr(parent_code, 2)
        else parent_code end as parent_code,
    period,
    period_sortable,
    sex,
    age,
    coalesce(category_type, '') as category_type,
    coalesce(category, '') as category,
    value,
    lower_95,
    upper_95,
    lower_998,
    upper_998,
    count,
    denominator,
    value_note,
    recent_trend,
    compared_to_england,
    compared_to_parent,
    $parent_type_label as parent_type_label,
    $load_id as load_id
from src_rows;

insert or replace into fingertips_indicator
with named as (
    select
        indicator_id,
        trim(regexp_replace(any_value(indicator_name), '\s+', ' ', 'g')) as indicator_name
    from src_rows
    group by indicator_id
)
select
    indicator_id,
    coalesce(nullif(indicator_name, ''), 'Fingertips indicator ' || indicator_id),
    $load_id as load_id
from named;
