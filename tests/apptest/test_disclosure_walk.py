"""Disclosure control walk: every page and every download, for small places at each level.

For the smallest places (by deaths) of each level in the demo warehouse, the dashboard is
opened from a link and every page is visited, with the page's own pickers and the
sidebar's breakdown and comparator turned; every table, metric, sentence, count chart and
every file a download button would hand over (CSV, Excel, both equity reports, the
standardised data set's workbook and zips, captured from Streamlit's media manager as the
browser would fetch them) is scanned: no count of
people may be 1-7 or unrounded (``disclosure_scan`` says which columns are counts).

Then, from the same query functions the pages call, every count published for the place
is collected with its true value and every sum between counts (settings of a group add up
to its deaths, groups of a split add up to the place, five-year age bands to their broad
band, timing bands to the 'All causes' row...) is checked: no hidden count may be worked
out from a shown total (``disclosure_cells``).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from peolc.measures import SETTING_KEYS
from queries import places
from queries.places import Place
from tests.apptest.disclosure_cells import published
from tests.apptest.disclosure_scan import (
    COUNT_PHRASES,
    NOT_COUNTS,
    Scan,
    classify,
    metric_is_count,
)
from tests.apptest.helpers import ENTRY, TIMEOUT, Captured
from tests.smallest_place import smallest

PAGES: dict[str, list[tuple[str, str, object]]] = {
    # page -> widget changes after the first run (kind, key, value); each is scanned
    "pages/demographics.py": [("radio", "demo_banding", "five_year")],
    "pages/deaths_by_setting.py": [
        ("selectbox", "setting_choice", "hospice"),
        ("selectbox", "compare", "parent"),
    ],
    "pages/register_coverage.py": [],  # every "Show" level, below
    "pages/equity_audit.py": [  # the report holds every measure by every split
        ("selectbox", "breakdown", "sex"),
        ("selectbox", "breakdown", "cause_group"),
        ("selectbox", "equity_measure", "need_identified"),
    ],
    "pages/data_methods.py": [],
}
WALK_LEVELS = ("practice", "pcn", "sub_icb", "icb", "lad", "cty_ua")


def _scan_run(app: AppTest, scan: Scan, captured: Captured, where: str) -> None:
    scan.app(app, where)
    for name, data in captured.take():
        scan.file(name, data, where)


def _change(app: AppTest, kind: str, key: str, value: object) -> AppTest:
    widget = app.radio(key=key) if kind == "radio" else app.selectbox(key=key)
    return widget.set_value(value).run()


def walk(place: Place, captured: Captured) -> Scan:
    """Open a link to ``place``, visit every page and variant, scan screens and files."""
    scan = Scan()
    app = AppTest.from_file(ENTRY, default_timeout=TIMEOUT)
    app.query_params["level"] = place.level
    app.query_params["place"] = place.code
    app.run()
    assert app.title[0].value == place.name, "the link did not open the place"
    _scan_run(app, scan, captured, "Overview")
    for page, changes in PAGES.items():
        app.switch_page(page).run()
        _scan_run(app, scan, captured, page)
        for kind, key, value in changes:
            _change(app, kind, key, value)
            _scan_run(app, scan, captured, f"{page} {key}={value}")
        if "register_child_level" in [box.key for box in app.selectbox]:
            show = app.selectbox(key="register_child_level")
            for child in show.options[1:]:
                show.set_value(child).run()
                _scan_run(app, scan, captured, f"{page} show={child}")
                show = app.selectbox(key="register_child_level")
        for key, value in (("breakdown", "imd_quintile"), ("compare", "england")):
            app.selectbox(key=key).set_value(value)
    return scan


@pytest.fixture(scope="module")
def walk_places(demo_db: Path) -> dict[str, Place]:
    return {level: smallest(demo_db, level, at_least=8) for level in WALK_LEVELS}


@pytest.mark.parametrize("level", WALK_LEVELS)
def test_no_page_or_download_shows_a_disclosive_count(
    use_demo: Path, walk_places: dict[str, Place], downloads: Captured, level: str
) -> None:
    place = walk_places[level]
    scan = walk(place, downloads)
    assert not scan.unknown, "classify these in disclosure_scan:\n" + "\n".join(
        sorted(scan.unknown)
    )
    assert not scan.leaks, f"{place}:\n" + "\n".join(scan.leaks[:40])
    # the walk really read things: counts, every count phrase, the count chart, reports
    assert scan.counts_read > 500, scan.counts_read
    assert scan.count_charts > 0
    assert "deaths by age caption" in scan.phrases_seen
    if level == "icb":  # big enough for every sentence with counts to appear
        assert set(COUNT_PHRASES) <= scan.phrases_seen
    assert any(f.endswith(".html") and "equity-audit" in f for f in scan.files)
    assert any(f.endswith(".json") and "peolc-dataset" in f for f in scan.files)  # unzipped
    assert sum(f.endswith(".csv") for f in scan.files) >= 20


# --- which counts are counts: the mapping is explicit, and tested -------------------------


@pytest.mark.parametrize(
    ("column", "kind"),
    [
        ("Numerator", "count"),
        ("denominator_shown", "count"),
        ("Deaths with need 2023", "count"),
        ("On register", NOT_COUNTS["On register"]),  # QOF: open, shown as published
        ("note", "text"),
        ("display", "row kind"),
        ("%", NOT_COUNTS["%"]),
        ("Lower 95% CI", NOT_COUNTS["Lower 95% CI"]),
        ("List size", NOT_COUNTS["List size"]),
        ("population", NOT_COUNTS["population"]),
        ("rows_read", NOT_COUNTS["rows_read"]),
        ("Compared with NHS Kent and Medway", "a benchmark label"),
    ],
)
def test_columns_are_classified(column: str, kind: str) -> None:
    assert classify(column) == kind


def test_an_unknown_column_or_metric_is_not_silently_skipped() -> None:
    with pytest.raises(KeyError):
        classify("Deaths per practice")
    with pytest.raises(KeyError):
        metric_is_count("Hospice beds")
    assert metric_is_count("Deaths with palliative need, 2023")
    assert not metric_is_count("On the register, 2023-24")  # QOF: open, as published
    assert not metric_is_count("Prevalence (% of list)")


def test_the_scan_finds_what_it_should() -> None:
    scan = Scan()
    scan.frame(
        pl.DataFrame(
            {
                "area": ["Somewhere", "England"],
                "Deaths": ["3", "3"],  # England's own figures are published in full
                "%": [3.0, 12.0],
                "note": ["(12 of 125; 95% CI 5.1-9.9)", ""],
            }
        ),
        "test",
    )
    scan.text("Share of the 1,234 deaths registered", "test")
    scan.text("4 people died at home", "test")
    assert scan.leaks == [
        "test [Deaths]: '3'",
        "test [note] (tile note): '12'",
        "test (deaths by age caption): '1,234'",
        "test ('4 people'): '4'",
    ]
    assert set(COUNT_PHRASES) >= {"tile note", "deaths by age caption"}


# --- nothing hidden can be worked out from a total -----------------------------------------


@pytest.fixture(scope="module")
def cell_places(demo_db: Path) -> list[Place]:
    levels = ("practice", "pcn", "sub_icb", "icb", "lad", "cty_ua", "nhs_region", "region")
    chosen = [smallest(demo_db, level) for level in levels]
    chosen += [smallest(demo_db, level, nth=1) for level in ("practice", "lad", "pcn")]
    chosen += [smallest(demo_db, level, at_least=8) for level in ("practice", "lad")]
    return chosen


def test_no_hidden_count_can_be_worked_out_from_a_total(
    use_demo: Path, raw_demo_db: Path, cell_places: list[Place]
) -> None:
    year = places.latest_year()
    assert year is not None
    found: dict[str, list[str]] = {}
    for place in cell_places:
        book = published(place, year, raw_demo_db)
        assert len(book.sums) > 100 and book.hidden(), place  # the check had work to do
        if problems := book.problems():
            found[f"{place.level} {place.code}"] = problems
    assert not found, "\n".join(f"{k}: {v[:5]}" for k, v in found.items())


def test_the_cell_check_catches_a_difference_attack(
    use_demo: Path, raw_demo_db: Path, walk_places: dict[str, Place]
) -> None:
    """Show all but one hidden setting and the check must name the one left (it can fail)."""
    year = places.latest_year()
    assert year is not None
    book = published(walk_places["practice"], year, raw_demo_db)
    assert not book.problems()
    settings = [("deaths", year, "all", "all", s) for s in SETTING_KEYS]
    hidden = [c for c in settings if book.cells[c].hidden and book.cells[c].raw > 0]
    assert len(hidden) >= 2, "the smallest practice hides some of its settings"
    for cell in hidden[1:]:
        book.cells[cell].shown = book.cells[cell].raw  # a careless page shows them
    problems = book.problems()
    assert any(str(hidden[0]) in p for p in problems), problems
