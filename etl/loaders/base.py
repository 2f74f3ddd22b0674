"""What every loader provides to the orchestrator (``etl.loading``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import duckdb

from etl.layout import HeaderMatch, Layout
from etl.sources import SourceFile
from peolc.sqlfiles import sql_params, sql_text

SQL_DIR = Path(__file__).resolve().parents[1] / "sql"


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


def run_sql(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> None:
    """Run every statement of ``etl/sql/<name>.sql``, binding the params each one uses."""
    for statement in split_statements(sql_text(SQL_DIR, name)):
        used = sql_params(statement)
        missing = used - params.keys()
        if missing:
            raise KeyError(f"{name}.sql needs parameters {sorted(missing)}")
        con.execute(statement, {k: params[k] for k in used})


def split_statements(text: str) -> list[str]:
    """Statements of a SQL file: separated by a ';' that ends a line."""
    parts, current = [], []
    for line in text.splitlines():
        current.append(line)
        if line.rstrip().endswith(";"):
            statement = "\n".join(current).strip().rstrip(";")
            if _has_code(statement):
                parts.append(statement)
            current = []
    tail = "\n".join(current).strip()
    if _has_code(tail):
        parts.append(tail)
    return parts


def _has_code(statement: str) -> bool:
    return any(
        line.strip() and not line.strip().startswith("--") for line in statement.splitlines()
    )


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
