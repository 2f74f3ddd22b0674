"""Run the SQL files in ``queries/`` read-only and return polars frames.

Each version of the warehouse file is opened once per process as a *snapshot*: an
in-memory DuckDB with the file attached READ_ONLY (so DuckDB's per-path instance cache
can never hand back a stale file after a load swaps a new one in), external file access
switched off, and the configuration locked. Queries run on per-call cursors, so many
Streamlit sessions can share a snapshot. Results are cached in a bounded LRU keyed on the
snapshot's ``build_id`` (written by every load), the query name and its parameters: a
new load means new keys, never a stale answer. ``memo`` keeps the results of the query
functions the pages call in the same cache, the same way, so a page opened again (or
from the same shared link by another session) does not repeat their shaping: disclosure
control, statistics, benchmarking.

``Reader`` is the one way to read a warehouse: every query function takes a ``Db`` (a
``Reader``, or a path, or None for the configured warehouse) as its last argument.
"""

from __future__ import annotations

import functools
import inspect
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import ParamSpec, TypeVar, cast

import duckdb
import polars as pl

from peolc.config import warehouse_path
from peolc.errors import QueryError, WarehouseMissing
from peolc.schema import SCHEMA_VERSION
from peolc.sqlfiles import sql_text

QUERIES_DIR = Path(__file__).parent
CACHE_ENTRIES = 1024  # SQL results and query functions' results together
_QUERY_NAME = re.compile(r"[a-z][a-z0-9_]*")

Params = dict[str, object]


@dataclass(frozen=True)
class Reader:
    """Read-only access to one warehouse file: cached queries and its build facts.

    Cheap to make (it holds the path); the opened snapshots and the result cache are
    shared by every reader of the same file in the process.
    """

    path: Path

    @classmethod
    def of(cls, db: Db = None) -> Reader:
        """The reader for ``db``: itself, a path, or the configured warehouse (None)."""
        return db if isinstance(db, Reader) else cls(warehouse_path(db))

    def run(self, name: str, **params: object) -> pl.DataFrame:
        """Run ``queries/<name>.sql`` with bound ``params``; cached per warehouse build."""
        text = _sql(name)
        with snapshot(self.path) as snap:
            key = (snap.build_id, name, _freeze(params))
            return _remembered(key, lambda: _execute(snap, name, text, params))

    def run_uncached(self, name: str, **params: object) -> pl.DataFrame:
        """As ``run`` but skips the result cache, so DuckDB answers every call.

        Benchmarks measure warm DuckDB this way; the snapshot stays open and cached.
        """
        text = _sql(name)
        with snapshot(self.path) as snap:
            return _execute(snap, name, text, params)

    def meta(self) -> dict[str, str]:
        """The warehouse's build facts (origin, build id, built at, demo seed...)."""
        with snapshot(self.path) as snap:
            return dict(snap.meta)


Db = Reader | Path | str | None


@dataclass
class Snapshot:
    """One opened version of the warehouse file."""

    path: Path
    ident: tuple[int, int, int, int]
    con: duckdb.DuckDBPyConnection
    build_id: str
    meta: dict[str, str]
    users: int = 0
    retired: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def release(self) -> None:
        with self.lock:
            self.users -= 1
            close = self.retired and self.users == 0
        if close:
            self.con.close()


_snapshots: dict[Path, Snapshot] = {}
_snapshots_lock = threading.Lock()
CacheKey = tuple[str, str, tuple[tuple[str, object], ...]]  # build id, what, its arguments
_cache: OrderedDict[CacheKey, object] = OrderedDict()
_cache_lock = threading.Lock()
_MISSING = object()
T = TypeVar("T")
P = ParamSpec("P")


def _remembered(key: CacheKey, compute: Callable[[], T]) -> T:
    """The cached value under ``key``, else ``compute()`` kept under it."""
    hit = _lookup(key)
    if hit is not _MISSING:
        return cast(T, hit)
    value = compute()
    _keep(key, value)
    return value


def _lookup(key: CacheKey) -> object:
    with _cache_lock:
        hit = _cache.get(key, _MISSING)
        if hit is not _MISSING:
            _cache.move_to_end(key)
        return hit


def _keep(key: CacheKey, value: object) -> None:
    """Keep ``value``; the least recently used entries go once there are ``CACHE_ENTRIES``
    (none are kept at 0)."""
    with _cache_lock:
        _cache[key] = value
        while len(_cache) > CACHE_ENTRIES:
            _cache.popitem(last=False)


