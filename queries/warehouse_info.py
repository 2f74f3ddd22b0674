"""What the warehouse holds: build facts, tables with row counts, and the load log."""

from __future__ import annotations

from queries.runner import Db, meta, run


def describe(
    db: Db = None,
) -> tuple[dict[str, str], list[tuple[str, int]], list[tuple[object, ...]]]:
    """(meta, [(table, rows)], load log rows: id, kind, file, read, loaded, rejected, at)."""
    tables = [(str(t), int(n)) for t, n in run("warehouse_tables", db).iter_rows()]
    log = run("load_log", db).select(
        "load_id", "kind", "file_name", "rows_read", "rows_loaded", "rows_rejected", "loaded_at"
    )
    return meta(db), tables, [tuple(r) for r in log.iter_rows()]


def is_synthetic(db: Db = None) -> bool:
    """True when any of the warehouse's data is the generated demo data."""
    return meta(db).get("data_origin") in ("demo", "mixed")
