"""Demographics queries on the demo warehouse: shares add up, England is the reference,
deaths by age are complete and safe to show."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from peolc.vocabulary import AGE_BANDS_5Y
from queries import demographics, places
from queries.places import Place
from tests.disclosive import is_disclosive

LEVELS = ("england", "nhs_region", "icb", "sub_icb", "pcn", "practice", "region", "cty_ua", "lad")


def first(level: str, db: Path) -> Place:
    if level == "england":
        return places.ENGLAND
    row = places.areas(level, db).row(0, named=True)
    return Place(row["area_code"], level, row["area_name"])


def safe(frame: pl.DataFrame, columns: list[str]) -> list[object]:
    """Every shown count that breaks the disclosure rule."""
    return [v for c in columns for v in frame[c].to_list() if is_disclosive(v)]


@pytest.mark.parametrize("level", LEVELS)
def test_pyramid_shares_sum_to_100_per_place(demo_db: Path, level: str) -> None:
    place = first(level, demo_db)
    pyramid = demographics.pyramid(place, 2023, demo_db)
    totals = pyramid.group_by("area").agg(pl.col("percent").sum(), pl.len())
    expected_areas = {"place"} if place.is_england else {"place", "England"}
    assert set(totals["area"]) == expected_areas
    assert all(abs(t - 100) < 1e-9 for t in totals["percent"])
    assert all(n == 2 * len(AGE_BANDS_5Y) for n in totals["len"])
    basis = pyramid.filter(pl.col("area") == "place")["basis"][0]
    assert basis == ("practice" if level in ("pcn", "practice") else "lsoa")


def test_older_shares_match_the_population(demo_db: Path) -> None:
    place = first("icb", demo_db)
    shares = demographics.older_shares(place, demo_db)
    population = demographics.population(place, demo_db).filter(pl.col("year") == 2023)
    old = int(population.filter(pl.col("age_band").is_in(["85-89", "90+"]))["population"].sum())
    got = shares.filter(
        (pl.col("area") == "place") & (pl.col("group") == "85+") & (pl.col("year") == 2023)
    )
    assert got["percent"][0] == pytest.approx(100 * old / int(population["population"].sum()))
    by_year = shares.pivot("group", index=["area", "year"], values="percent")
    assert (by_year["85+"] < by_year["65+"]).all()


def test_population_year_falls_back_to_the_first(demo_db: Path) -> None:
    frame = demographics.population(places.ENGLAND, demo_db)
    assert demographics.population_year(frame, 2021) == 2021
    assert demographics.population_year(frame, 1990) == 2019
    assert demographics.population_year(frame, 2099) == 2023


def test_imd_profile_covers_the_population(demo_db: Path) -> None:
    place = first("icb", demo_db)
    imd = demographics.imd_profile(place, 2023, demo_db)
    assert imd["percent"].sum() == pytest.approx(100)
    assert imd["england_percent"].sum() == pytest.approx(100, abs=0.5)
    total = demographics.population(place, demo_db).filter(pl.col("year") == 2023)
    assert imd["population"].sum() == total["population"].sum()


def test_imd_profile_is_empty_without_small_area_populations(real_db: Path) -> None:
    lad = first("lad", real_db)
    assert demographics.imd_profile(lad, 2022, real_db).is_empty()
    assert not demographics.pyramid(lad, 2022, real_db).is_empty()
    icb = demographics.pyramid(first("icb", real_db), 2022, real_db)  # sub-ICB residents
    assert set(icb.filter(pl.col("area") == "place")["basis"]) == {"sub_icb"}
    assert demographics.imd_profile(first("icb", real_db), 2022, real_db).is_empty()


def test_an_icb_has_residents_and_registered_patients(real_db: Path) -> None:
    """ONS residents of its sub-ICB locations first, its GP lists offered beside them."""
    icb = first("icb", real_db)
    assert demographics.place_bases(icb, real_db) == ("sub_icb", "practice")
    residents = demographics.pyramid(icb, None, real_db)
    assert set(residents["basis"]) == {"sub_icb"} and set(residents["year"]) == {2022}
    england = residents.filter(pl.col("area") == "England")
    # England on the same basis: the 106 sub-ICB locations of the SAPE workbook, mid-2022
    assert england["population"].sum() == 57_106_398
    listed = demographics.pyramid(icb, None, real_db, basis="practice")
    assert set(listed["basis"]) == {"practice"} and set(listed["year"]) == {2026}
    assert (
        listed.filter(pl.col("area") == "place")["population"].sum()
        != residents.filter(pl.col("area") == "place")["population"].sum()
    )
    assert demographics.population(icb, real_db, basis="lsoa").is_empty()  # none loaded


def test_england_deaths_by_age_are_exact(demo_db: Path) -> None:
    frame = demographics.deaths_by_age(places.ENGLAND, "broad", demo_db)
    with duckdb.connect(str(demo_db), read_only=True) as con:
        counts = dict(con.sql("select year, count(*) from fact_death group by year").fetchall())
    totals = frame.group_by("year").agg(pl.col("deaths").sum(), pl.col("total").first())
    for year, deaths, total in totals.iter_rows():
        assert deaths == total == counts[year]


@pytest.mark.parametrize("level", [lv for lv in LEVELS if lv != "england"])
@pytest.mark.parametrize("banding", ["broad", "five_year"])
def test_deaths_by_age_are_complete_and_safe(demo_db: Path, level: str, banding: str) -> None:
    frame = demographics.deaths_by_age(first(level, demo_db), banding, demo_db)
    bands = demographics.BANDINGS[banding]
    assert frame.height == frame["year"].n_unique() * len(bands)
    assert safe(frame, ["deaths", "total", "deaths_shown", "total_shown"]) == []
    shown = frame.filter(pl.col("deaths").is_not_null() & pl.col("total").is_not_null())
    error = (shown["value"] - shown["deaths"] / shown["total"] * 100).abs().max()
    assert error is None or float(error) < 1e-9  # type: ignore[arg-type]


@pytest.mark.parametrize("level", ["icb", "practice"])
def test_registered_lists_are_compared_with_englands_registered_patients(
    real_db: Path, level: str
) -> None:
    """England's residents of 2022 are not the yardstick for a 2026 GP list."""
    pyramid = demographics.pyramid(first(level, real_db), None, real_db, basis="practice")
    england = pyramid.filter(pl.col("area") == "England")
    place = pyramid.filter(pl.col("area") == "place")
    assert set(england["basis"]) == set(place["basis"]) == {"practice"}
    assert set(england["year"]) == set(place["year"])
    with duckdb.connect(str(real_db), read_only=True) as con:
        (listed,) = con.execute(
            "select sum(population) from fact_population where base_kind = 'practice' and year = ?",
            [int(england["year"][0])],
        ).fetchone()  # type: ignore[misc]
    assert england["population"].sum() == listed  # every practice, placed or not
    older = demographics.older_shares(first(level, real_db), real_db, basis="practice")
    assert set(older.filter(pl.col("area") == "England")["basis"]) == {"practice"}


def test_residents_stay_compared_with_englands_residents(real_db: Path) -> None:
    pyramid = demographics.pyramid(first("lad", real_db), None, real_db)
    assert set(pyramid["basis"]) == {"lad"}