def memo(function: Callable[P, T]) -> Callable[P, T]:
    """``function``'s results cached per warehouse build, as ``run`` caches SQL results.

    For the query functions the pages call: ``function`` reads the warehouse given as its
    parameter ``db`` and nothing else that changes, takes hashable arguments (places,
    years, keys) and returns frames or frozen records, which callers never change. Its
    queries may open a newer build than the one looked up (a load swapped one in), so a
    result is kept only if the build is still the one it was looked up under.
    """
    signature = inspect.signature(function)
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def cached(*args: P.args, **kwargs: P.kwargs) -> T:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        arguments = dict(bound.arguments)
        path = Reader.of(cast(Db, arguments.pop("db"))).path
        frozen = _freeze({**arguments, "db": str(path)})
        with snapshot(path) as snap:
            build = snap.build_id
        key = (build, name, frozen)
        hit = _lookup(key)
        if hit is not _MISSING:
            return cast(T, hit)
        value = function(*args, **kwargs)
        with snapshot(path) as snap:
            if snap.build_id == build:
                _keep(key, value)
        return value

    return cached


def _ident(path: Path) -> tuple[int, int, int, int]:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise WarehouseMissing(
            "No warehouse has been built yet.",
            f"There is no file at {path}. Build the demo with `make run` or `peolc demo`, "
            "or load real data with `peolc open-data ../shared/data`.",
        ) from None
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


def _open(path: Path, ident: tuple[int, int, int, int]) -> Snapshot:
    con = duckdb.connect(":memory:")
    try:
        con.execute("attach $path as w (read_only)", {"path": str(path)})
        con.execute("use w")
        con.execute("set enable_external_access = false")
        con.execute("set lock_configuration = true")
        meta = dict(con.execute("select key, value from warehouse_meta").fetchall())
    except duckdb.Error as e:
        con.close()
        raise QueryError(
            "The warehouse file could not be opened.",
            f"{path}: {e}. Rebuild it with `peolc demo` or `peolc open-data`.",
        ) from e
    if meta.get("schema_version") != SCHEMA_VERSION:
        con.close()
        raise QueryError(
            "The warehouse was built by a different version of peolc-needs.",
            f"{path} has schema version {meta.get('schema_version')}; this dashboard reads "
            f"{SCHEMA_VERSION}. Rebuild it with `peolc demo` or `peolc open-data`.",
        )
    return Snapshot(path, ident, con, meta.get("build_id", ""), meta)


@contextmanager
def snapshot(db: Db = None) -> Iterator[Snapshot]:
    """The current version of the warehouse, held open while the block runs."""
    path = db.path if isinstance(db, Reader) else warehouse_path(db)
    ident = _ident(path)
    with _snapshots_lock:
        current = _snapshots.get(path)
        if current is None or current.ident != ident:
            fresh = _open(path, ident)
            if current is not None:
                with current.lock:
                    current.retired = True
                    idle = current.users == 0
                if idle:
                    current.con.close()
            _snapshots[path] = current = fresh
        with current.lock:
            current.users += 1
    try:
        yield current
    finally:
        current.release()


def _sql(name: str) -> str:
    """The text of ``queries/<name>.sql``; a QueryError for any other name (never a path)."""
    if _QUERY_NAME.fullmatch(name):
        try:
            return sql_text(QUERIES_DIR, name)
        except FileNotFoundError:
            pass
    raise QueryError(
        f"There is no query named {name[:64]!r}.", "Expected one of: " + ", ".join(query_names())
    )


def _freeze(params: Params) -> tuple[tuple[str, object], ...]:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))


def _execute(snap: Snapshot, name: str, text: str, params: Params) -> pl.DataFrame:
    cursor = snap.con.cursor()
    try:
        cursor.execute("use w")
        frame: pl.DataFrame = cursor.sql(text, params=params).pl()
        return frame
    except duckdb.Error as e:
        raise QueryError(f"The warehouse could not answer '{name}'.", str(e)) from e
    finally:
        cursor.close()


def run(name: str, db: Db = None, **params: object) -> pl.DataFrame:
    """``Reader.of(db).run(name, **params)``."""
    return Reader.of(db).run(name, **params)


def run_uncached(name: str, db: Db = None, **params: object) -> pl.DataFrame:
    """``Reader.of(db).run_uncached(name, **params)``."""
    return Reader.of(db).run_uncached(name, **params)


def meta(db: Db = None) -> dict[str, str]:
    """``Reader.of(db).meta()``."""
    return Reader.of(db).meta()


def clear_cache() -> None:
    """Forget cached results and close idle snapshots (tests, benchmarks)."""
    with _cache_lock:
        _cache.clear()
    with _snapshots_lock:
        for snap in list(_snapshots.values()):
            with snap.lock:
                snap.retired = True
                idle = snap.users == 0
            if idle:
                snap.con.close()
        _snapshots.clear()


def query_names() -> list[str]:
    """Every SQL file in queries/ (tests check their headers and parameters)."""
    return sorted(p.stem for p in QUERIES_DIR.glob("*.sql"))
