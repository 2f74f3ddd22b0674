-- warehouse_tables: every table of the warehouse with its row count estimate.
-- params:  none
-- returns: table_name, rows (DuckDB's stored count), ordered by name
-- reads:   duckdb_tables()
select table_name, cast(estimated_size as bigint) as rows
from duckdb_tables()
where database_name = 'w' and not temporary
order by table_name
