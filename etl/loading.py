"""Load files of one kind into the warehouse, all or nothing.

``load_files`` opens one write transaction (``etl.warehouse.transaction``: a private copy
of the warehouse, swapped in at the end) and loads each file as one step of it: sniff,
match the header to a layout, stage, check, insert, log. A strict load stops at the first
file with problems and leaves the live warehouse untouched; ``lenient=True`` loads the good
rows and keeps every bad one in ``load_reject``. A file whose exact bytes were already
loaded as the same kind is skipped, so loading twice changes nothing. The block ends with
``finish``: the explicit last steps that keep the derived tables true to the facts, the
derived geography (for kinds that change names or links) and the derived sums
(``etl.derived.refresh``), before the swap. Every file's step also records whether the
warehouse now holds synthetic data, real data or both.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from etl import derived, geography, placement, schema, store
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


class _GiveWay(Exception):
    """A fast read cannot be trusted with this file; the caller rolls its step back.

    ``retry``: the next of ``FAST_READS`` may manage; otherwise go to the checked read,
    which finds and explains every problem.
    """

    def __init__(self, retry: bool) -> None:
        super().__init__()
        self.retry = retry


@dataclass(frozen=True)
class _File:
    """One file being loaded: what the steps that insert and log it share."""

    tx: Transaction
    loader: Loader
    source: SourceFile
    load_id: int
    summary: LoadSummary
    lenient: bool
    synthetic: bool


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


def match_source(kind: str, source: SourceFile) -> HeaderMatch | None:
    """The layout of ``kind`` that ``source`` fits; LoadError naming what is missing if none.

    None: the loader reads the file itself (``Loader.reads_itself``), with no header to match.
    """
    loader = loader_for(kind)
    if loader.reads_itself(source):
        return None
    return _match(loader, source)


def _record(
    con: duckdb.DuckDBPyConnection, file: _File, layout: str, staged: Staged, loaded: int
) -> None:
    """Keep the rejects, fill in the summary and log the load, in the step that inserted.

    Also records the data origin, and tells ``tx`` that the file's kind was loaded (its
    derived sums are rebuilt at the end) and that the copy changed: the step commits all of
    it, or the error ends the load.
    """
    source, summary, load_id = file.source, file.summary, file.load_id
    if staged.problems:
        con.executemany(
            "insert into load_reject values (?, ?, ?, ?, ?, ?)",
            [(load_id, source.name, p.line, p.column, p.value, p.reason) for p in staged.problems],
        )
    if staged.rows_read == 0:
        raise LoadError(
            f"{source.name} has a header but no data rows.",
            f"{source.name}, line 2: expected at least one row of data.",
        )
    summary.rows_read = staged.rows_read
    summary.rows_loaded = loaded
    summary.rows_rejected = staged.problem_rows
    summary.notes.extend(staged.notes)
    summary.notes.extend(file.loader.load_notes(con, layout, load_id))
    if staged.problems:
        summary.notes.append(f"{staged.problem_rows} rows rejected (see load_reject)")
    con.execute(
        "insert into load_log values ($id, $file, $sha, $kind, $layout, $read, $loaded, "
        "$rejected, $at, $version, $synthetic, $notes)",
        {
            "id": load_id,
            "file": source.name,
            "sha": source.sha256,
            "kind": summary.kind,
            "layout": layout,
            "read": summary.rows_read,
            "loaded": summary.rows_loaded,
            "rejected": summary.rows_rejected,
            "at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
            "version": __version__,
            "synthetic": file.synthetic,
            "notes": "; ".join(summary.notes) or None,
        },
    )
    _mark_origin(file.tx, file.synthetic)
    file.tx.loaded.add(summary.kind)
    file.tx.changed = True


def _read_fast(
    con: duckdb.DuckDBPyConnection,
    file: _File,
    match: HeaderMatch,
    sniff_dialect: bool,
    parallel: bool,
) -> tuple[Staged, int]:
    """Stage with DuckDB's typed reader and insert; _GiveWay if that cannot be trusted.

    Rows go in without keeping the file's order (``preserve_insertion_order``): no table
    depends on it, and DuckDB writes them in parallel that way. The setting is back to
    normal for the rest of the step once the rows are in.
    """
    layout, loader = match.layout, file.loader
    con.execute("set preserve_insertion_order = false")
    try:
        staged = layout.check_staged
        stage_fast(
            con, file.source, match, sniff=sniff_dialect, parallel=parallel, materialise=staged
        )
        if staged and violations(con, layout, "src_typed", untrimmed=True):
            raise _GiveWay(retry=False)
        loaded = loader.insert(con, match, file.source, file.load_id)
        if not staged and violations(con, layout, loader.target_table, file.load_id):
            raise _GiveWay(retry=False)
        rows_read = count_rows(con, "src_typed") if staged else loaded
    except duckdb.Error as e:
        raise _GiveWay(retry=retry_fast(e)) from e
    con.execute("reset preserve_insertion_order")
    return Staged(rows_read, [], 0), loaded


def load_source(
    tx: Transaction,
    kind: str,
    source: SourceFile,
    *,
    lenient: bool = False,
    synthetic: bool = False,
) -> LoadSummary:
    """Load one sniffed file inside ``tx``; raise LoadError (and change nothing) on failure.

    The file goes in as one step of ``tx``, its rows and its load log together. A loader
    that reads its files itself (GeoJSON) does so in ``load_custom``. A table is matched to
    a layout; big clean CSVs then go through DuckDB's typed reader (``FAST_READS``, each a
    step rolled back if it gives way), and anything else, or anything that reader finds
    wrong, through the checked reader, which reports each problem by line and column.
    """
    loader = loader_for(kind)
    summary = LoadSummary(source.name, kind, source.sha256, notes=list(source.notes))
    previous = tx.previous_load(source.sha256, kind)
    if previous is not None:
        summary.skipped = True
        summary.notes.append(
            f"already loaded (load {previous[0]}, {previous[1]:%Y-%m-%d %H:%M}); nothing changed"
        )
        return summary
    file = _File(tx, loader, source, tx.next_load_id(), summary, lenient, synthetic)
    with tx.step() as con:
        custom = loader.load_custom(con, source, file.load_id, lenient)  # None: a table
        if custom is not None:
            _record(con, file, *custom)
            return summary
    match = _match(loader, source)
    if match.extra:
        summary.notes.append("ignored columns: " + ", ".join(match.extra[:10]))
    if loader.fast and match.layout.fast and not lenient and fast_eligible(source):
        try:
            for sniff_dialect, parallel in FAST_READS:
                try:
                    with tx.step() as con:
                        staged, loaded = _read_fast(con, file, match, sniff_dialect, parallel)
                        _record(con, file, match.layout.name, staged, loaded)
                    return summary
                except _GiveWay as e:
                    if not e.retry:
                        break
        finally:
            tx.con.execute("reset preserve_insertion_order")  # after a read that gave way
    with tx.step() as con:
        staged = stage_checked(con, source, match)
        if not lenient:
            raise_for_problems(source, staged)
        loaded = loader.insert(con, match, source, file.load_id)
        _record(con, file, match.layout.name, staged, loaded)
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
    loader_for(kind)  # an unknown kind fails before any file is read
    sources = [sniff(Path(p)) for p in paths]
    summaries: list[LoadSummary] = []
    with transaction(db, setup=schema.ensure) as tx:
        for source in sources:
            if progress:
                progress(f"loading {source.name} ({source.size / 1e6:,.1f} MB)")
            summaries.append(load_source(tx, kind, source, lenient=lenient, synthetic=synthetic))
        finish(tx, progress, summaries)
    return summaries


def finish(
    tx: Transaction, progress: Progress | None = None, summaries: Sequence[LoadSummary] = ()
) -> None:
    """The last steps of a load: derived geography if its inputs changed, the sums, the store.

    Nothing to do when every file was skipped (already loaded). Once the areas are rebuilt,
    each QOF or registered-patients file of ``summaries`` whose practices are not all in a
    loaded mapping gets a note saying how many and where they count (``etl.placement``).
    The sums and the store come last, so they never lag the facts.
    """
    if not tx.loaded:
        return
    if any(loader_for(kind).geography for kind in tx.loaded):
        if progress:
            progress("rebuilding areas and lookups")
        geography.derive(tx)
        placement.add_notes(tx, summaries)
    derived.refresh(tx, tx.loaded)
    store.refresh(tx, tx.loaded)


def _mark_origin(tx: Transaction, synthetic: bool) -> None:
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
    "finish",
    "load_source",
    "loader_for",
    "match_source",
]
