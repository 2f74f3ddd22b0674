-- load_deaths: insert the staged record-level deaths (view src_rows) as one load.
-- params:  $load_id (int)
-- returns: nothing; adds rows to fact_death with cause group and palliative need derived
--          from ref_cause_group (Etkind 2017 ICD-10 ranges); rows of earlier loads with
--          the same record_id are replaced by the delete in replace_deaths.sql.
-- reads:   src_rows, ref_cause_group
-- Every possible code (a letter, two digits and an optional fourth character: 96,200 of
-- them) is classified once against the ranges, so each death needs one equality join:
-- a range join per death cost more than reading the file.
insert into fact_death
with staged as (
    select
        *,
        upper(replace(trim(underlying_cause), '.', '')) as icd10
    from src_rows
),
possible as (
    select chr(cast(65 + a.i as integer)) || lpad(cast(b.i as varchar), 2, '0') || c.x as code
    from range(26) as a(i), range(100) as b(i),
        (select unnest(['', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9',
            'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M',
            'N', 'O', 'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z']) as x) as c
),
codes as (
    select p.code as icd10, r.cause_group
    from possible as p
    join ref_cause_group as r
        on left(p.code, length(r.code_first)) between r.code_first and r.code_last
),
grouped as (
    select
        s.*,
        coalesce(c.cause_group, 'sudden_other') as cause_group
    from staged as s
    left join codes as c on c.icd10 = s.icd10
)
select
    record_id,
    date_of_death,
    date_of_registration,
    year(date_of_registration) as year,
    age,
    sex,
    ethnic_group,
    upper(trim(lsoa_code)) as lsoa_code,
    upper(trim(practice_code)) as practice_code,
    usual_residence,
    place_of_death,
    icd10 as underlying_cause,
    nullif(upper(replace(replace(trim(contributory_causes), '.', ''), ' ', '')), '') as contributory_causes,
    cause_group,
    cause_group <> 'sudden_other' as palliative_need,
    on_palliative_register,
    palliative_register_date,
    date_diff('day', palliative_register_date, date_of_death) as days_on_register,
    advance_care_plan,
    epaccs_record,
    emergency_admissions_90d,
    $load_id as load_id
from grouped;
