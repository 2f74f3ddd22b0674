-- load_qof_prevalence: insert staged QOF registers and list sizes (view src_rows) for one
-- financial year, replacing whatever earlier loads held for that year.
-- params:  $load_id (int), $year (int: financial-year start, 2022 = 2022-23)
-- returns: nothing; fact_qof rows of $year from earlier loads are deleted, the staged
--          rows added (REGISTER is published as a float, "38.0": stored as a whole number)
-- reads:   src_rows
delete from fact_qof
where year = $year;

insert into fact_qof
with staged as (
    select
        upper(practice_code) as practice_code,
        upper(group_code) as group_code,
        -- a fraction becomes null, which the not-null column refuses: the fast path then
        -- falls back to the checked one, which names the line
        case when register = round(register) then cast(register as integer) end as register,
        upper(list_type) as list_type,
        list_size
    from src_rows
)
select
    $year as year,
    practice_code,
    group_code,
    register,
    list_type,
    list_size,
    $load_id as load_id
from staged;
