"""Atomic, crash-safe writes: the one place a write begins, commits, rolls back, swaps.

DuckDB lets one process write a file and nobody else read it meanwhile, so writers never
touch the live file. ``transaction`` waits for an exclusive ``flock`` (two loads never race
for the swap), copies the warehouse to a temporary file beside it (or starts an empty one),
runs the caller's ``setup`` (the schema, ``etl.schema.ensure``) and hands the body a
``Transaction`` on the copy. Each change is one ``tx.step()``: a DuckDB transaction that
commits if its block ends cleanly and rolls back if it raises. When the body ends and the
copy has changed, it is stamped (build id, time, tool version), checkpointed, fsynced and
swapped in with ``os.replace`` (atomic on POSIX). Readers that opened the old file keep
reading it; new readers see the new one; a writer killed at any point, or a body that
raises, leaves the old file untouched.

Of what the tables mean this module knows only the bookkeeping (``warehouse_meta``,
``load_log``, ``load_id_seq``), so it imports no domain code. The code that loads ends its
block with the steps that keep the derived tables true to the facts
(``etl.geography.derive``, then ``etl.derived.refresh``), so they are inside the same
copy-change-swap and never lag behind them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

from peolc import __version__

Setup = Callable[[duckdb.DuckDBPyConnection], None]


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
        self.changed = False  # swap the copy in at the end
        self.loaded: set[str] = set()  # kinds loaded: the caller rebuilds their derived sums

    @contextlib.contextmanager
    def step(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One all-or-nothing change to the copy: commit if the block ends, else roll back.

        A failed step leaves the copy as it was, so the caller may try another way (the
        fast CSV reads give way to the checked one) or let the error end the transaction.
        """
        self.con.execute("begin")
        try:
            yield self.con
            self.con.execute("commit")
        except BaseException:
            with contextlib.suppress(duckdb.Error):  # keep the error that ended the step
                self.con.execute("rollback")
            raise

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


@contextlib.contextmanager
def transaction(target: Path, *, setup: Setup, fresh: bool = False) -> Iterator[Transaction]:
    """Open a write transaction; on clean exit, swap the changed copy in atomically.

    ``setup`` prepares the copy before the body runs: it creates the schema, including the
    bookkeeping tables used here, and may refuse the file (``etl.schema.ensure``).
    ``fresh=True`` starts from an empty warehouse instead of a copy of the current one
    (``peolc demo`` and ``peolc open-data``). If the body raises, or changes nothing, the
    live warehouse is left byte-for-byte as it was.
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
            setup(con)
            tx = Transaction(con, temp)
            tx.changed = fresh or not target.exists()
            yield tx
            if tx.changed:
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
