"""How big each benchmark is: the full run (``make bench``), ``--quick``, and the smoke test."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from peolc.levels import LevelKey

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / "work"
RESULTS = ROOT / "benchmarks" / "results.md"
SEED = 2024


@dataclass(frozen=True)
class Settings:
    name: str
    scale: float  # demo scale: 1.0 = national (about 560,000 deaths a year)
    years: tuple[int, ...]  # demo warehouses built, for growth (the main one is main_years)
    main_years: int  # the warehouse the query and browser benchmarks use
    etl_years: tuple[int, ...]  # record-level deaths files timed against DuckDB and pandas
    etl_rounds: int  # interleaved rounds of peolc / bare DuckDB
    pandas_rounds: int  # of those rounds, how many also run pandas + SQLite (slow)
    fingertips_rows: int  # rows of the GP-practice Fingertips extract (about)
    places_per_level: int  # random places per area level (queries)
    warm_repeats: int  # warm (uncached) runs per place and page
    growth_places: int  # places per level for the 1 / 5 / 10 year comparison
    browser_repeats: int  # warm navigations per page and place in Chromium
    browser_levels: tuple[str, ...]  # a place of each of these levels is opened per page
    growth_browser: bool  # also time pages in Chromium on each growth warehouse
    page_rounds: int  # page speed: rounds of one new session per page and place, each app
    page_sessions: int  # page speed: concurrent sessions against each app in turn
    page_seconds: float  # page speed: how long the concurrent sessions run, each app
    work: Path = WORK

    def at(self, work: Path) -> Settings:
        return replace(self, work=work)


FULL = Settings(
    name="full",
    scale=1.0,
    years=(1, 5, 10),
    main_years=5,
    etl_years=(5, 10),
    etl_rounds=3,
    pandas_rounds=2,
    fingertips_rows=2_000_000,
    places_per_level=20,
    warm_repeats=2,
    growth_places=5,
    browser_repeats=3,
    browser_levels=(LevelKey.ENGLAND, LevelKey.ICB, LevelKey.PRACTICE),
    growth_browser=True,
    page_rounds=5,
    page_sessions=20,
    page_seconds=90.0,
)

QUICK = Settings(
    name="quick",
    scale=0.1,
    years=(1, 2, 4),
    main_years=2,
    etl_years=(2, 4),
    etl_rounds=2,
    pandas_rounds=1,
    fingertips_rows=200_000,
    places_per_level=5,
    warm_repeats=1,
    growth_places=2,
    browser_repeats=1,
    browser_levels=(LevelKey.ICB,),
    growth_browser=False,
    page_rounds=3,
    page_sessions=4,
    page_seconds=15.0,
)

# the smoke test (tests/e2e/test_benchmark_commands.py): every code path, seconds not minutes
TINY = Settings(
    name="tiny",
    scale=0.005,
    years=(1, 2),
    main_years=2,
    etl_years=(1,),
    etl_rounds=1,
    pandas_rounds=1,
    fingertips_rows=2_000,
    places_per_level=1,
    warm_repeats=1,
    growth_places=1,
    browser_repeats=1,
    browser_levels=(LevelKey.ICB,),
    growth_browser=False,
    page_rounds=1,
    page_sessions=2,
    page_seconds=5.0,
)
