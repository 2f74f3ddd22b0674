"""Errors a person can act on.

Every failure the product expects carries a short `title` (what went wrong, in a
sentence) and a `detail` (where, and what was expected), so the CLI can print them to
stderr and the dashboard can show them without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class PeolcError(Exception):
    """Base class for errors shown to users as sentences, not tracebacks."""

    def __init__(self, title: str, detail: str = "") -> None:
        super().__init__(title if not detail else f"{title}\n{detail}")
        self.title = title
        self.detail = detail


@dataclass(frozen=True)
class Problem:
    """One row-level problem in an input file: where it is and what was expected."""

    file: str
    line: int | None
    column: str | None
    value: str | None
    reason: str

    def describe(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column '{self.column}'"
        found = "" if self.value is None else f" (found {self.value!r})"
        return f"{where}: {self.reason}{found}"


class LoadError(PeolcError):
    """A file could not be loaded; the warehouse is left exactly as it was."""

    def __init__(self, title: str, detail: str = "", problems: list[Problem] | None = None):
        self.problems: list[Problem] = problems or []
        if self.problems and not detail:
            detail = "\n".join(p.describe() for p in self.problems)
        super().__init__(title, detail)


class FetchError(PeolcError):
    """A download failed or brought something other than the data; nothing was loaded."""


class QueryError(PeolcError):
    """The warehouse could not answer a question (missing, locked, or too old)."""


class WarehouseMissing(QueryError):
    """No warehouse file exists at the configured path."""


@dataclass
class LoadSummary:
    """What one file's load did, as recorded in the load log."""

    file_name: str
    kind: str
    sha256: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    skipped: bool = False
    notes: list[str] = field(default_factory=list)
