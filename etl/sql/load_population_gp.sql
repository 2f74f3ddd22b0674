-- load_population_gp: insert staged GP registered patients by five-year age (view
-- src_rows, NHS England gp-reg-pat-prac-quin-age layout) as practice populations.
-- params:  $load_id (int)
-- returns: nothing; adds fact_population rows (base_kind 'practice', year = year of the
--          extract date) for TYPE = GP, males and females; the 90_94 and 95+ groups are
--          summed into 90+; the ALL rows (totals) are left out
-- reads:   src_rows, level_key() (etl/sql/macros.sql)
insert into fact_population
with kept as (
    select
        year(coalesce(
            try_strptime(extract_date, '%d%b%Y'),
            try_strptime(extract_date, '%Y-%m-%d'),
            try_strptime(extract_date, '%d/%m/%Y'),
            try_strptime(extract_date, '%d-%b-%Y')
        )) as year,
        upper(code) as base_code,
        case sex when 'MALE' then 'M' else 'F' end as sex,
        case
            when age_group_5 in ('90_94', '95+') then '90+'
            else replace(age_group_5, '_', '-')
        end as age_band,
        number_of_patients
    from src_rows
    where upper(type) = 'GP'
        and sex in ('MALE', 'FEMALE')
        and age_group_5 <> 'ALL'
)
select
    year,
    level_key().practice as base_kind,
    base_code,
    sex,
    age_band,
    cast(sum(number_of_patients) as integer) as population,
    $load_id as load_id
from kept
group by year, base_code, sex, age_band;
