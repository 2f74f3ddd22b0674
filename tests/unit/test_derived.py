"""The sums etl/derived.py keeps give exactly what counting the facts gives.

Pages read ``derived.*`` instead of scanning every death and population row. These
tests count the same figures the slow way, through the attribution macros every page
used before (area_deaths(), area_population(), death_facts in etl/sql/macros.sql), for
places of every level in the demo and open-data warehouses, and require equality: same
groups, same counts. They also check that the store's record-level rows, built from
those sums and protected all at once, are what counting one place's deaths and
protecting them gives.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import polars as pl
import pytest

from peolc.breakdowns import RECORD_LEVEL_BREAKDOWNS
from queries import deaths, runner, store
from queries.places import Place
from queries.stats import death_cells

KEYS = ["group_value", "measure"]
KEYS_AND_COUNTS = [*KEYS, "numerator", "denominator", "value", "lower", "upper_998"]
COUNTS = (
    "deaths, home, care_home, hospital, hospice, elsewhere, usual_residence, on_register, "
    "with_need, need_identified, advance_care_plan, epaccs, admitted_90d, admitted_3plus_90d"
)
FLAGS = "count(*), " + ", ".join(
    f"sum(n_{c.strip()})" for c in COUNTS.split(",")[1:]
)  # n_home, ... in COUNTS order


@pytest.fixture(scope="module")
def demo(demo_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(demo_db), read_only=True) as con:
        yield con


@pytest.fixture(scope="module")
def real(real_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(real_db), read_only=True) as con:
        yield con


def places(con: duckdb.DuckDBPyConnection, per_level: int = 3) -> list[tuple[str, str]]:
    """The first, middle and last area (by code) of every level."""
    chosen: list[tuple[str, str]] = []
    for (level,) in con.sql("select distinct level from dim_area order by level").fetchall():
        codes = [
            c
            for (c,) in con.execute(
                "select area_code from dim_area where level = ? order by area_code", [level]
            ).fetchall()
        ]
        picks = {codes[0], codes[len(codes) // 2], codes[-1]} if per_level >= 3 else {codes[0]}
        chosen += [(level, code) for code in sorted(picks)]
    return chosen


def rows(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[object]
) -> list[tuple[object, ...]]:
    return sorted(con.execute(sql, params).fetchall(), key=repr)


def test_death_sums_equal_counting_every_death(demo: duckdb.DuckDBPyConnection) -> None:
    chosen = places(demo)
    assert {level for level, _ in chosen} >= {"england", "icb", "sub_icb", "pcn", "practice"}
    compared = 0
    for level, code in chosen:
        kept = rows(
            demo,
            f"select year, {COUNTS} from derived.death_area where level = ? and area_code = ?",
            [level, code],
        )
        counted = rows(
            demo,
            f"select year, {FLAGS} from area_deaths(?, ?) group by year",
            [code, level],
        )
        assert kept == counted, (level, code)
        compared += len(kept)
    assert compared > 50  # the places have deaths: the comparison is not of empty sets


def test_deprivation_sums_equal_counting_every_death(demo: duckdb.DuckDBPyConnection) -> None:
    for level, code in places(demo):
        if level in ("pcn", "practice"):
            continue  # counted by registered practice: no residence, no deprivation sums
        kept = rows(
            demo,
            f"select year, imd_decile, imd_quintile, {COUNTS} from derived.death_area_imd "
            "where level = ? and area_code = ?",
            [level, code],
        )
        counted = rows(
            demo,
            f"select year, imd_decile, imd_quintile, {FLAGS} from area_deaths(?, ?) "
            "group by year, imd_decile, imd_quintile",
            [code, level],
        )
        assert kept == counted, (level, code)


@pytest.mark.parametrize("dimension", ["sex", "ethnic_group", "cause_group", "place_of_death"])
def test_england_splits_equal_counting_every_death(
    demo: duckdb.DuckDBPyConnection, dimension: str
) -> None:
    kept = rows(
        demo,
        f"select year, group_value, {COUNTS} from derived.death_england where dimension = ?",
        [dimension],
    )
    counted = rows(
        demo,
        f"select year, cast({dimension} as varchar), {FLAGS} from death_facts group by all",
        [],
    )
    assert kept == counted
    assert len(kept) >= 10


def test_population_sums_equal_area_population(
    demo: duckdb.DuckDBPyConnection, real: duckdb.DuckDBPyConnection
) -> None:
    compared = 0
    for con in (demo, real):
        for level, code in places(con):
            kept = rows(
                con,
                "select year, basis, sex, age_band, population from derived.population_area "
                "where level = ? and area_code = ?",
                [level, code],
            )
            counted = rows(
                con,
                # each area's sum rounded once: residents apportioned from a split
                # sub-ICB location count in shares (area_base.share)
                "select year, basis, sex, age_band, cast(round(sum(population)) as bigint) "
                "from area_population(?, ?) group by all",
                [code, level],
            )
            assert kept == counted, (level, code)
            kept_imd = rows(
                con,
                "select year, imd_decile, population from derived.population_area_imd "
                "where level = ? and area_code = ?",
                [level, code],
            )
            counted_imd = rows(
                con,
                "select p.year, i.imd_decile, sum(p.population) from area_population(?, ?) as p "
                "left join lsoa_imd as i on i.lsoa_code = p.base_code "
                "where p.basis = 'lsoa' group by all",
                [code, level],
            )
            assert kept_imd == counted_imd, (level, code)
            compared += len(kept)
    assert compared > 1000


def test_source_years_equal_the_facts(
    demo: duckdb.DuckDBPyConnection, real: duckdb.DuckDBPyConnection
) -> None:
    for con in (demo, real):
        kept = rows(con, "select source, year from derived.source_year", [])
        counted = rows(
            con,
            "select distinct 'deaths', year from fact_death "
            "union select distinct 'population', year from fact_population "
            "union select distinct 'qof', year from fact_qof "
            "union select distinct 'indicators', cast(period_sortable // 10000 as smallint) "
            "from fact_indicator where period_sortable is not null",
            [],
        )
        assert kept == counted


@pytest.mark.parametrize("dimension", sorted(RECORD_LEVEL_BREAKDOWNS))
def test_the_store_equals_counting_the_deaths(demo_db: Path, dimension: str) -> None:
    """The store's record-level rows are the deaths counted one place at a time and made
    safe one place at a time: same groups, same rounded counts, same hidden cells."""
    with duckdb.connect(str(demo_db), read_only=True) as con:
        chosen = places(con)
        (year,) = con.execute("select max(year) from fact_death").fetchone() or (None,)
    compared = 0
    for level, code in chosen:
        if level == "lsoa" or deaths.counted_when_asked(level, dimension):
            continue
        args = {"area_code": code, "level": level, "year": year, "dimension": dimension}
        counted = runner.run("death_measures_split", demo_db, **args)
        split = pl.lit(dimension != "all")
        expected = death_cells.protected(
            death_cells.long_counts(counted, ["group_value"]), level, ["group_value"], split=split
        ).select(KEYS_AND_COUNTS)
        kept = (
            store.published(Place(code, level, code), int(year), dimension, demo_db)
            .filter(pl.col("source_kind") == "deaths")
            .select(KEYS_AND_COUNTS)
        )
        assert kept.sort(KEYS).equals(expected.sort(KEYS)), (level, code, dimension)
        compared += expected.height
    assert compared > 100


def test_values_route_every_split_somewhere(demo_db: Path) -> None:
    """deaths.values answers every breakdown for every level (no split falls between)."""
    with duckdb.connect(str(demo_db), read_only=True) as con:
        chosen = places(con, per_level=1)
        (year,) = con.execute("select max(year) from fact_death").fetchone() or (None,)
    for level, code in chosen:
        for dimension in RECORD_LEVEL_BREAKDOWNS:
            frame = deaths.values(Place(code, level, code), int(year), dimension, demo_db)
            assert frame.height > 0, (level, code, dimension)
