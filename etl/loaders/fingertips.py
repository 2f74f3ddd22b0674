"""OHID Fingertips indicator values: the API CSV, fingertipsR's data frame, or a tidy extract.

The API CSV (``indicators-*.data.csv``) and fingertipsR's output have the same columns,
spelt with and without spaces; header matching ignores spaces and case, so one layout
reads both. National GP-practice extracts run to millions of rows, so that layout takes
DuckDB's typed reader (``fast``): its column names are fact_indicator's, which lets the
staging engine check the inserted rows. The tidy layout (area_code, period, value,
indicator, ...) carries no indicator id: ids come from a short list of known names, else
a stable negative id derived from the name (said in the load notes).

Plausibility (``PLAUSIBILITY_CHECKS``, row checks, so the fast path's ``violations``
count runs them too; docs/data-formats.md states them): counts and denominators are 0 or
more; each lower limit is at most its upper one; the value lies within its 95% limits; and
a count above its denominator is refused where the row is a percentage. The file has no
column saying which statistic a row is, and ratios (observed over expected) and rates or
means per person may have counts above their denominators, so the rule reads the row: a
value of at most 100 that is not count / denominator (within 1%) is a percentage. Limits
compare with a tolerance of one part in a million (plus 1e-9) for published rounding.
"""

from __future__ import annotations

import hashlib
import re

import duckdb

from etl import SQL_DIR
from etl.layout import SUPPRESSION_MARKERS, Column, HeaderMatch, Layout, RowCheck
from etl.loaders.base import Loader, count_loaded
from etl.sources import SourceFile
from peolc.sqlfiles import run_sql

# indicator names of tidy extracts -> (Fingertips indicator id, official name, sex, age)
KNOWN_INDICATORS: dict[str, tuple[int, str, str, str]] = {
    # End of Life Care Profile; the Trafford Data Lab extract names it this way
    "percentage of deaths in usual place of residence among people aged 65 years and over": (
        92727,
        "% of deaths in usual place of residence, people aged 65+",
        "Persons",
        "65+ yrs",
    ),
}
UNKNOWN_SEX, UNKNOWN_AGE = "Persons", "not stated"

_AREA_CODE = Column(
    "area_code",
    aliases=("Area Code",),
    invalid_if="not regexp_full_match({c}, 'n?[A-Za-z0-9]{3,12}')",
    expected="a Fingertips area code such as E92000001, A81001 or nE38000062",
)


def _number(name: str, *aliases: str) -> Column:
    return Column(name, "DOUBLE", nullable=True, aliases=aliases)


def _count(name: str, *aliases: str) -> Column:
    return Column(
        name, "DOUBLE", nullable=True, aliases=aliases, invalid_if="{c} < 0", expected="0 or more"
    )


# published numbers are rounded: a limit may miss its value by one part in a million
# (and by 1e-9, so that a zero and a limit computed as 1e-17 compare equal)
RELATIVE_TOLERANCE = 1e-6


def _exceeds(a: str, b: str) -> str:
    """SQL: ``a`` is above ``b`` by more than the published rounding (both given)."""
    return f"{a} - {b} > {RELATIVE_TOLERANCE} * greatest(abs({a}), abs({b})) + 1e-9"


# a value within 1% of count / denominator is a statistic per one (a ratio, a mean, a rate
# per person), which may exceed 1; a percentage cannot have its count above its denominator
PER_ONE_TOLERANCE = 0.01
PLAUSIBILITY_CHECKS: tuple[RowCheck, ...] = (
    RowCheck(
        "count > denominator and denominator >= 0 and value <= 100 "
        f"and abs(value * denominator - count) > {PER_ONE_TOLERANCE} * count",
        "count",
        "the count is above the denominator of a percentage (a value of at most 100 "
        "that is not count / denominator)",
        shows=("count", "denominator", "value"),
    ),
    RowCheck(
        _exceeds("lower_95", "upper_95"),
        "lower_95",
        "the lower 95% limit is above the upper one",
        shows=("lower_95", "upper_95"),
    ),
    RowCheck(
        _exceeds("lower_998", "upper_998"),
        "lower_998",
        "the lower 99.8% limit is above the upper one",
        shows=("lower_998", "upper_998"),
    ),
    RowCheck(
        f"{_exceeds('lower_95', 'value')} or {_exceeds('value', 'upper_95')}",
        "value",
        "the value is outside its own 95% limits",
        shows=("value", "lower_95", "upper_95"),
    ),
)


