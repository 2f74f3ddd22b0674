"""Atomic, crash-safe writes to the DuckDB warehouse.

DuckDB lets one process write a file and nobody else read it meanwhile, so writers never
touch the live file. A write transaction copies the warehouse to a temporary file beside
it, changes the copy, checkpoints and fsyncs it, then swaps it in with ``os.replace``
(atomic on POSIX). Readers that opened the old file keep reading it; new readers see the
new one; a writer killed at any point leaves the old file untouched. Writers queue on an
exclusive ``flock`` so two loads never race for the swap.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import duckdb

from etl import derived, reference
from peolc import __version__
from peolc.errors import LoadError
from peolc.schema import SCHEMA_VERSION
from peolc.sqlfiles import sql_text

SQL_DIR = Path(__file__).parent / "sql"


def _lock_path(target: Path) -> Path:
    return target.parent / f".{target.name}.lock"


def _temp_path(target: Path) -> Path:
    return target.parent / f".{target.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"


def _remove_stale_temps(target: Path) -> None:
    """Delete temp files that killed writers left behind (we hold the lock)."""
    for stale in target.parent.glob(f".{target.name}.*.tmp*"):
        stale.unlink(missing_ok=True)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def writer_lock(target: Path) -> Iterator[None]:
    """Hold the exclusive writer lock for ``target`` (waits for other writers)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(_lock_path(target), "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Transaction:
    """An open write transaction on a private copy of the warehouse."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path) -> None:
        self.con = con
        self.path = path
        self.changed = False
        self.loaded: set[str] = set()  # kinds loaded: their derived tables are rebuilt

    def next_load_id(self) -> int:
        row = self.con.execute("select nextval('load_id_seq')").fetchone()
        assert row is not None
        return int(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.con.execute(
            "insert or replace into warehouse_meta values ($key, $value)",
            {"key": key, "value": value},
        )
        self.changed = True

    def meta(self, key: str) -> str | None:
        row = self.con.execute(
            "select value from warehouse_meta where key = $key", {"key": key}
        ).fetchone()
        return None if row is None else str(row[0])

    def previous_load(self, sha256: str, kind: str) -> tuple[int, dt.datetime] | None:
        """The earlier load of exactly these bytes as this kind, if any."""
        row = self.con.execute(
            "select load_id, loaded_at from load_log where sha256 = $sha and kind = $kind "
            "order by load_id limit 1",
            {"sha": sha256, "kind": kind},
        ).fetchone()
        return None if row is None else (int(row[0]), row[1])


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables; refuse a warehouse written by another schema version."""
    con.execute(sql_text(SQL_DIR, "schema"))
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


@contextlib.contextmanager
def transaction(target: Path, *, fresh: bool = False) -> Iterator[Transaction]:
    """Open a write transaction; on clean exit, swap the changed copy in atomically.

    ``fresh=True`` starts from an empty warehouse instead of a copy of the current one
    (used by ``peolc demo`` and ``peolc open-data``). If the body raises, or changes
    nothing, the live warehouse is left byte-for-byte as it was.
    """
    target = target.resolve()
    with writer_lock(target):
        _remove_stale_temps(target)
        temp = _temp_path(target)
        if target.exists() and not fresh:
            shutil.copyfile(target, temp)
        con = duckdb.connect(str(temp))
        committed = False
        try:
            ensure_schema(con)
            tx = Transaction(con, temp)
            tx.changed = fresh or not target.exists()
            yield tx
            if tx.changed:
                derived.refresh(con, tx.loaded)
                tx.set_meta("build_id", uuid.uuid4().hex)
                tx.set_meta("built_at", dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
                tx.set_meta("tool_version", __version__)
                con.execute("checkpoint")
                con.close()
                _fsync_file(temp)
                os.replace(temp, target)
                _fsync_dir(target.parent)
                committed = True
        finally:
            if not committed:
                with contextlib.suppress(duckdb.Error):
                    con.close()
                for leftover in target.parent.glob(f"{temp.name}*"):
                    leftover.unlink(missing_ok=True)
