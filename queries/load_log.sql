-- load_log: what was loaded, when, and how many rows were kept and rejected.
-- params:  none
-- returns: load_id, kind, file_name, layout, rows_read, rows_loaded, rows_rejected,
--          loaded_at, synthetic, notes, sha256; newest first
-- reads:   load_log
select
    load_id, kind, file_name, layout, rows_read, rows_loaded, rows_rejected,
    loaded_at, synthetic, notes, sha256
from load_log
order by load_id desc
