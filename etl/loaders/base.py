"""What every loader provides to the orchestrator (``etl.loading``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import duckdb

from etl.layout import HeaderMatch, Layout
from etl.sources import SourceFile


class Loader(Protocol):
    """A kind of input: which layouts it reads and how it inserts staged rows.

    Optional methods the orchestrator uses when present: ``layouts_for(header)`` (layouts
    fitted to a file's header, same order as ``layouts``), ``load_notes(con, layout, load_id)``
    (sentences for the load log after the insert) and ``load_custom(con, source, load_id,
    lenient)`` (non-tabular files: stage and insert in one go).
    """

    kind: str
    layouts: tuple[Layout, ...]
    target_table: str
    fast: bool  # big CSVs: try DuckDB's typed reader first
    geography: bool  # changes area names or links: derived geography is rebuilt after

    def insert(
        self, con: duckdb.DuckDBPyConnection, match: HeaderMatch, source: SourceFile, load_id: int
    ) -> int:
        """Insert ``src_rows`` for ``load_id``; return the number of rows loaded."""
        ...


@dataclass(frozen=True)
class LoaderInfo:
    """The static part of a loader, for --help texts and docs."""

    kind: str
    summary: str


def count_loaded(con: duckdb.DuckDBPyConnection, table: str, load_id: int) -> int:
    row = con.execute(
        f"select count(*) from {table} where load_id = $load_id",  # noqa: S608 - our table names
        {"load_id": load_id},
    ).fetchone()
    return int(row[0]) if row else 0


def count_staged(con: duckdb.DuckDBPyConnection) -> int:
    """Rows in the staged view ``src_rows`` (for loaders whose output is reshaped)."""
    row = con.execute("select count(*) from src_rows").fetchone()
    return int(row[0]) if row else 0
