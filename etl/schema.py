"""What a warehouse holds before any file is loaded: tables, macros and reference rows.

``etl/sql/schema.sql`` and ``macros.sql`` create whatever is missing (they are idempotent),
so every write transaction runs ``ensure`` as its setup. A new warehouse is stamped with
SCHEMA_VERSION and given the ICD-10 ranges of palliative need from ``peolc.vocabulary``,
which ``load_deaths.sql`` reads; a warehouse written by another version is refused rather
than silently mixed.
"""

from __future__ import annotations

import duckdb

from etl import SQL_DIR
from peolc.errors import LoadError
from peolc.sqlfiles import sql_text
from peolc.vocabulary import PALLIATIVE_NEED_RANGES

SCHEMA_VERSION = "2"  # 2: the derived schema (etl/derived.py)


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables; refuse a warehouse written by another schema version."""
    con.execute(sql_text(SQL_DIR, "schema"))
    con.execute(sql_text(SQL_DIR, "macros"))
    row = con.execute("select value from warehouse_meta where key = 'schema_version'").fetchone()
    if row is None:
        con.execute(
            "insert into warehouse_meta values ('schema_version', $v)", {"v": SCHEMA_VERSION}
        )
        con.execute("delete from ref_cause_group")
        con.executemany(
            "insert into ref_cause_group values (?, ?, ?, ?)",
            [(r.first, r.last, r.cause_group, r.condition) for r in PALLIATIVE_NEED_RANGES],
        )
    elif row[0] != SCHEMA_VERSION:
        raise LoadError(
            "The warehouse was built by a different version of peolc-needs.",
            f"It has schema version {row[0]}; this version writes {SCHEMA_VERSION}. "
            "Rebuild it: `peolc demo` or `peolc open-data DIR` into a new --db path.",
        )
