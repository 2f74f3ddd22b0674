"""Rebuild the derived geography after any load that changes names, links or IMD.

Published lookups disagree on years and codes; ``derive_geography.sql`` reconciles them
into the areas people pick (``dim_area``), every code they might type (``area_alias``),
each area's ancestors and base units, the IMD decile of every LSOA in use, and the shape
each area is drawn with (``etl.shapes``). The code
that loads calls ``derive`` as a step of its write transaction, after the files and before
the derived sums (``etl.derived.refresh``), which are summed over these areas.
"""

from __future__ import annotations

import duckdb

from etl import SQL_DIR
from etl.shapes import derive_shapes
from etl.warehouse import Transaction
from peolc.errors import LoadError
from peolc.sqlfiles import run_sql

# an ONS code that the loaded files give two ODS codes cannot become one area
_CONFLICTS = """
    select
        n.level,
        n.area_code,
        string_agg(distinct n.ods_code || ' in ' || l.file_name, ', '
            order by n.ods_code || ' in ' || l.file_name) as found
    from geo_name as n
    join load_log as l using (load_id)
    where nullif(n.ods_code, '') is not null and n.area_code like 'E%'
    group by n.level, n.area_code
    having count(distinct n.ods_code) > 1
    order by n.level, n.area_code
    limit 20
"""


def derive(tx: Transaction) -> None:
    """Replace the derived geography tables, as one step of the write transaction ``tx``."""
    try:
        with tx.step() as con:
            run_sql(con, SQL_DIR, "derive_geography")
            derive_shapes(con)
    except duckdb.ConstraintException as e:
        conflicts = tx.con.execute(_CONFLICTS).fetchall()
        detail = "\n".join(
            f"{level} {code}: ODS code {found}; expected one ODS code per area code "
            "(fix the file that is wrong and load it again)"
            for level, code, found in conflicts
        )
        raise LoadError(
            "The loaded files disagree about which area a code stands for.",
            detail or f"The areas could not be rebuilt: {e}",
        ) from e
