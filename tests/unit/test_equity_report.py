"""The equity audit and its report: the query layer's figures, every measure by every split,
self-contained escaped HTML, and no disclosive counts at practice and PCN level."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import fastexcel
import polars as pl
import pytest

from peolc.breakdowns import BREAKDOWN_BY_KEY, BREAKDOWNS, BreakdownKey
from peolc.levels import LEVEL_KEYS
from peolc.measures import MEASURES
from queries import deaths, equity, places
from queries.places import Place
from queries.stats.disclosure import RULE_TEXT
from tests.disclosive import is_disclosive
from ui import equity_report

CONTEXT = equity_report.Context(synthetic=True, built_at="2026-01-01T00:00", tool_version="t")
COUNT_COLUMNS = ("Numerator", "Denominator")


class Tables(HTMLParser):
    """The cell texts of every <table>, and every tag and attribute seen."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str | None]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.extend(attrs)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def parse(report: bytes) -> Tables:
    parser = Tables()
    parser.feed(report.decode("utf-8"))
    return parser


def first(level: str, db: Path) -> Place:
    row = places.areas(level, db).row(0, named=True)
    return Place(row["area_code"], level, row["area_name"])


def largest(level: str, db: Path, year: int) -> Place:
    """The area of ``level`` with the most deaths (every IMD group shown, so SIIs exist)."""
    frame = deaths.level_values(level, year, db).filter(pl.col("measure") == "home")
    row = frame.sort("denominator", descending=True, nulls_last=True).row(0, named=True)
    return Place(row["area_code"], level, row["area_name"])


@pytest.fixture(scope="module")
def year(demo_db: Path) -> int:
    latest = places.latest_year(demo_db)
    assert latest is not None
    return latest


def test_audit_tables_are_the_query_layers_made_safe_figures(demo_db: Path, year: int) -> None:
    place = largest("icb", demo_db, year)
    audit = equity.audit(place, year, demo_db)
    keys = ["measure", "group_value"]
    shown = ["numerator_shown", "denominator_shown", "value", "lower", "upper"]
    for dimension, frame in audit.tables.items():
        expected = deaths.values(place, year, dimension, demo_db)
        got = frame.select(*keys, *shown).sort(keys)
        assert got.equals(expected.select(*keys, *shown).sort(keys)), dimension
    assert audit.gaps.height == len(MEASURES) * len(equity.RECORD_LEVEL_DIMENSIONS)
    imd = audit.gaps.filter(pl.col("dimension") == "imd_quintile", pl.col("measure") == "home")
    index = deaths.inequality(audit.tables["imd_quintile"], "home", "imd_quintile")
    assert index is not None and imd["sii"][0] == pytest.approx(index["sii"])


def test_workbook_holds_every_measure_by_every_split(demo_db: Path, year: int) -> None:
    audit = equity.audit(largest("icb", demo_db, year), year, demo_db)
    book = fastexcel.read_excel(equity_report.workbook(audit, CONTEXT))
    sheets = {name: book.load_sheet_by_name(name).to_polars() for name in book.sheet_names}
    assert list(sheets) == ["Summary", *equity.RECORD_LEVEL_DIMENSIONS.values(), "Notes"]
    labels = {m.label for m in MEASURES}
    for name in equity.RECORD_LEVEL_DIMENSIONS.values():
        assert set(sheets[name]["Measure"]) == labels, name
        assert set(sheets[name]["Data status"]) == {equity_report.SYNTHETIC_TEXT}
    pairs = set(sheets["Summary"].select("Measure", "Split").iter_rows())
    assert pairs == {(m, d) for m in labels for d in equity.RECORD_LEVEL_DIMENSIONS.values()}
    sii = sheets["Summary"].filter(
        pl.col("Split") == equity.RECORD_LEVEL_DIMENSIONS["imd_quintile"]
    )
    assert sii["SII"].null_count() < sii.height  # an ICB has SIIs
    notes = dict(sheets["Notes"].select("Item", "Text").iter_rows())
    assert notes["Data"] == equity_report.SYNTHETIC_TEXT
    assert notes["Disclosure control"] == RULE_TEXT
    assert all(f"Measure: {m.label}" in notes for m in MEASURES)


