"""Plausibility checks of the Fingertips and ICB-extract loaders (docs/data-formats.md).

The bad-input corpus (tests/bad_inputs/corpus.py, section "plausibility") has one refused
file per rule, with the file, line, column and values the message must name. Here: the
fast path (DuckDB's typed reader) finds each of them itself and gives way to the checked
path, and a lenient load keeps the good rows and records each bad one in ``load_reject``.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from etl import staging
from etl.loading import load_files
from peolc.errors import LoadError
from tests.bad_inputs.corpus import CASES, EXTRACT, FINGERTIPS, Case, Fails, Table, write

PLAUSIBILITY = (
    "icb-extract/negative-count",
    "icb-extract/negative-denominator",
    "icb-extract/numerator-above-denominator",
    "fingertips/negative-count",
    "fingertips/negative-denominator",
    "fingertips/count-above-denominator",
    "fingertips/lower-above-upper-95",
    "fingertips/lower-above-upper-99.8",
    "fingertips/value-outside-limits",
)
PLAUSIBLE = (
    "icb-extract/events-above-denominator",
    "fingertips/count-above-denominator-of-a-ratio",
    "fingertips/value-on-a-rounded-limit",
)


def _case(name: str) -> Case:
    [case] = [c for c in CASES if c.name == name]
    return case


def _spy_on_fast_checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """What each fast read's ``violations`` count returned, in order."""
    counts: list[int] = []
    real = staging.violations

    def spy(*args: object, **kwargs: object) -> int:
        found = real(*args, **kwargs)  # type: ignore[arg-type]
        counts.append(found)
        return found

    monkeypatch.setattr("etl.loading.violations", spy)
    return counts


@pytest.mark.parametrize("name", PLAUSIBILITY)
def test_the_fast_path_finds_each_rule_and_gives_way(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = _case(name)
    assert isinstance(case.outcome, Fails)
    counts = _spy_on_fast_checks(monkeypatch)
    with pytest.raises(LoadError) as caught:
        load_files(tmp_path / "w.duckdb", case.kind, [case.build(tmp_path)])
    assert len(counts) == 1 and counts[0] > 0, "the fast read did not find the implausible row"
    assert caught.value.problems[0].value == case.outcome.found  # explained by the checked path


@pytest.mark.parametrize("name", PLAUSIBLE)
def test_plausible_files_stay_on_the_fast_path(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = _case(name)
    counts = _spy_on_fast_checks(monkeypatch)
    [summary] = load_files(tmp_path / "w.duckdb", case.kind, [case.build(tmp_path)])
    assert counts == [0]
    assert summary.rows_rejected == 0


def _row(table: Table, line: int, area: str, changes: dict[str, str]) -> tuple[str, ...]:
    """The row on ``line`` with another area code and the given fields changed."""
    changed = table.set(line, table.header[4] if table is FINGERTIPS else "area_code", area)
    for column, value in changes.items():
        changed = changed.set(line, column, value)
    return changed.rows[line - 2]


def _rejects(db: Path) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select line, column_name, value from load_reject order by line, column_name"
        ).fetchall()


def _loaded(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_lenient_fingertips_load_keeps_the_plausible_rows(tmp_path: Path) -> None:
    ratio = {"Count": "2000", "Value": "1.8365"}  # per one: plausible above 1
    ratio |= {"Lower CI 95.0 limit": "1.7", "Upper CI 95.0 limit": "1.9"}
    ratio |= {"Lower CI 99.8 limit": "1.6", "Upper CI 99.8 limit": "2.0"}
    table = FINGERTIPS.append(
        _row(FINGERTIPS, 2, "E08000001", {"Count": "2000"}),
        _row(FINGERTIPS, 2, "E08000002", {"Count": "-3"}),
        _row(FINGERTIPS, 2, "E08000003", {"Denominator": "-1089"}),
        _row(FINGERTIPS, 2, "E08000004", {"Lower CI 95.0 limit": "40"}),
        _row(FINGERTIPS, 2, "E08000005", {"Upper CI 99.8 limit": "20"}),
        _row(FINGERTIPS, 2, "E08000006", {"Value": "35"}),
        _row(FINGERTIPS, 2, "E08000007", ratio),
    )
    path = write(tmp_path, "indicators.data.csv", table.text())
    db = tmp_path / "w.duckdb"
    [summary] = load_files(db, "fingertips", [path], lenient=True)
    assert (summary.rows_read, summary.rows_rejected, summary.rows_loaded) == (10, 6, 4)
    assert _rejects(db) == [
        (5, "count", "count=2000, denominator=1089, value=30.3"),
        (6, "count", "-3"),
        (7, "denominator", "-1089"),
        (8, "lower_95", "lower_95=40, upper_95=33.2"),
        (8, "value", "value=30.3, lower_95=40, upper_95=33.2"),
        (9, "lower_998", "lower_998=26.4, upper_998=20"),
        (10, "value", "value=35, lower_95=27.5, upper_95=33.2"),
    ]
    assert _loaded(db, "select area_code, count, value from fact_indicator order by 1") == [
        ("E06000008", 340.0, 27.1),
        ("E08000007", 2000.0, 1.8365),
        ("E08000009", 330.0, 30.3),
        ("E12000002", 21700.0, 28.4),
    ]
    assert "6 rows rejected (see load_reject)" in summary.notes


def test_lenient_extract_load_keeps_the_plausible_rows(tmp_path: Path) -> None:
    table = EXTRACT.append(
        ("2023", "E54000008", "icb", "deaths_at_home", "sex", "M", "2700", "1950"),
        ("2023", "E54000009", "icb", "deaths_at_home", "all", "all", "-1", "3000"),
        ("2023", "E54000010", "icb", "deaths_at_home", "all", "all", "10", "-30"),
        ("2023", "E54000008", "icb", "emergency_admissions_last_90d", "all", "all", "5200", "4000"),
    )
    path = write(tmp_path, "extract.csv", table.text())
    db = tmp_path / "w.duckdb"
    [summary] = load_files(db, "icb-extract", [path], lenient=True)
    assert (summary.rows_read, summary.rows_rejected, summary.rows_loaded) == (8, 3, 5)
    assert _rejects(db) == [
        (6, "numerator", "numerator=2700, denominator=1950, measure=deaths_at_home"),
        (7, "numerator", "-1"),
        (8, "denominator", "-30"),
    ]
    assert _loaded(
        db, "select measure, numerator from fact_measure where numerator > denominator"
    ) == [("emergency_admissions_last_90d", 5200.0)]
