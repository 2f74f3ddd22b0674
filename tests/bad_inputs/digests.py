"""Fingerprints of a warehouse's contents, to say "unchanged" or "exactly this version".

A byte comparison says a failed load left the file alone; these digests compare what two
warehouses *hold*, table by table, ignoring what differs between two loads of the same
data (load times, build ids, the tool version).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

# columns that differ between two loads of the same rows
VOLATILE: dict[str, tuple[str, ...]] = {"load_log": ("loaded_at", "tool_version")}
VOLATILE_META = ("build_id", "built_at", "tool_version")


def table_digests(db: Path) -> dict[str, str]:
    """sha256 of every table's rows (sorted), by table name."""
    with duckdb.connect(str(db), read_only=True) as con:
        return digests_of(con)


def digests_of(con: duckdb.DuckDBPyConnection, catalog: str | None = None) -> dict[str, str]:
    """As ``table_digests``, on an open connection (``catalog``: an attached database)."""
    prefix = f"{catalog}." if catalog else ""
    names = [
        str(r[0])
        for r in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'main' "
            "and database_name = coalesce($db, current_database()) order by 1",
            {"db": catalog},
        ).fetchall()
    ]
    found: dict[str, str] = {}
    for name in names:
        skip = VOLATILE.get(name, ())
        exclude = f" exclude ({', '.join(skip)})" if skip else ""
        where = ""
        if name == "warehouse_meta":
            where = " where key not in (" + ", ".join(f"'{k}'" for k in VOLATILE_META) + ")"
        rows = con.execute(f"select *{exclude} from {prefix}{name}{where} order by all").fetchall()
        found[name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return found


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    """Tables whose contents differ (or that exist on one side only)."""
    return {t for t in before.keys() | after.keys() if before.get(t) != after.get(t)}