API_LAYOUT = Layout(
    name="fingertips-api",
    kind="fingertips",
    description="Fingertips API CSV or fingertipsR data (Indicator ID, Area Code, ...)",
    key=("indicator_id", "area_code", "period", "sex", "age", "category_type", "category"),
    null_markers=SUPPRESSION_MARKERS,
    columns=(
        Column(
            "indicator_id",
            "INTEGER",
            aliases=("Indicator ID",),
            invalid_if="{c} <= 0",
            expected="a Fingertips indicator id such as 93356",
        ),
        # not a fact_indicator column: nullable and unchecked, so violations() never reads it
        Column("indicator_name", aliases=("Indicator Name",), nullable=True),
        Column("parent_code", aliases=("Parent Code",), nullable=True),
        _AREA_CODE,
        Column("area_name", aliases=("Area Name",), nullable=True),
        Column("area_type", aliases=("Area Type",), nullable=True),
        Column("sex", aliases=("Sex",)),
        Column("age", aliases=("Age",)),
        Column("category_type", aliases=("Category Type",), nullable=True),
        Column("category", aliases=("Category",), nullable=True),
        Column("period", aliases=("Time period", "Timeperiod")),
        _number("value", "Value"),
        _number("lower_95", "Lower CI 95.0 limit"),
        _number("upper_95", "Upper CI 95.0 limit"),
        _number("lower_998", "Lower CI 99.8 limit"),
        _number("upper_998", "Upper CI 99.8 limit"),
        _count("count", "Count"),
        _count("denominator", "Denominator"),
        Column("value_note", aliases=("Value note",), nullable=True),
        Column("recent_trend", aliases=("Recent Trend",), nullable=True),
        Column(
            "compared_to_england",
            aliases=("Compared to England value or percentiles",),
            nullable=True,
            required=False,
        ),
        Column("compared_to_parent", nullable=True, required=False),
        Column(
            "period_sortable",
            "INTEGER",
            aliases=("Time period Sortable",),
            nullable=True,
            required=False,
        ),
    ),
    row_checks=PLAUSIBILITY_CHECKS,
    header_patterns=(("comparedto(.+)valueorpercentiles", "compared_to_parent"),),
)

TIDY_LAYOUT = Layout(
    name="fingertips-tidy",
    kind="fingertips",
    description="tidy Fingertips extract (area_code, period, value, indicator, ...)",
    key=("indicator", "area_code", "period"),
    null_markers=SUPPRESSION_MARKERS,
    fast=False,  # the indicator id is looked up, not read
    columns=(
        _AREA_CODE,
        Column("area_name", nullable=True, required=False),
        Column("period"),
        Column("value", "DOUBLE", nullable=True),
        Column("indicator", expected="the indicator's name"),
        Column("measure", nullable=True, required=False),
        Column("unit", nullable=True, required=False),
        Column("significance", nullable=True, required=False),
    ),
)

_PARENT_LABEL = re.compile(r"compared\s*to\s*(.+?)\s*value\s*or\s*percentiles", re.IGNORECASE)


def parent_type_label(header: str | None) -> str | None:
    """'Region' from 'Compared to Region value or percentiles' (the header as published)."""
    if header is None:
        return None
    found = _PARENT_LABEL.fullmatch(header.strip())
    return found.group(1) if found else header


