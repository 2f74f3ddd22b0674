"""What a warehouse holds before any file is loaded: tables, macros and reference rows.

``etl/sql/schema.sql`` and ``macros.sql`` create whatever is missing (they are idempotent),
so every write transaction runs ``ensure`` as its setup; both carry the kernel's
constants (``etl/reference.py``). A new warehouse is stamped with the kernel's
SCHEMA_VERSION and given the ``ref_*`` rows (levels, settings, breakdowns, age bands,
measures, the ICD-10 ranges of palliative need that ``load_deaths.sql`` reads); a
warehouse written by another version is refused rather than silently mixed.
"""

from __future__ import annotations

import duckdb

from etl import reference
from peolc.errors import LoadError
from peolc.schema import SCHEMA_VERSION


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables; refuse a warehouse written by another schema version."""
    con.execute(reference.schema_sql())
    con.execute(reference.macros_sql())
    row = con.execute("select value from warehouse_meta where key = 'schema_version'").fetchone()
    if row is None:
        con.execute(
            "insert into warehouse_meta values ('schema_version', $v)", {"v": SCHEMA_VERSION}
        )
        reference.write(con)
    elif row[0] != SCHEMA_VERSION:
        raise LoadError(
            "The warehouse was built by a different version of peolc-needs.",
            f"It has schema version {row[0]}; this version writes {SCHEMA_VERSION}. "
            "Rebuild it: `peolc demo` or `peolc open-data DIR` into a new --db path.",
        )
