"""Read a file into DuckDB as the temporary view ``src_rows``, typed and checked.

Two ways in, one contract (``src_rows`` has the layout's columns, typed):

* **fast**: DuckDB reads the CSV with the layout's types (categoricals as ENUMs), so a
  bad value stops the read at once. Used for big UTF-8 CSVs; the loader inserts straight
  from the view and then counts check violations on what it inserted.
* **checked**: every field is read as text with its row number, then typed with
  ``try_cast`` and checked column by column. Used for small files, Excel sheets, non-UTF-8
  text, lenient loads, and to explain a fast load that failed: it finds every problem
  and names its line, column and value.

The SQL here is generated from layouts (our constants); file contents only ever reach
DuckDB as bound parameters or data, never as SQL text.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import duckdb

from etl.layout import Column, HeaderMatch, Layout
from etl.sources import SourceFile, data_lines, mixed_line_ends, unclosed_quote_line
from peolc.errors import LoadError, Problem

if TYPE_CHECKING:
    import polars as pl

MAX_LISTED_PROBLEMS = 20
_CSV_LINE = re.compile(r"CSV Error on Line: (\d+)")
_CONVERT = re.compile(r'converting column "([^"]+)"\. Could not convert string "([^"]*)"')


def ident(name: str) -> str:
    """A double-quoted SQL identifier for one of our own column names."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    """A single-quoted SQL literal for one of our own constants."""
    return "'" + value.replace("'", "''") + "'"


def _literal_list(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(literal(v) for v in values) + ")"


@dataclass
class Staged:
    """The outcome of staging: rows read, and the problems found (with lines)."""

    rows_read: int
    problems: list[Problem]
    problem_rows: int
    notes: list[str] = field(default_factory=list)  # for the load log (custom loaders)


def _file_columns(match: HeaderMatch) -> list[str]:
    return [t if t is not None else f"_extra_{i}" for i, t in enumerate(match.targets)]


def csv_error(source: SourceFile, error: duckdb.Error) -> LoadError:
    """Turn DuckDB's CSV reader error into one that names the file, line and column."""
    text = str(error)
    line_match = _CSV_LINE.search(text)
    line = _physical_line(source, int(line_match.group(1))) if line_match else None
    convert = _CONVERT.search(text)
    if convert:
        column, value = convert.group(1), convert.group(2)
        problem = Problem(source.name, line, column, value, "value has the wrong type")
        return LoadError(f"{source.name} has a value of the wrong type.", problems=[problem])
    first = text.splitlines()[0] if text else "unreadable"
    reason = re.sub(r"^[A-Za-z ]+Error: ", "", first)
    reason = _CSV_LINE.sub("", reason).strip(" :") or "the CSV text could not be read"
    if "Maximum line size" in text or "maximum_line_size" in text:
        reason = "a line is longer than the largest allowed (10 MB)"
    elif "Expected Number of Columns" in text or "columns but found" in text:
        reason = "the row has more fields than the header"
    elif "unterminated quote" in text.lower() or "quote" in reason.lower():
        reason = "a quoted value is never closed (unbalanced double quote)"
    elif "state machine reached an invalid state" in text and (mixed := mixed_line_ends(source)):
        line, reason = mixed
    problem = Problem(source.name, line, None, None, reason)
    return LoadError(f"{source.name} could not be read as CSV.", problems=[problem])


def ensure_quotes_closed(source: SourceFile) -> None:
    """Refuse a CSV with a quoted value that never closes (before a single-threaded read).

    DuckDB's single-threaded reader would stop at it without an error and lose the rest
    of the file; its parallel reader reports it itself.
    """
    line = unclosed_quote_line(source)
    if line is not None:
        reason = "a quoted value is never closed (unbalanced double quote)"
        problem = Problem(source.name, line, None, None, reason)
        raise LoadError(f"{source.name} could not be read as CSV.", problems=[problem])


def _physical_line(source: SourceFile, line: int) -> int:
    """The file line of DuckDB's error "line", which counts records, not quoted newlines."""
    if line <= 1:
        return line
    try:
        return data_lines(source, [line - 1]).get(line - 1, line)
    except (csv.Error, UnicodeDecodeError, OSError, EOFError):
        return line


