"""A merged ICB's published figures from the ICBs it replaced: combined only where they nest.

On the real geography (the July 2026 map): West and North London (E54000071) is North West
London (E54000027) and North Central London (E54000028) whole, so their Fingertips counts
add up to it; Surrey and Sussex (E54000069) also took 11 of Frimley's practices, so
Surrey Heartlands' and Sussex's counts are not combined, and the load says so.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from etl.loading import load_files

HEADER = (
    "Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,Area Type,Sex,"
    "Age,Category Type,Category,Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,"
    "Lower CI 99.8 limit,Upper CI 99.8 limit,Count,Denominator,Value note,Recent Trend,"
    "Compared to England value or percentiles,Compared to Region value or percentiles,"
    "Time period Sortable,New data,Compared to goal\n"
)
NAME = "Place of death - hospital: All ages"


def row(code: str, count: int, denominator: int) -> str:
    value = count / denominator * 100
    return (
        f"93474,{NAME},,,{code},An ICB,ICBs,Persons,All ages,,,2021,{value},,,,,"
        f"{count},{denominator},,,,,20210000,,\n"
    )


@pytest.fixture(scope="module")
def merged_db(real_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("merged")
    db = folder / "merged.duckdb"
    shutil.copyfile(real_db, db)
    extract = folder / "former_icbs.csv"
    extract.write_text(
        HEADER
        + row("E54000027", 4_000, 9_000)  # North West London
        + row("E54000028", 2_000, 5_000)  # North Central London
        + row("E54000063", 1_500, 3_000)  # Surrey Heartlands
        + row("E54000064", 2_500, 5_500),  # Sussex
        encoding="utf-8",
    )
    load_files(db, "fingertips", [extract])
    return db


def hospital(db: Path, code: str) -> tuple[object, ...] | None:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select numerator, denominator, round(value, 4), round(lower_95, 4), computed, "
            "value_note from store.indicator_value where area_code = ? and year = 2021 "
            "and breakdown = 'all' and source = 'fingertips' and measure = ("
            "select measure from ref_measure where list_contains(fingertips_ids, 93474))",
            [code],
        ).fetchone()


def test_predecessors_that_nest_exactly_are_summed(merged_db: Path) -> None:
    found = hospital(merged_db, "E54000071")
    assert found is not None
    numerator, denominator, value, lower, computed, note = found
    assert (numerator, denominator) == (6_000, 14_000)
    assert value == round(6_000 / 14_000 * 100, 4)
    assert lower is not None and float(str(lower)) < float(str(value))  # Wilson, recomputed
    assert "value" in str(computed)
    assert str(note) == (
        "combined from the areas it replaced (E54000027, E54000028), which nest in it exactly"
    )
    # the former ICBs keep their own published rows, as they were
    assert hospital(merged_db, "E54000027")[:2] == (4_000, 9_000)  # type: ignore[index]


def test_predecessors_that_do_not_nest_are_not_combined(merged_db: Path) -> None:
    assert hospital(merged_db, "E54000069") is None
    with duckdb.connect(str(merged_db), read_only=True) as con:
        (notes,) = con.execute(
            "select notes from load_log where file_name = 'former_icbs.csv'"
        ).fetchone()  # type: ignore[misc]
    assert "not combined for 1 merged area whose predecessors do not nest exactly" in notes
    assert "E54000069 (from E54000034, E54000063, E54000064)" in notes
