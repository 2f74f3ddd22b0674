"""Read and run the project's SQL files.

SQL lives in ``*.sql`` files beside the code that runs it (``queries/``, ``etl/sql/``),
each opening with a header comment that says what it returns and its parameters. The
directory is always the caller's: this kernel module knows no package of ours.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import duckdb

_PARAM = re.compile(r"(?<![\w$])\$([a-z_][a-z0-9_]*)")
_COMMENT = re.compile(r"--[^\n]*")


@cache
def sql_text(directory: Path, name: str) -> str:
    """The text of ``directory/name.sql``; raises FileNotFoundError if there is none."""
    return (directory / f"{name}.sql").read_text(encoding="utf-8")


def sql_params(text: str) -> set[str]:
    """Names of the ``$params`` used in the body (comments excluded)."""
    return set(_PARAM.findall(_COMMENT.sub("", text)))


def header_params(text: str) -> set[str]:
    """Names of the ``$params`` the header's ``-- params:`` entry declares.

    The entry is its line and the indented comment lines that continue it.
    """
    found: set[str] = set()
    inside = False
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        if line.lower().startswith("-- params:"):
            inside = True
        elif not line.startswith("--  "):
            inside = False
        if inside:
            found |= set(_PARAM.findall(line))
    return found


def run_sql(
    con: duckdb.DuckDBPyConnection, directory: Path, name: str, /, **params: object
) -> None:
    """Run every statement of ``directory/name.sql``, binding the params each one uses.

    Positional-only, so that a SQL parameter may be called ``name`` or ``directory``.
    """
    for statement in split_statements(sql_text(directory, name)):
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
