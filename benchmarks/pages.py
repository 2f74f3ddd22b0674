"""The query functions each dashboard page calls, in the order and with the defaults it uses.

Each ``PAGES`` entry replays what ``pages/<file>.py`` asks the query layer for when it is
opened for a place (widgets at their defaults: the first measure, the first setting, the
first area level below the place, the sidebar's default comparator and breakdown), and
names the query functions it calls (``calls``). The smoke test
(tests/unit/test_benchmarks_smoke.py) reads each page's source and fails if the page calls
a query function that its entry does not name, so the benchmark follows the pages.
``ui.missing.require`` asks ``sources.available``; ``SIDEBAR`` is what the entry script's
place picker asks on every page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from peolc.breakdowns import BreakdownKey
from peolc.levels import ENGLAND, LEVEL_KEYS, Comparator, LevelKey
from peolc.measures import MEASURES, MeasureKey
from queries import (
    deaths,
    deaths_by_setting,
    demographics,
    equity,
    maps,
    methods,
    overview,
    places,
    registers,
    runner,
    sources,
    spine,
    warehouse_info,
)
from queries.equity_gap import gap_sentence
from queries.places import Place

COMPARE = Comparator.ENGLAND  # the sidebar's default comparator
BREAKDOWN = BreakdownKey.IMD_QUINTILE  # the sidebar's default breakdown
MEASURE = MEASURES[0].key  # the first measure of every measure picker


@dataclass(frozen=True)
class PageQueries:
    title: str
    file: str  # pages/<file>
    run: Callable[[Place, int], None]
    calls: frozenset[str]  # "module.function" of queries/ that the page calls


def _require(*needed: str) -> bool:
    """ui.missing.require: every source loaded?"""
    have = sources.available()
    return all(have.get(s, 0) for s in needed)


def _require_death_figures() -> bool:
    """ui.missing.require_death_figures: record-level deaths or published figures?"""
    have = sources.available()
    return any(have.get(s, 0) for s in sources.DEATH_FIGURES)


def sidebar(place: Place) -> None:
    """ui.selection.sidebar: years, the levels that have areas, the chosen level's areas, and
    whether the place has been replaced since."""
    places.years()
    for level in LEVEL_KEYS:
        if level != LevelKey.ENGLAND:
            places.areas(level)
    if not place.is_england:
        places.areas(place.level)
    places.replaced_note(place)


def overview_page(place: Place, year: int) -> None:
    headline = overview.headline(place, year)
    warehouse_info.is_synthetic()
    if headline.year is None:
        return
    year = headline.year
    if _require_death_figures() and _require("boundaries"):
        deaths.values(place, year)
        levels = [lv for lv in maps.MAP_LEVELS if not maps.boundaries(lv).is_empty()]
        default = maps.map_level(place.level)
        level = default if default in levels else levels[0]
        maps.boundaries(level)
        deaths.level_values(level, year).filter(pl.col("measure") == MEASURE)
    if not place.is_england and _require_death_figures():
        spine.spine(place, year)


def demographics_page(place: Place, year: int) -> None:
    demographics.place_bases(place)
    pyramid = demographics.pyramid(place, year)
    own = pyramid.filter(pl.col("area") == "place")
    demographics.basis_of(own)
    demographics.estimated_bases(place)
    if own.is_empty():
        demographics.bases()
    else:
        demographics.older_shares(place)
    imd = demographics.imd_profile(place, year)
    if not imd.is_empty():
        _require("imd")
    if _require("deaths"):
        demographics.deaths_by_age(place, "broad")
        if not place.is_england:
            demographics.deaths_by_age(ENGLAND, "broad")


def deaths_by_setting_page(place: Place, year: int) -> None:
    if not _require_death_figures():
        return
    warehouse_info.is_synthetic()
    shares = deaths_by_setting.shares(place, year, COMPARE)
    if shares["value"].is_null().all():
        return
    setting = deaths_by_setting.SHARE_KEYS[0]
    deaths_by_setting.definition(MeasureKey.USUAL_RESIDENCE)
    deaths_by_setting.trends(place, COMPARE)
    deaths_by_setting.peer_shares(place, year, COMPARE, setting)
    deaths_by_setting.by_cause(place, year)
    deaths_by_setting.map_of(place, year, COMPARE, setting)


def register_coverage_page(place: Place, year: int) -> None:
    if not registers.has_registers(place):
        pass
    elif _require("qof"):
        registers.summary(place, year, COMPARE)
        child = registers.CHILD_LEVELS[place.level][0]
        rows = registers.by_area(place, child, year, COMPARE)
        practices = (
            rows
            if child == LevelKey.PRACTICE
            else registers.by_area(place, LevelKey.PRACTICE, year, COMPARE)
        )
        centre = practices["benchmark_value"][0] if practices.height else None
        if centre is not None:
            registers.funnel(practices, float(centre))
    identified = registers.identification(place, year, COMPARE)
    _require("deaths")
    if not identified.is_empty():
        registers.identification_by_cause(place, year, COMPARE)
        registers.timing(place, year)


def equity_audit_page(place: Place, year: int) -> None:
    if not _require_death_figures():
        return
    warehouse_info.is_synthetic()
    split = equity.split(place, year, BREAKDOWN)
    rows = split.filter(pl.col("measure") == MEASURE)
    if rows.is_empty():  # the page names the splits that have figures
        for other in equity.DIMENSIONS:
            equity.split(place, year, other)
        return
    index = deaths.inequality(rows, MEASURE, BREAKDOWN)
    gap_sentence(rows, MEASURE, BREAKDOWN, place.name, index)
    equity.table(rows)
    runner.meta()


def data_methods_page(place: Place, year: int) -> None:
    warehouse_info.is_synthetic()
    runner.meta()
    methods.load_log()
    methods.rejects()
    methods.measure_definitions()
    methods.cause_groups()
    methods.tables()


def equity_sii(place: Place, year: int) -> None:
    """The equity breakdown by IMD quintile with its slope index of inequality."""
    rows = equity.groups(place, year, MEASURE, BREAKDOWN)
    deaths.inequality(rows, MEASURE, BREAKDOWN)


PAGES: tuple[PageQueries, ...] = (
    PageQueries(
        "Overview",
        "overview.py",
        overview_page,
        frozenset(
            {
                "overview.headline",
                "warehouse_info.is_synthetic",
                "sources.available",
                "maps.boundaries",
                "maps.map_level",
                "deaths.level_values",
                "deaths.values",
                "spine.spine",
            }
        ),
    ),
    PageQueries(
        "Demographics",
        "demographics.py",
        demographics_page,
        frozenset(
            {
                "demographics.place_bases",
                "demographics.estimated_bases",
                "demographics.pyramid",
                "demographics.basis_of",
                "demographics.bases",
                "demographics.older_shares",
                "demographics.imd_profile",
                "sources.available",
                "sources.missing_message",
                "demographics.deaths_by_age",
            }
        ),
    ),
    PageQueries(
        "Deaths by setting",
        "deaths_by_setting.py",
        deaths_by_setting_page,
        frozenset(
            {
                "sources.available",
                "warehouse_info.is_synthetic",
                "deaths_by_setting.shares",
                "deaths_by_setting.definition",
                "deaths_by_setting.trends",
                "deaths_by_setting.peer_shares",
                "deaths_by_setting.by_cause",
                "deaths_by_setting.map_of",
            }
        ),
    ),
    PageQueries(
        "Register coverage",
        "register_coverage.py",
        register_coverage_page,
        frozenset(
            {
                "registers.has_registers",
                "sources.available",
                "registers.summary",
                "registers.by_area",
                "registers.funnel",
                "registers.identification",
                "registers.identification_by_cause",
                "registers.timing",
            }
        ),
    ),
    PageQueries(
        "Equity audit",
        "equity_audit.py",
        equity_audit_page,
        frozenset(
            {
                "sources.available",
                "warehouse_info.is_synthetic",
                "equity.split",
                "deaths.inequality",
                "equity_gap.gap_sentence",
                "equity.table",
                "runner.meta",
            }
        ),
    ),
    PageQueries(
        "Data & methods",
        "data_methods.py",
        data_methods_page,
        frozenset(
            {
                "warehouse_info.is_synthetic",
                "runner.meta",
                "methods.load_log",
                "methods.rejects",
                "methods.measure_definitions",
                "methods.cause_groups",
                "methods.tables",
            }
        ),
    ),
)
SIDEBAR_CALLS = frozenset({"places.years", "places.areas", "places.replaced_note"})
