"""Register coverage queries on the demo warehouse: prevalence from QOF, expected need,
funnel flags, identification and timing, all safe to show below England."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pytest

from peolc.vocabulary import NEED_SHARE_OF_LIST
from queries import deaths, places, registers
from queries.places import Place
from tests.disclosive import is_disclosive

YEAR = 2023
NHS_LEVELS = ("nhs_region", "icb", "sub_icb", "pcn", "practice")
COUNTS = ["deaths", "with_need", "need_identified"]  # restricted (registers are open)


def first(level: str, db: Path) -> Place:
    if level == "england":
        return places.ENGLAND
    row = places.areas(level, db).row(0, named=True)
    return Place(row["area_code"], level, row["area_name"])


def disclosive(frame: pl.DataFrame, columns: list[str]) -> list[object]:
    return [v for c in columns for v in frame[c].to_list() if is_disclosive(v)]


def test_england_prevalence_is_register_over_list(demo_db: Path) -> None:
    with duckdb.connect(str(demo_db), read_only=True) as con:
        register, size = con.sql(
            "select sum(register), sum(list_size) from fact_qof "
            "where group_code = 'PC' and year = $year",
            params={"year": YEAR},
        ).fetchall()[0]
    own = registers.summary(places.ENGLAND, YEAR, "england", demo_db).row(0, named=True)
    assert own["register"] == register and own["list_size"] == size
    assert own["value"] == pytest.approx(100 * register / size)
    assert own["expected_list"] == round(size * NEED_SHARE_OF_LIST)
    assert registers.prevalence(places.ENGLAND, YEAR, demo_db) == pytest.approx(
        100 * register / size
    )


def test_qof_year_falls_back_to_the_earliest(demo_db: Path) -> None:
    own = registers.summary(places.ENGLAND, 1999, "england", demo_db)
    assert own["qof_year"][0] == 2019


@pytest.mark.parametrize("level", NHS_LEVELS)
def test_areas_are_safe_and_add_up(demo_db: Path, level: str) -> None:
    place = first(level, demo_db)
    for child in registers.CHILD_LEVELS[level]:
        rows = registers.by_area(place, child, YEAR, "parent", demo_db)
        assert not rows.is_empty()
        assert disclosive(rows, [*COUNTS, "with_need_shown"]) == []
        # QOF registers are open data: shown exactly as published, however small
        assert rows["register_shown"].to_list() == [f"{r:,}" for r in rows["register"]]
        parent = registers.table_parent(place, demo_db)
        own = registers.summary(parent, YEAR, "england", demo_db)
        assert rows["list_size"].sum() == own["list_size"][0]
        assert rows["register"].sum() == own["register"][0]
        assert rows["comparator"][0] == parent.name
        assert rows["benchmark_value"][0] == pytest.approx(own["value"][0])


def test_a_practice_table_lists_its_pcn(demo_db: Path) -> None:
    practice = first("practice", demo_db)
    rows = registers.by_area(practice, "practice", YEAR, "england", demo_db)
    assert practice.code in rows["area_code"].to_list()
    pcn = registers.table_parent(practice, demo_db)
    assert pcn.level == "pcn"
    assert rows.height == registers.by_area(pcn, "practice", YEAR, "england", demo_db).height


def test_deaths_with_need_match_the_death_measures(demo_db: Path) -> None:
    place = first("icb", demo_db)
    own = registers.summary(place, YEAR, "england", demo_db).row(0, named=True)
    measures = deaths.values(place, YEAR, "all", demo_db)
    with_need = measures.filter(pl.col("measure") == "need_identified")["denominator"][0]
    assert own["with_need"] == with_need
    assert own["register_vs_need"] == pytest.approx(100 * own["register"] / own["with_need"])


def test_local_authorities_have_no_registers(demo_db: Path) -> None:
    for level in ("region", "cty_ua", "lad"):
        assert not registers.has_registers(first(level, demo_db))
    assert registers.comparator(first("lad", demo_db), "parent", demo_db) == places.ENGLAND


def test_funnel_flags_agree_with_the_limits(demo_db: Path) -> None:
    points = registers.by_area(places.ENGLAND, "practice", YEAR, "england", demo_db)
    centre = float(points["benchmark_value"][0])
    flagged, limits = registers.funnel(points, centre)
    assert flagged.height == points.height
    assert np.allclose(limits["baseline"].to_numpy(), centre)
    hidden = flagged.filter(pl.col("register").is_null())
    assert set(hidden["flag"]) <= {"not assessed"}
    shown = flagged.filter(pl.col("register").is_not_null())
    assert "not assessed" not in set(shown["flag"])
    # a point above the 99.8% line at its own list size is flagged above it
    upper = np.interp(shown["list_size"], limits["denominator"], limits["upper_998"])
    above = shown.filter(pl.Series(shown["value"].to_numpy() > upper + 0.05))
    assert set(above["flag"]) <= {"above_998"}


def test_identification_is_the_death_measure(demo_db: Path) -> None:
    place = first("sub_icb", demo_db)
    rate = registers.identification(place, YEAR, "parent", demo_db).row(0, named=True)
    summary = deaths.summary(place, YEAR, "parent", demo_db)
    expected = summary.filter(pl.col("measure") == "need_identified").row(0, named=True)
    assert rate["value"] == expected["value"] and rate["benchmark"] == expected["benchmark"]
    assert rate["comparison"].endswith(expected["comparator"])


@pytest.mark.parametrize("level", ["england", "icb", "pcn", "practice", "lad"])
def test_identification_by_cause_is_safe(demo_db: Path, level: str) -> None:
    causes = registers.identification_by_cause(first(level, demo_db), YEAR, "england", demo_db)
    assert "sudden_other" not in causes["cause_group"].to_list()
    if level != "england":
        assert disclosive(causes, ["numerator", "denominator", "numerator_shown"]) == []
    shown = causes.filter(pl.col("value").is_not_null())
    assert ((shown["lower"] <= shown["value"]) & (shown["value"] <= shown["upper"])).all()


@pytest.mark.parametrize("level", ["icb", "pcn", "practice", "lad"])
def test_timing_is_safe_and_consistent(demo_db: Path, level: str) -> None:
    bands, summary = registers.timing(first(level, demo_db), YEAR, demo_db)
    assert disclosive(bands, ["people", "dated", "people_shown", "dated_shown"]) == []
    assert disclosive(summary, ["dated", "dated_shown"]) == []
    hidden = summary.filter(pl.col("dated").is_null())
    assert hidden["median_days"].null_count() == hidden.height
    for (group,), part in bands.group_by("cause_group"):
        shown = part["value"].drop_nulls()
        assert float(shown.sum()) <= 100 + 1e-9, group


def test_timing_in_england_counts_everyone(demo_db: Path) -> None:
    bands, summary = registers.timing(places.ENGLAND, YEAR, demo_db)
    everyone = summary.filter(pl.col("cause_group") == "all")
    in_bands = bands.filter(pl.col("cause_group") == "all")["people"].sum()
    assert everyone["dated"][0] == in_bands


def test_open_data_has_registers_but_no_identification(real_db: Path) -> None:
    icb = first("icb", real_db)
    own = registers.summary(icb, 2022, "england", real_db).row(0, named=True)
    assert own["register"] is not None and own["with_need"] is None
    assert own["register_vs_need"] is None and own["register_vs_list"] is not None
    assert registers.identification(icb, 2022, "england", real_db).is_empty()
