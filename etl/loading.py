"""Load files of one kind into the warehouse, all or nothing.

``load_files`` opens one write transaction (a private copy of the warehouse, swapped in
at the end) and loads each file inside its own DuckDB transaction: sniff, match the
header to a layout, stage, check, insert, log. A strict load stops at the first file with
problems and leaves the live warehouse untouched; ``lenient=True`` loads the good rows and
keeps every bad one in ``load_reject``. A file whose exact bytes were already loaded as the
same kind is skipped, so loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import duckdb

from etl import geography
from etl.layout import HeaderMatch, choose_layout
from etl.loaders.base import Loader
from etl.sources import SourceFile, sniff
from etl.staging import (
    FAST_READS,
    Staged,
    count_rows,
    fast_eligible,
    raise_for_problems,
    retry_fast,
    stage_checked,
    stage_fast,
    violations,
    xlsx_header,
)
from etl.warehouse import Transaction, transaction
from peolc import __version__
from peolc.errors import LoadError, LoadSummary

KINDS: dict[str, str] = {
    "fingertips": "Fingertips indicator extracts (API CSV, fingertipsR or tidy layouts)",
    "icb-extract": "ICB dashboard extract, long layout (docs/data-formats.md)",
    "deaths": "record-level deaths, PCMD-style layout (docs/data-formats.md)",
    "qof": "QOF prevalence/register files and the practice→PCN→sub-ICB→ICB→region mapping",
    "lookups": "ONS geography lookups (LSOA→sub-ICB→ICB, LSOA→LAD, LAD→county/UA, LAD→region)",
    "imd": "English Indices of Deprivation 2019, File 1 (IMD rank and decile by LSOA 2011)",
    "population": "ONS mid-year estimates (MYEB1) or small-area/GP registered populations",
    "boundaries": "ONS boundary GeoJSON (ICB, sub-ICB, NHS region, LAD, county/UA, region)",
}

Progress = Callable[[str], None]


def loader_for(kind: str) -> Loader:
    """The loader module for ``kind`` (imported on demand: geopandas is slow to import)."""
    if kind not in KINDS:
        raise LoadError(f"Unknown kind {kind!r}.", "Expected one of: " + ", ".join(sorted(KINDS)))
    module = importlib.import_module(f"etl.loaders.{kind.replace('-', '_')}")
    loader: Loader = module.LOADER
    return loader


class _Diagnose(Exception):
    """The fast path found problems; explain them with the checked path."""


def _match(loader: Loader, source: SourceFile) -> HeaderMatch:
    if source.format == "xlsx":
        last: LoadError | None = None
        for index, layout in enumerate(loader.layouts):
            try:
                header = xlsx_header(source, layout.sheet)
                return choose_layout(source.name, header, (loader.layouts_for(header)[index],))
            except LoadError as e:
                last = e
        assert last is not None
        raise last
    if source.format == "geojson":
        raise LoadError(
            f"{source.name} is GeoJSON, not a {loader.kind} file.",
            "Load boundaries with: peolc load boundaries FILE.geojson",
        )
    return choose_layout(source.name, source.header, loader.layouts_for(source.header))


def match_source(kind: str, source: SourceFile) -> HeaderMatch:
    """The layout of ``kind`` that ``source`` fits; LoadError naming what is missing if none."""
    return _match(loader_for(kind), source)


def _record_rejects(tx: Transaction, load_id: int, source: SourceFile, staged: Staged) -> None:
    tx.con.executemany(
        "insert into load_reject values (?, ?, ?, ?, ?, ?)",
        [(load_id, source.name, p.line, p.column, p.value, p.reason) for p in staged.problems],
    )


def _log(
    tx: Transaction,
    load_id: int,
    source: SourceFile,
    kind: str,
    layout: str,
    summary: LoadSummary,
    synthetic: bool,
) -> None:
    tx.con.execute(
        "insert into load_log values ($id, $file, $sha, $kind, $layout, $read, $loaded, "
        "$rejected, $at, $version, $synthetic, $notes)",
        {
            "id": load_id,
            "file": source.name,
            "sha": source.sha256,
            "kind": kind,
            "layout": layout,
            "read": summary.rows_read,
            "loaded": summary.rows_loaded,
            "rejected": summary.rows_rejected,
            "at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
            "version": __version__,
            "synthetic": synthetic,
            "notes": "; ".join(summary.notes) or None,
        },
    )


def _load_fast(
    con: duckdb.DuckDBPyConnection,
    loader: Loader,
    source: SourceFile,
    match: HeaderMatch,
    load_id: int,
) -> tuple[Staged, int] | None:
    """Stage with DuckDB's typed reader and insert; None if the checked path must explain.

    Rows go in without keeping the file's order (``preserve_insertion_order``): no table
    depends on it, and DuckDB writes them in parallel that way.
    """
    layout = match.layout
    con.execute("set preserve_insertion_order = false")
    try:
        for sniff_dialect, parallel in FAST_READS:
            con.execute("begin")
            try:
                staged = layout.check_staged
                stage_fast(
                    con, source, match, sniff=sniff_dialect, parallel=parallel, materialise=staged
                )
                if staged and violations(con, layout, "src_typed", untrimmed=True):
                    raise _Diagnose
                loaded = loader.insert(con, match, source, load_id)
                if not staged and violations(con, layout, loader.target_table, load_id):
                    raise _Diagnose
                rows_read = count_rows(con, "src_typed") if staged else loaded
                return Staged(rows_read, [], 0), loaded
            except _Diagnose:
                con.execute("rollback")
                return None
            except duckdb.Error as e:
                con.execute("rollback")
                if not retry_fast(e):
                    return None
        return None
    finally:
        con.execute("reset preserve_insertion_order")


def _stage_and_insert(
    tx: Transaction,
    loader: Loader,
    source: SourceFile,
    match: HeaderMatch,
    load_id: int,
    lenient: bool,
) -> tuple[Staged, int]:
    con = tx.con
    if loader.fast and match.layout.fast and not lenient and fast_eligible(source):
        done = _load_fast(con, loader, source, match, load_id)
        if done is not None:
            return done
    con.execute("begin")
    staged = stage_checked(con, source, match)
    if not lenient:
        raise_for_problems(source, staged)
    loaded = loader.insert(con, match, source, load_id)
    if staged.problems:
        _record_rejects(tx, load_id, source, staged)
    return staged, loaded


def load_source(
    tx: Transaction,
    kind: str,
    source: SourceFile,
    *,
    lenient: bool = False,
    synthetic: bool = False,
) -> LoadSummary:
    """Load one sniffed file inside ``tx``; raise LoadError (and change nothing) on failure."""
    loader = loader_for(kind)
    summary = LoadSummary(source.name, kind, source.sha256, notes=list(source.notes))
    previous = tx.previous_load(source.sha256, kind)
    if previous is not None:
        summary.skipped = True
        summary.notes.append(
            f"already loaded (load {previous[0]}, {previous[1]:%Y-%m-%d %H:%M}); nothing changed"
        )
        return summary
    load_id = tx.next_load_id()
    try:
        tx.con.execute("begin")
        custom = loader.load_custom(tx.con, source, load_id, lenient)
        if custom is not None:
            layout_name, staged, loaded = custom
            if staged.problems:
                _record_rejects(tx, load_id, source, staged)
        else:
            tx.con.execute("rollback")
            match = _match(loader, source)
            layout_name = match.layout.name
            if match.extra:
                summary.notes.append("ignored columns: " + ", ".join(match.extra[:10]))
            staged, loaded = _stage_and_insert(tx, loader, source, match, load_id, lenient)
        if staged.rows_read == 0:
            raise LoadError(
                f"{source.name} has a header but no data rows.",
                f"{source.name}, line 2: expected at least one row of data.",
            )
        summary.rows_read = staged.rows_read
        summary.rows_loaded = loaded
        summary.rows_rejected = staged.problem_rows
        summary.notes.extend(staged.notes)
        summary.notes.extend(loader.load_notes(tx.con, layout_name, load_id))
        if staged.problems:
            summary.notes.append(f"{staged.problem_rows} rows rejected (see load_reject)")
        _log(tx, load_id, source, kind, layout_name, summary, synthetic)
        tx.con.execute("commit")
        tx.loaded.add(kind)
    except BaseException:
        try:
            tx.con.execute("rollback")
        except duckdb.Error:
            pass
        raise
    tx.changed = True
    return summary


def load_files(
    db: Path,
    kind: str,
    paths: Iterable[Path],
    *,
    lenient: bool = False,
    synthetic: bool = False,
    progress: Progress | None = None,
) -> list[LoadSummary]:
    """Load ``paths`` as ``kind`` into the warehouse at ``db`` in one atomic swap."""
    loader = loader_for(kind)
    sources = [sniff(Path(p)) for p in paths]
    summaries: list[LoadSummary] = []
    with transaction(db) as tx:
        for source in sources:
            if progress:
                progress(f"loading {source.name} ({source.size / 1e6:,.1f} MB)")
            summaries.append(load_source(tx, kind, source, lenient=lenient, synthetic=synthetic))
        if loader.geography and any(not s.skipped for s in summaries):
            if progress:
                progress("rebuilding areas and lookups")
            geography.derive(tx.con)
        if any(not s.skipped for s in summaries):
            mark_origin(tx, synthetic)
    return summaries


def mark_origin(tx: Transaction, synthetic: bool) -> None:
    """Record whether the warehouse now holds synthetic (demo) data, real data, or both."""
    current = tx.meta("data_origin")
    new = "demo" if synthetic else "real"
    if current in (None, "empty", new):
        tx.set_meta("data_origin", new)
    else:
        tx.set_meta("data_origin", "mixed")


__all__: list[Any] = [
    "KINDS",
    "load_files",
    "load_source",
    "loader_for",
    "mark_origin",
    "match_source",
]
