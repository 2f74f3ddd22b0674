"""Rebuild the derived geography after any load that changes names, links or IMD.

Published lookups disagree on years and codes; ``derive_geography.sql`` reconciles them
into the areas people pick (``dim_area``), every code they might type (``area_alias``),
each area's ancestors and base units, and the IMD decile of every LSOA in use.
"""

from __future__ import annotations

import duckdb

from etl.loaders.base import run_sql


def derive(con: duckdb.DuckDBPyConnection) -> None:
    """Replace the derived geography tables inside the caller's write transaction."""
    con.execute("begin")
    try:
        run_sql(con, "derive_geography")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