# ----------------------------------------------------------------------------------
# checked path
# ----------------------------------------------------------------------------------


def _read_text(con: duckdb.DuckDBPyConnection, source: SourceFile, match: HeaderMatch) -> None:
    """Create temp table ``src_text``: every field as text, with ``_row`` (1-based)."""
    names = _file_columns(match)
    if source.format == "xlsx":
        _read_xlsx_text(con, source, match, names)
        return
    ensure_quotes_closed(source)
    params: dict[str, object] = {
        "path": str(source.path),
        "delim": source.delimiter,
        "enc": source.encoding,
        "comp": "gzip" if source.format == "csv.gz" else "none",
        "cols": {n: "VARCHAR" for n in names},
    }
    try:
        con.execute(
            "create or replace temp table src_text as "
            "select row_number() over () as _row, * from read_csv($path, header = true, "
            "delim = $delim, quote = '\"', escape = '\"', encoding = $enc, "
            "compression = $comp, columns = $cols, null_padding = true, parallel = false, "
            "auto_detect = false, max_line_size = 10000000, strict_mode = true)",
            params,
        )
    except duckdb.Error as e:
        raise csv_error(source, e) from e


def _read_xlsx_text(
    con: duckdb.DuckDBPyConnection, source: SourceFile, match: HeaderMatch, names: list[str]
) -> None:
    sheet = match.layout.sheet
    frame = read_sheet(source, sheet)
    frame = frame.rename(dict(zip(frame.columns, names, strict=True)))
    frame = frame.with_row_index("_row", offset=1)
    con.register("src_xlsx", frame)
    con.execute("create or replace temp table src_text as select * from src_xlsx")
    con.unregister("src_xlsx")


def read_sheet(source: SourceFile, sheet: str | None) -> pl.DataFrame:
    """The data sheet of a workbook, every cell as text (first sheet if ``sheet`` is None)."""
    import polars as pl  # only workbooks need it; a CSV load starts faster without it

    try:
        return pl.read_excel(
            source.path,
            sheet_name=sheet,
            engine="calamine",
            infer_schema_length=0,
            drop_empty_rows=False,
        )
    except Exception as e:  # fastexcel raises its own exception types
        wanted = f"a sheet named {sheet!r}" if sheet else "a data sheet"
        raise LoadError(
            f"{source.name} could not be read as an Excel workbook.",
            f"{source.name}: expected {wanted}; {e}",
        ) from e


def xlsx_header(source: SourceFile, sheet: str | None) -> tuple[str, ...]:
    """The header row of a workbook's data sheet."""
    return tuple(str(c).strip() for c in read_sheet(source, sheet).columns)


def _typed_expr(col: Column, markers: tuple[str, ...]) -> str:
    raw = f"nullif(trim({ident(col.name)}), '')"
    value = f"(case when {raw} in {_literal_list(markers)} then null else {raw} end)"
    if col.sql_type == "VARCHAR":
        return value
    if col.sql_type == "DATE":
        return (
            f"coalesce(try_cast({value} as date), "
            f"try_cast(try_strptime({value}, '%d/%m/%Y') as date))"
        )
    if col.sql_type == "BOOLEAN":
        return f"try_cast({value} as boolean)"
    plain = (
        f"(case when regexp_full_match({value}, '-?[0-9]{{1,3}}(,[0-9]{{3}})+(\\.[0-9]+)?') "
        f"then replace({value}, ',', '') else {value} end)"
    )
    if col.sql_type in ("INTEGER", "BIGINT", "SMALLINT"):
        # whole numbers written as floats ("38.0") are whole numbers
        return f"try_cast(try_cast({plain} as decimal(38, 6)) as {col.sql_type})"
    return f"try_cast({plain} as {col.sql_type})"