def test_html_report_is_self_contained_and_holds_every_measure_by_every_split(
    demo_db: Path, year: int
) -> None:
    audit = equity.audit(first("icb", demo_db), year, demo_db)
    page = parse(equity_report.html_report(audit, CONTEXT))
    assert not page.tags & {"script", "link", "img", "iframe", "object", "embed"}
    assert not [a for a in page.attributes if a[0] in ("src", "href")]
    summary, *dimensions, notes = page.tables
    header, *rows = summary
    assert header[:2] == ["Measure", "Split"]
    labels = {m.label for m in MEASURES}
    assert {(r[0], r[1]) for r in rows} == {
        (m, d) for m in labels for d in equity.RECORD_LEVEL_DIMENSIONS.values()
    }
    assert len(dimensions) == len(equity.RECORD_LEVEL_DIMENSIONS)
    for table in dimensions:
        assert {row[0] for row in table[1:]} == labels
    assert equity_report.SYNTHETIC_TEXT in {row[1] for row in notes}


def test_html_report_escapes_what_it_interpolates(demo_db: Path, year: int) -> None:
    real = first("icb", demo_db)
    hostile = Place(real.code, real.level, "<script>alert('x')</script> & <b>Co</b>")
    report = equity_report.html_report(equity.audit(hostile, year, demo_db), CONTEXT).decode()
    assert "<script>" not in report and "<b>" not in report
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;Co&lt;/b&gt;" in report


@pytest.mark.parametrize("level", ["practice", "pcn"])
def test_report_counts_are_never_disclosive(demo_db: Path, year: int, level: str) -> None:
    for row in places.areas(level, demo_db).head(5).iter_rows(named=True):
        place = Place(row["area_code"], level, row["area_name"])
        audit = equity.audit(place, year, demo_db)
        for name, frame in equity_report.sheets(audit, CONTEXT).items():
            for column in COUNT_COLUMNS if name in equity.RECORD_LEVEL_DIMENSIONS.values() else ():
                leaks = [v for v in frame[column].to_list() if is_disclosive(v)]
                assert not leaks, (place.code, name, column, leaks)
        for table in parse(equity_report.html_report(audit, CONTEXT)).tables[1:-1]:
            header, *rows = table
            for column in COUNT_COLUMNS:
                at = header.index(column)
                assert not [r[at] for r in rows if is_disclosive(r[at])], (place.code, column)


@pytest.mark.parametrize("level", LEVEL_KEYS)
def test_download_files_build_at_every_level(use_demo: Path, year: int, level: str) -> None:
    """What the page's report buttons call on click: both files open and are complete."""
    place = places.ENGLAND if level == "england" else first(level, use_demo)
    # the demo's Fingertips extract also splits England by County & UA deprivation decile
    published = [BREAKDOWN_BY_KEY[BreakdownKey.CTY_UA_DECILE_2021].short_label]
    splits = [*equity.RECORD_LEVEL_DIMENSIONS.values(), *(published if level == "england" else [])]
    book = fastexcel.read_excel(equity_report.build(place, year, "xlsx", CONTEXT))
    assert book.sheet_names == ["Summary", *splits, "Notes"]
    summary = book.load_sheet_by_name("Summary").to_polars()
    assert summary.height == len(MEASURES) * len(splits)
    page = parse(equity_report.build(place, year, "html", CONTEXT))
    assert len(page.tables) == len(splits) + 2
    assert len(page.tables[0]) == 1 + len(MEASURES) * len(splits)


def test_every_split_has_a_worksheet_name() -> None:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, each its own."""
    names = [b.short_label for b in BREAKDOWNS]
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names), names
    assert len(set(names)) == len(names)