def synthetic_id(name: str) -> int:
    """A stable negative id for an indicator known only by name (same name, same id)."""
    digest = hashlib.sha256(" ".join(name.lower().split()).encode()).digest()
    return -(1 + int.from_bytes(digest[:4], "big") % 2_000_000_000)


def _indicator_ids(names: list[str]) -> dict[str, tuple[int, str, str, str]]:
    found: dict[str, tuple[int, str, str, str]] = {}
    for name in names:
        known = KNOWN_INDICATORS.get(" ".join(name.lower().split()))
        found[name] = known or (synthetic_id(name), name, UNKNOWN_SEX, UNKNOWN_AGE)
    return found


class FingertipsLoader(Loader):
    kind = "fingertips"
    layouts: tuple[Layout, ...] = (API_LAYOUT, TIDY_LAYOUT)
    target_table = "fact_indicator"
    fast = True
    geography = False

    def insert(
        self, con: duckdb.DuckDBPyConnection, match: HeaderMatch, source: SourceFile, load_id: int
    ) -> int:
        earlier = con.execute("select count(*) from fact_indicator").fetchone()
        if match.layout is TIDY_LAYOUT:
            rows = con.execute("select distinct indicator from src_rows order by 1").fetchall()
            ids = _indicator_ids([str(r[0]) for r in rows])
            run_sql(
                con,
                SQL_DIR,
                "load_fingertips_tidy",
                load_id=load_id,
                names=list(ids),
                ids=[v[0] for v in ids.values()],
                official_names=[v[1] for v in ids.values()],
                sexes=[v[2] for v in ids.values()],
                ages=[v[3] for v in ids.values()],
            )
        else:
            label = parent_type_label(match.captured.get("compared_to_parent"))
            run_sql(con, SQL_DIR, "load_fingertips", load_id=load_id, parent_type_label=label)
        if earlier and earlier[0]:
            run_sql(con, SQL_DIR, "replace_fingertips", load_id=load_id)
        return count_loaded(con, self.target_table, load_id)

    def load_notes(self, con: duckdb.DuckDBPyConnection, layout: str, load_id: int) -> list[str]:
        if layout != TIDY_LAYOUT.name:
            return _unshown(con, load_id)
        rows = con.execute(
            "select indicator_id, indicator_name from fingertips_indicator "
            "where load_id = $id order by indicator_id",
            {"id": load_id},
        ).fetchall()
        notes = []
        for indicator_id, name in rows:
            if indicator_id < 0:
                notes.append(
                    f"indicator {name!r} is not in the list of known names "
                    f"(etl/loaders/fingertips.py); stored under synthetic id {indicator_id}"
                )
            else:
                notes.append(f"indicator id {indicator_id} ({name}) assigned from its name")
        return notes + _unshown(con, load_id)


def _unshown(con: duckdb.DuckDBPyConnection, load_id: int) -> list[str]:
    """Indicators of this file the pages will not show: loaded all the same.

    (Rows for areas the warehouse does not know are noted when the store is rebuilt, after
    the load's geography: etl/store.py.)
    """
    row = con.execute(
        """
        with indicators as (select unnest(fingertips_ids) as indicator_id from ref_measure),
        unshown as (
            select cast(indicator_id as varchar) as indicator_id from fact_indicator
            where load_id = $id and indicator_id not in (select indicator_id from indicators)
        )
        select count(*), string_agg(distinct indicator_id, ', ' order by indicator_id)
        from unshown
        """,
        {"id": load_id},
    ).fetchall()[0]
    if not row[0]:
        return []
    return [
        f"{row[0]:,} rows of indicators the catalogue does not show ({few(row[1])}; "
        "peolc/measures.py): kept in fact_indicator"
    ]


def few(listed: str) -> str:
    """The first five of a ', '-separated list, and how many more."""
    items = listed.split(", ")
    return ", ".join(items[:5]) + (f" and {len(items) - 5} more" if len(items) > 5 else "")


LOADER = FingertipsLoader()