def _column_checks(col: Column, markers: tuple[str, ...]) -> list[tuple[str, str]]:
    """(SQL predicate over t (typed) and r (raw), reason) for one column."""
    c = ident(col.name)
    raw = f"nullif(trim(r.{c}), '')"
    blank = f"({raw} is null or {raw} in {_literal_list(markers)})"
    checks: list[tuple[str, str]] = []
    if not col.nullable:
        checks.append((blank, "a value is required; expected " + col.describe_expected()))
    if col.sql_type != "VARCHAR":
        checks.append((f"not {blank} and t.{c} is null", "expected " + col.describe_expected()))
    if col.allowed:
        checks.append(
            (
                f"t.{c} is not null and t.{c} not in {_literal_list(col.allowed)}",
                "expected one of: " + ", ".join(col.allowed),
            )
        )
    if col.invalid_if:
        predicate = col.invalid_sql(f"t.{c}")
        checks.append(
            (f"t.{c} is not null and ({predicate})", "expected " + col.describe_expected())
        )
    return checks


def stage_checked(con: duckdb.DuckDBPyConnection, source: SourceFile, match: HeaderMatch) -> Staged:
    """Read as text, type with try_cast, collect every problem; ``src_rows`` keeps the rest."""
    layout = match.layout
    _read_text(con, source, match)
    present = [c for c in layout.columns if c.name in match.present]
    absent = [c for c in layout.columns if c.name not in match.present]
    typed = ", ".join(
        [f"{_typed_expr(c, layout.null_markers)} as {ident(c.name)}" for c in present]
        + [f"cast(null as {c.sql_type}) as {ident(c.name)}" for c in absent]
    )
    con.execute(f"create or replace temp table src_cast as select _row, {typed} from src_text")  # noqa: S608
    branches: list[str] = []
    for col in present:
        for predicate, reason in _column_checks(col, layout.null_markers):
            branches.append(
                f"select r._row, {literal(col.name)} as column_name, "  # noqa: S608
                f"cast(r.{ident(col.name)} as varchar) as value, {literal(reason)} as reason, "
                "cast(null as bigint) as first_row "
                f"from src_text r join src_cast t using (_row) where {predicate}"
            )
    for check in layout.row_checks:
        raw_value = _shown(
            check.shows or (check.column,), match.present, labelled=bool(check.shows)
        )
        predicate = re.sub(r"\b([a-z_][a-z0-9_]*)\b", _qualify(layout), check.invalid_if)
        branches.append(
            f"select r._row, {literal(check.column)}, {raw_value}, {literal(check.reason)}, "  # noqa: S608
            f"null from src_text r join src_cast t using (_row) where {predicate}"
        )
    if layout.key:
        key_cols = ", ".join(f"t.{ident(k)}" for k in layout.key)
        # the reason ends "of line N" once first_row is a line number (``_collect``)
        branches.append(
            "select _row, "  # noqa: S608
            f"{literal(layout.key[0])}, value, "
            f"{literal('repeats the key (' + ', '.join(layout.key) + ')')}, first_row "
            "from (select t._row, "
            f"cast(t.{ident(layout.key[0])} as varchar) as value, "
            f"min(t._row) over (partition by {key_cols}) as first_row "
            f"from src_cast t) where _row > first_row"
        )
    union = (
        " union all ".join(branches)
        if branches
        else (
            "select 0 as _row, '' as column_name, '' as value, '' as reason, "
            "cast(null as bigint) as first_row where false"
        )
    )
    con.execute(
        "create or replace temp table src_problems as "  # noqa: S608
        f"select _row, column_name, value, reason, first_row from ({union})"
    )
    cols = ", ".join(ident(c.name) for c in layout.columns)
    con.execute(
        f"create or replace temp view src_rows as select {cols} from src_cast "  # noqa: S608
        "where _row not in (select _row from src_problems)"
    )
    return _collect(con, source)


def _shown(columns: tuple[str, ...], present: set[str], *, labelled: bool) -> str:
    """SQL for the text a row check reports: one column's, or ``name=text`` pairs."""
    shown = [c for c in columns if c in present]
    if not labelled:
        return f"cast(r.{ident(shown[0])} as varchar)" if shown else "null"
    if not shown:
        return "null"
    pairs = [f"{literal(c + '=')} || coalesce(trim(r.{ident(c)}), '')" for c in shown]
    return "concat_ws(', ', " + ", ".join(pairs) + ")"


def _qualify(layout: Layout) -> Callable[[re.Match[str]], str]:
    names = {c.name for c in layout.columns}

    def replace(found: re.Match[str]) -> str:
        word = found.group(1)
        return f"t.{ident(word)}" if word in names else word

    return replace


