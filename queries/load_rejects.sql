-- load_rejects: rows set aside by lenient loads, per load and reason.
-- params:  none
-- returns: load_id, file_name, column_name, reason, rows (count), first_line
-- reads:   load_reject
select
    load_id,
    file_name,
    column_name,
    reason,
    count(*) as rows,
    min(line) as first_line
from load_reject
group by all
order by load_id desc, rows desc
