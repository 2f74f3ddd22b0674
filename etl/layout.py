"""File layouts: the columns a loader expects, their types, and what makes a value wrong.

A layout is data, not code: the staging engine (``etl.staging``) turns it into the SQL
that reads, types and checks a file, so every loader reports problems the same way:
file, line, column, what was expected, what was found.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from etl.sources import normalise_name
from peolc.errors import LoadError

SUPPRESSION_MARKERS: tuple[str, ...] = ("", "*", "c", "..", ":", "x", "-", "NA", "N/A", "null")

_TYPE_WORDS = {
    "VARCHAR": "text",
    "INTEGER": "a whole number",
    "BIGINT": "a whole number",
    "SMALLINT": "a whole number",
    "DOUBLE": "a number",
    "DATE": "a date (YYYY-MM-DD or DD/MM/YYYY)",
}


@dataclass(frozen=True)
class Column:
    """One column of a layout.

    ``invalid_if`` is a SQL predicate over the typed value, written with ``{c}`` for the
    column, that is true when the value is wrong; ``expected`` says what a good one is.
    """

    name: str
    sql_type: str = "VARCHAR"
    required: bool = True
    nullable: bool = False
    aliases: tuple[str, ...] = ()
    allowed: tuple[str, ...] = ()
    invalid_if: str = ""
    expected: str = ""

    def describe_expected(self) -> str:
        if self.expected:
            return self.expected
        if self.allowed:
            return "one of " + ", ".join(self.allowed)
        return _TYPE_WORDS.get(self.sql_type, self.sql_type.lower())

    def invalid_sql(self, ref: str) -> str:
        """``invalid_if`` with ``{c}`` replaced by the SQL reference ``ref``."""
        return self.invalid_if.replace("{c}", ref)

    def header_keys(self) -> set[str]:
        return {normalise_name(self.name), *(normalise_name(a) for a in self.aliases)}


@dataclass(frozen=True)
class RowCheck:
    """A check across columns: ``invalid_if`` is SQL over typed columns, true when wrong.

    A problem names ``column`` and, as the value found, that column's text; ``shows``
    lists the columns whose text it gives instead, as ``name=text`` pairs (for checks that
    compare columns: ``count=2000, denominator=1089, value=30.3``).
    """

    invalid_if: str
    column: str
    reason: str
    shows: tuple[str, ...] = ()


@dataclass(frozen=True)
class Layout:
    """The columns of one file layout and the checks its rows must pass."""

    name: str
    kind: str
    columns: tuple[Column, ...]
    row_checks: tuple[RowCheck, ...] = ()
    key: tuple[str, ...] = ()
    null_markers: tuple[str, ...] = ("",)
    sheet: str | None = None  # for Excel workbooks: the sheet that holds the data
    description: str = ""
    header_patterns: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    # False: always stage on the checked path.
    fast: bool = True
    # True when the loader's insert reshapes rows, so the target table lacks the layout's
    # columns: the fast path then reads the file once into a temp table and checks the
    # typed rows there, before the insert (``violations`` on ``src_typed``).
    check_staged: bool = False

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


@dataclass(frozen=True)
class HeaderMatch:
    """How a file's header maps onto a layout: one layout column name (or None) per field."""

    layout: Layout
    targets: tuple[str | None, ...]
    extra: tuple[str, ...]
    captured: dict[str, str]

    @property
    def present(self) -> set[str]:
        return {t for t in self.targets if t is not None}


def match_header(header: tuple[str, ...], layout: Layout) -> HeaderMatch | list[str]:
    """Map ``header`` onto ``layout``; return the missing required columns on failure.

    Columns may come in any order; unknown extra columns are ignored (and reported in
    the load notes). ``header_patterns`` map regexes over normalised names to a column
    and capture a label, e.g. Fingertips' 'Compared to <parent> value or percentiles'.
    """
    import re

    keys = {key: col.name for col in layout.columns for key in col.header_keys()}
    targets: list[str | None] = []
    extra: list[str] = []
    captured: dict[str, str] = {}
    seen: set[str] = set()
    for raw in header:
        norm = normalise_name(raw)
        target = keys.get(norm)
        if target is None:
            for pattern, column in layout.header_patterns:
                found = re.fullmatch(pattern, norm)
                if found and column not in seen:
                    target = column
                    captured[column] = raw
                    break
        if target is not None and target in seen:
            target = None  # a repeated column: keep the first, ignore the rest
        if target is None:
            extra.append(raw)
        else:
            seen.add(target)
        targets.append(target)
    missing = [c.name for c in layout.columns if c.required and c.name not in seen]
    if missing:
        return missing
    return HeaderMatch(layout, tuple(targets), tuple(extra), captured)


def choose_layout(
    file_name: str, header: tuple[str, ...], layouts: tuple[Layout, ...]
) -> HeaderMatch:
    """The first layout the header fits, or a LoadError naming what is missing."""
    attempts: list[tuple[Layout, list[str]]] = []
    for layout in layouts:
        result = match_header(header, layout)
        if isinstance(result, HeaderMatch):
            return result
        attempts.append((layout, result))
    layout, missing = min(attempts, key=lambda a: len(a[1]))
    hints = []
    for name in missing:
        close = difflib.get_close_matches(name, list(header), n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        hints.append(f"{file_name}, line 1, column '{name}': required column is missing{hint}")
    found = ", ".join(repr(h) for h in header[:12]) + (" ..." if len(header) > 12 else "")
    kinds = " or ".join(sorted({lay.description or lay.name for lay in layouts}))
    raise LoadError(
        f"{file_name} does not have the columns of {kinds}.",
        "\n".join(hints) + f"\nFound columns: {found}",
    )
