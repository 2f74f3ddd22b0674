"""ONS population estimates for health geographies (SAPE): the residents of each sub-ICB location.

The population that fits an ICB: ONS sums its small-area estimates to sub-ICB locations,
ICBs and NHS regions. The workbook has one sheet per mid-year and geography ("Mid-2022 ICB
2023": one row per sub-ICB location with its ICB and NHS region, ``Total`` and single years
of age ``F0`` ... ``F90``, ``M0`` ... ``M90``, 90 meaning 90 and over), each under a few rows
of title and notes. For each mid-year the sheet on the newest ICB geography is read; the
CCG 2021 and Welsh health board sheets are left out, and the load notes say so. Rows become
``fact_population`` rows of base kind ``sub_icb`` in ESP2013 five-year bands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb
import polars as pl

from etl import SQL_DIR
from etl.sources import SourceFile, normalise_name
from etl.staging import Staged, raise_for_problems
from peolc.errors import LoadError, Problem
from peolc.sqlfiles import run_sql

LAYOUT_NAME = "ons-sape-health-geographies"
DESCRIPTION = "ONS population estimates for health geographies (sub-ICB, ICB, NHS region)"
SHEET = re.compile(r"Mid-([0-9]{4}) ICB ([0-9]{4})")
CODE_HEADER = re.compile(r"sicbl([0-9]{4})code")  # normalised 'SICBL 2023 Code'
CODE_PATTERN = r"E38[0-9]{6}"
OPEN_AGE = 90  # F90 and M90 count everyone aged 90 and over
AGE_COLUMNS = tuple(f"{sex}{age}" for sex in ("F", "M") for age in range(OPEN_AGE + 1))
HEADER_SEARCH_ROWS = 20  # the header lies under the sheet's title and notes


@dataclass(frozen=True)
class Sheet:
    """A sheet of residents by sub-ICB location for one mid-year, on one ICB geography."""

    name: str
    year: int
    geography: int  # the vintage of the sub-ICB codes (ICB 2023: April 2023 codes)


def sheet_names(source: SourceFile) -> list[str]:
    import fastexcel

    try:
        return list(fastexcel.read_excel(str(source.path)).sheet_names)
    except Exception as e:  # fastexcel raises its own exception types
        raise LoadError(
            f"{source.name} could not be read as an Excel workbook.", f"{source.name}: {e}"
        ) from e


def chosen_sheets(names: list[str]) -> list[Sheet]:
    """For each mid-year, the sheet on the newest ICB geography (none: not a SAPE workbook)."""
    found = [
        Sheet(name, int(m.group(1)), int(m.group(2)))
        for name in names
        if (m := SHEET.fullmatch(name.strip()))
    ]
    newest: dict[int, Sheet] = {}
    for sheet in found:
        if sheet.year not in newest or sheet.geography > newest[sheet.year].geography:
            newest[sheet.year] = sheet
    return [newest[year] for year in sorted(newest)]


def is_sape_workbook(source: SourceFile) -> bool:
    return source.format == "xlsx" and bool(chosen_sheets(sheet_names(source)))


def _where(source: SourceFile, sheet: Sheet) -> str:
    return f"{source.name}, sheet '{sheet.name}'"


def _read_sheet(source: SourceFile, sheet: Sheet) -> tuple[pl.DataFrame, int]:
    """The sheet's table as text, with its header, and the worksheet row of its first data row."""
    raw = pl.read_excel(
        source.path,
        sheet_name=sheet.name,
        engine="calamine",
        has_header=False,
        infer_schema_length=0,
        drop_empty_rows=False,
    )
    for index, row in enumerate(raw.head(HEADER_SEARCH_ROWS).iter_rows()):
        if row and row[0] is not None and CODE_HEADER.fullmatch(normalise_name(str(row[0]))):
            header = [str(v).strip() if v is not None else f"_blank_{i}" for i, v in enumerate(row)]
            table = raw.slice(index + 1).rename(dict(zip(raw.columns, header, strict=True)))
            missing = [c for c in AGE_COLUMNS if c not in header]
            if missing:
                shown = ", ".join(missing[:8]) + (" ..." if len(missing) > 8 else "")
                raise LoadError(
                    f"{_where(source, sheet)} does not have every single year of age.",
                    f"{_where(source, sheet)}, line {index + 1}: expected columns F0 to "
                    f"F{OPEN_AGE} and M0 to M{OPEN_AGE}; missing: {shown}",
                )
            return table, index + 2
    raise LoadError(
        f"{_where(source, sheet)} has no table of sub-ICB locations.",
        f"{_where(source, sheet)}: expected a header row starting 'SICBL YYYY Code' within "
        f"the first {HEADER_SEARCH_ROWS} rows, then Total, F0 ... F{OPEN_AGE}, "
        f"M0 ... M{OPEN_AGE}.",
    )


