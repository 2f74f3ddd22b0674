-- load_icb_extract: insert the staged ICB dashboard extract (view src_rows) as one load.
-- params:  $load_id (int)
-- returns: nothing; adds fact_measure rows as given (suppressed numerators and
--          denominators are null); earlier rows with the same key are dropped by
--          replace_icb_extract.sql
-- reads:   src_rows
insert into fact_measure
select
    period,
    upper(area_code) as area_code,
    cast(area_type as varchar) as area_type,
    measure,
    cast(breakdown as varchar) as breakdown,
    breakdown_value,
    numerator,
    denominator,
    $load_id as load_id
from src_rows;