def _collect(con: duckdb.DuckDBPyConnection, source: SourceFile) -> Staged:
    row = con.execute(
        "select (select count(*) from src_text), (select count(distinct _row) from src_problems)"
    ).fetchone()
    assert row is not None
    rows_read, problem_rows = int(row[0]), int(row[1])
    found = con.execute(
        "select _row, column_name, value, reason, first_row from src_problems "
        "order by _row, column_name"
    ).fetchall()
    rows = [int(r[0]) for r in found] + [int(r[4]) for r in found if r[4] is not None]
    lines = _lines_for(source, rows, rows_read)
    problems = [
        Problem(source.name, lines.get(int(r[0])), r[1], r[2], _reason(r[3], r[4], lines))
        for r in found
    ]
    return Staged(rows_read, problems, problem_rows)


def _reason(reason: str, first_row: int | None, lines: dict[int, int]) -> str:
    """A repeated key's reason names the line of the row it repeats."""
    if first_row is None:
        return reason
    return f"{reason} of line {lines.get(int(first_row), int(first_row) + 1)}"


def _lines_for(source: SourceFile, rows: list[int], rows_read: int) -> dict[int, int]:
    """Physical line (or sheet row) of each data row; exact even with quoted newlines."""
    if not rows:
        return {}
    if source.format == "xlsx":
        return {r: r + 1 for r in rows}
    if source.format == "csv" and source.encoding == "utf-8":
        with open(source.path, "rb") as handle:
            newlines = sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 22), b""))
        with open(source.path, "rb") as handle:
            handle.seek(-1, 2)
            ends_with_newline = handle.read(1) == b"\n"
        physical = newlines + (0 if ends_with_newline else 1)
        if physical == rows_read + 1:
            return {r: r + 1 for r in rows}
    return data_lines(source, sorted(set(rows)))


# ----------------------------------------------------------------------------------
# fast path
# ----------------------------------------------------------------------------------


# (sniff, parallel) settings of stage_fast, tried in this order
FAST_READS: tuple[tuple[bool, bool], ...] = ((True, True), (False, True), (False, False))
_RETRY_FAST = (
    "Error when sniffing file",
    "does not support null_padding in conjunction with quoted new lines",
)


def retry_fast(error: duckdb.Error) -> bool:
    """True if ``error`` is one that the next of ``FAST_READS`` may not meet."""
    return any(text in str(error) for text in _RETRY_FAST)


def fast_eligible(source: SourceFile) -> bool:
    """Fast reads need plain or gzipped UTF-8 CSV (DuckDB's relation reader)."""
    return source.format in ("csv", "csv.gz") and source.encoding == "utf-8"


def _fast_type(col: Column) -> str:
    if col.allowed:
        return "ENUM" + _literal_list(col.allowed)
    return col.sql_type


def stage_fast(
    con: duckdb.DuckDBPyConnection,
    source: SourceFile,
    match: HeaderMatch,
    *,
    sniff: bool = True,
    parallel: bool = True,
    materialise: bool = False,
) -> None:
    """Create view ``src_rows`` over a typed read of the CSV (raises on the first bad value).

    ``materialise``: read the file once into the temp table ``src_typed`` (``src_rows``
    reads it), for layouts whose rows are checked before they are reshaped
    (``Layout.check_staged``).

    Short rows (a trailing empty field left out, as Fingertips exports do) are padded
    with nulls. Such rows defeat DuckDB's dialect sniffer, and its parallel reader cannot
    pad rows when values hold quoted newlines: ``FAST_READS`` lists the settings to try
    in turn, and ``retry_fast`` says whether an error is one the next settings avoid.
    (The sniffer is worth keeping where it works: it learns date formats like 31/12/2023.)
    """
    layout = match.layout
    if not parallel:
        ensure_quotes_closed(source)
    types = {}
    for i, target in enumerate(match.targets):
        types[target or f"_extra_{i}"] = _fast_type(layout.column(target)) if target else "VARCHAR"
    rel = con.read_csv(
        str(source.path),
        header=True,
        delimiter=source.delimiter,
        quotechar='"',
        escapechar='"',
        columns=types,
        na_values=list(layout.null_markers),
        compression="gzip" if source.format == "csv.gz" else "none",
        null_padding=True,
        parallel=parallel,
        auto_detect=sniff,
    )
    absent = [c for c in layout.columns if c.name not in match.present]
    selected = ", ".join(
        [ident(c.name) for c in layout.columns if c.name in match.present]
        + [f"cast(null as {c.sql_type}) as {ident(c.name)}" for c in absent]
    )
    # A temporary view, as on the checked path: the relation API's create_view writes to
    # the main schema, where an earlier temp ``src_rows`` would shadow it (stale rows).
    con.execute("drop view if exists temp.main.src_rows")
    if not materialise:
        con.register("src_rows", rel.select(selected))
        return
    con.register("src_read", rel.select(selected))
    try:
        con.execute("create or replace temp table src_typed as select * from src_read")
    finally:
        con.unregister("src_read")
    con.execute("create temp view src_rows as select * from src_typed")