BAD_CODE = f"expected a sub-ICB location code such as E38000006 ({CODE_PATTERN})"
BAD_COUNT = "expected a whole number of people, 0 or more"


def _problems(
    table: pl.DataFrame, first_row: int, where: str
) -> tuple[pl.DataFrame, list[Problem]]:
    """Rows with a sub-ICB code (blank rows under the table dropped), typed, and their problems."""
    code = table.columns[0]
    rows = (
        table.with_row_index("_line", offset=first_row)
        .with_columns(pl.col(code).str.strip_chars().alias("code"))
        .filter(pl.col("code").is_not_null() & (pl.col("code") != ""))
    )
    typed = rows.with_columns(
        pl.col([*AGE_COLUMNS, "Total"] if "Total" in rows.columns else list(AGE_COLUMNS))
        .str.strip_chars()
        .cast(pl.Int64, strict=False)
    )

    def found(frame: pl.DataFrame, column: str, shown: str, reason: str) -> list[Problem]:
        return [
            Problem(where, int(line), column, value, reason)
            for line, value in frame.select("_line", shown).iter_rows()
        ]

    bad_codes = rows.filter(~pl.col("code").str.contains(f"^{CODE_PATTERN}$"))
    problems = found(bad_codes, code, "code", BAD_CODE)
    for column in AGE_COLUMNS:
        bad = typed[column].is_null() | (typed[column] < 0)
        problems += found(rows.filter(bad), column, column, BAD_COUNT)
    if "Total" in typed.columns:
        sums = typed.with_columns(pl.sum_horizontal(AGE_COLUMNS).alias("_sum"))
        wrong = sums.filter(pl.col("Total").is_not_null() & (pl.col("Total") != pl.col("_sum")))
        for line, total, total_sum in wrong.select("_line", "Total", "_sum").iter_rows():
            reason = f"expected the sum of F0 to M{OPEN_AGE} ({total_sum:,})"
            problems.append(Problem(where, int(line), "Total", str(total), reason))
    return typed, problems


def read_workbook(source: SourceFile) -> tuple[pl.DataFrame, Staged, list[Sheet]]:
    """Residents by year, sub-ICB code, sex and single year of age, and what was found."""
    names = sheet_names(source)
    sheets = chosen_sheets(names)
    frames: list[pl.DataFrame] = []
    problems: list[Problem] = []
    rows_read = 0
    for sheet in sheets:
        table, first_row = _read_sheet(source, sheet)
        typed, found = _problems(table, first_row, _where(source, sheet))
        rows_read += typed.height
        problems.extend(sorted(found, key=lambda p: p.line or 0))
        bad_lines = {p.line for p in found}
        good = typed.filter(~pl.col("_line").is_in(list(bad_lines)))
        frames.append(
            good.select("code", *AGE_COLUMNS)
            .unpivot(index="code", variable_name="sex_age", value_name="population")
            .select(
                pl.lit(sheet.year, dtype=pl.Int16).alias("year"),
                pl.col("code").alias("base_code"),
                pl.col("sex_age").str.slice(0, 1).alias("sex"),
                pl.col("sex_age").str.slice(1).cast(pl.Int32).alias("age"),
                pl.col("population").cast(pl.Int64),
            )
        )
    left_out = [n for n in names if n not in {s.name for s in sheets} and n[:4] == "Mid-"]
    notes = [
        "read sheets "
        + ", ".join(f"'{s.name}' (mid-{s.year}, sub-ICB codes of {s.geography})" for s in sheets)
    ]
    if left_out:
        notes.append(
            "left out sheets "
            + ", ".join(f"'{n}'" for n in left_out)
            + " (an older geography or another nation)"
        )
    problem_rows = len({(p.file, p.line) for p in problems})
    frame = pl.concat(frames) if frames else pl.DataFrame()
    return frame, Staged(rows_read, problems, problem_rows, notes), sheets


def load(
    con: duckdb.DuckDBPyConnection, source: SourceFile, load_id: int, lenient: bool
) -> tuple[str, Staged]:
    """Insert the workbook's residents into ``fact_population`` (in five-year bands)."""
    frame, staged, sheets = read_workbook(source)
    if not lenient:
        raise_for_problems(source, staged)
    if frame.is_empty():
        raise LoadError(
            f"{source.name} has no sub-ICB locations to load.",
            f"{source.name}: expected rows with codes such as E38000006 on sheets "
            + ", ".join(f"'{s.name}'" for s in sheets),
        )
    con.register("src_sape", frame)
    try:
        run_sql(con, SQL_DIR, "load_population_sape", load_id=load_id)
    finally:
        con.unregister("src_sape")
    return LAYOUT_NAME, staged
