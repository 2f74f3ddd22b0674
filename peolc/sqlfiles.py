"""Read the project's SQL files.

SQL lives in ``*.sql`` files beside the code that runs it (``queries/``, ``etl/sql/``),
each opening with a header comment that says what it returns and its parameters.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

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
    """Names of the ``$params`` the header's ``-- params:`` line declares."""
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        if line.lower().startswith("-- params:"):
            return set(_PARAM.findall(line))
    return set()