def count_rows(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Rows in one of our staging tables."""
    row = con.execute(f"select count(*) from {table}").fetchone()  # noqa: S608
    return int(row[0]) if row else 0


def _costly(col: Column) -> bool:
    """Text checks (patterns, case folding) are checked once per distinct value."""
    return col.sql_type == "VARCHAR" and bool(col.invalid_if)


def violations(
    con: duckdb.DuckDBPyConnection,
    layout: Layout,
    table: str,
    load_id: int | None = None,
    *,
    untrimmed: bool = False,
) -> int:
    """Whether rows of ``table`` (those of ``load_id``, if given) break a check: 0 if none.

    A positive result only says that there are problems (the checked path then finds and
    explains them), so checks are arranged to be cheap: a text column's pattern is tested
    once per distinct value, and keys are compared by their hashes (a collision can only
    send a good file down the checked path, never let a repeated key through).
    ``untrimmed``: also count text values with surrounding spaces or that are empty, which
    the checked path would trim or read as missing (``Layout.check_staged``).
    """
    where = "" if load_id is None else "where load_id = $load_id"
    params: dict[str, object] = {} if load_id is None else {"load_id": load_id}

    def count(sql: str) -> int:
        row = con.execute(sql, params).fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    predicates: list[str] = []
    for col in layout.columns:
        c = ident(col.name)
        if not col.nullable:
            predicates.append(f"{c} is null")
        if col.invalid_if and not _costly(col):
            predicates.append(f"({c} is not null and ({col.invalid_sql(c)}))")
    predicates.extend(f"({check.invalid_if})" for check in layout.row_checks)
    bad = " or ".join(predicates) or "false"
    found = count(f"select count(*) filter (where {bad}) from {table} {where}")  # noqa: S608
    for col in layout.columns:
        c = ident(col.name)
        value_checks = [f"({col.invalid_sql('v')})"] if _costly(col) else []
        if untrimmed and col.sql_type == "VARCHAR" and not col.allowed:
            value_checks.append("(v = '' or v <> trim(v))")
        if value_checks:
            found += count(
                f"select count(*) from (select distinct {c} as v from {table} {where}) "  # noqa: S608
                f"where v is not null and ({' or '.join(value_checks)})"
            )
    if layout.key:
        keys = ", ".join(ident(k) for k in layout.key)
        found += count(
            f"select count(*) - count(distinct hash({keys})) from {table} {where}"  # noqa: S608
        )
    return found


def raise_for_problems(source: SourceFile, staged: Staged) -> None:
    """Fail the load, listing the first problems, if any were found."""
    if not staged.problems:
        return
    shown = staged.problems[:MAX_LISTED_PROBLEMS]
    more = len(staged.problems) - len(shown)
    detail = "\n".join(p.describe() for p in shown)
    if more:
        detail += f"\n... and {more} more problems"
    detail += (
        f"\n{staged.problem_rows} of {staged.rows_read} rows have problems; nothing was loaded. "
        "Fix the file, or load the good rows with --lenient (bad rows go to the rejects table)."
    )
    raise LoadError(f"{source.name} has rows that cannot be loaded.", detail, staged.problems)
