"""What every loader provides to the orchestrator (``etl.loading``), with the defaults."""

from __future__ import annotations

import duckdb

from etl.layout import HeaderMatch, Layout
from etl.sources import SourceFile
from etl.staging import Staged


class Loader:
    """A kind of input: which layouts it reads and how it inserts staged rows.

    A loader sets the five attributes and overrides ``insert`` (tables) or ``load_custom``
    (files that are not tables); the other methods have defaults that most loaders keep.
    The orchestrator calls every method directly, so each default says what "not needed"
    means.
    """

    kind: str
    layouts: tuple[Layout, ...]
    target_table: str
    fast: bool  # big CSVs: try DuckDB's typed reader first
    geography: bool  # changes area names or links: derived geography is rebuilt after

    def layouts_for(self, header: tuple[str, ...]) -> tuple[Layout, ...]:
        """``layouts`` fitted to a file's header, in the same order.

        For layouts whose columns depend on the file (ONS wide year columns such as
        population_2011, population_2022, ...). The default: ``layouts`` as declared.
        """
        return self.layouts

    def reads_itself(self, source: SourceFile) -> bool:
        """Whether ``load_custom`` reads ``source`` (a workbook of its own shape, say).

        What ``peolc open-data`` asks before it loads, so such a file is not listed as
        unknown for having no header row. The default: no file, only tables.
        """
        return False

    def load_custom(
        self, con: duckdb.DuckDBPyConnection, source: SourceFile, load_id: int, lenient: bool
    ) -> tuple[str, Staged, int] | None:
        """Stage and insert a file that is not a table (GeoJSON) in one go.

        Returns the layout name, what was staged and the rows loaded. The default returns
        None without touching the warehouse: the file is a table, so the orchestrator
        matches it to one of ``layouts_for(header)``, stages it and calls ``insert``.
        """
        return None

    def insert(
        self, con: duckdb.DuckDBPyConnection, match: HeaderMatch, source: SourceFile, load_id: int
    ) -> int:
        """Insert ``src_rows`` for ``load_id``; return the number of rows loaded.

        Every loader of tables overrides it; the default is for loaders whose
        ``load_custom`` reads every file, so it is never called.
        """
        raise NotImplementedError(f"{self.kind} files are loaded by load_custom")

    def load_notes(self, con: duckdb.DuckDBPyConnection, layout: str, load_id: int) -> list[str]:
        """Sentences for the load log, once the rows are in. The default: none."""
        return []


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
