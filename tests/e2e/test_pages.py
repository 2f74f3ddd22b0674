"""Every page in Chromium for an ICB and a practice (demo) and an ICB (open data).

Each page is opened from its own address with the place in the link, must show its
title and no error, offers a file that downloads with the right header (and, on the demo
warehouse, a data_status column saying SYNTHETIC on every row), and is saved as a
screenshot in tests/e2e/screenshots/pages-<warehouse>-<level>-<page>.png for people to
look at. On the Equity audit page the sidebar's breakdown changes the table's groups, and
the whole-audit report downloads as an Excel workbook that opens.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import duckdb
import polars as pl
import pytest
from playwright.sync_api import Browser, Download, Page, expect

from tests.e2e.conftest import new_tab, screenshot
from tests.e2e.streamlit_page import choose, no_errors, open_page

PAGES = {  # address -> (title prefix, first CSV's columns that must be there)
    "": ("", {"key", "label", "display", "note"}),
    "demographics": ("Demographics: ", {"area", "sex", "age_band", "percent"}),
    "deaths_by_setting": ("Deaths by setting: ", {"Setting", "Deaths", "All deaths", "%"}),
    "register_coverage": ("Register coverage: ", {"Area", "Code", "On register"}),
    "equity_audit": ("Equity audit: ", {"Measure", "Group", "Numerator", "Denominator"}),
    "data_methods": ("Data & methods", {"load_id", "kind", "file_name", "rows_loaded"}),
}
ICB = ("icb", "E54000050", "NHS North East and North Cumbria Integrated Care Board")
# in the open data's Fingertips End of Life Care extract (hospital deaths, 2018-2021)
CHESHIRE = ("icb", "E54000008", "NHS Cheshire and Merseyside Integrated Care Board")


def typical_practice(db: Path) -> tuple[str, str, str]:
    """The demo practice with the median number of deaths in the latest year."""
    sql = """
        with latest as (select max(year) as year from fact_death),
        counted as (
            select practice_code, count(*) as deaths
            from fact_death, latest where fact_death.year = latest.year
            group by practice_code
        )
        select a.area_code, a.area_name
        from counted join dim_area as a on a.area_code = counted.practice_code
        where a.level = 'practice'
        order by deaths, a.area_code
    """
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.sql(sql).fetchall()
    code, name = rows[len(rows) // 2]
    return ("practice", str(code), str(name))


@pytest.fixture(scope="module")
def tab(browser: Browser) -> Iterator[Page]:
    """One tab for the module (each address is a fresh session; the app stays cached)."""
    with new_tab(browser) as page:
        yield page


def download(page: Page, button: str, nth: int = 0) -> Download:
    """Press a download button as a keyboard user would, and return the file.

    Focus and Enter, not a pointer click: a data grid's scroller or the sticky header can
    sit over a button's coordinates and take a positional click, and a synthetic click
    event is no user gesture, so Chromium blocks the download it starts.
    """
    target = page.get_by_role("button", name=button, exact=True).nth(nth)
    expect(target).to_be_enabled()
    with page.expect_download() as info:
        target.focus()
        page.keyboard.press("Enter")
    return info.value


def read_csv(file: Download) -> list[dict[str, str]]:
    text = Path(file.path()).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def visit(page: Page, base: str, path: str, place: tuple[str, str, str], shot: str) -> None:
    level, code, name = place
    open_page(page, f"{base}/{path}?level={level}&place={code}")
    prefix, _ = PAGES[path]
    title = "Data & methods" if path == "data_methods" else f"{prefix}{name}"
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text(title)
    no_errors(page)
    screenshot(page, shot)


def check_csv(page: Page, path: str, *, synthetic: bool) -> list[dict[str, str]]:
    rows = read_csv(file := download(page, "CSV"))
    _, columns = PAGES[path]
    assert rows, file.suggested_filename
    assert columns <= set(rows[0]), (path, list(rows[0]))
    if synthetic:
        assert file.suggested_filename.startswith("SYNTHETIC-")
        assert all(r["data_status"].startswith("SYNTHETIC") for r in rows), path
    else:
        assert "data_status" not in rows[0] and "SYNTHETIC" not in file.suggested_filename
    return rows


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_for_an_icb_on_demo_data(tab: Page, demo_server: str, path: str) -> None:
    visit(tab, demo_server, path, ICB, f"pages-demo-icb-{path or 'overview'}")
    check_csv(tab, path, synthetic=True)


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_for_a_practice_on_demo_data(
    tab: Page, demo_server: str, demo_db: Path, path: str
) -> None:
    visit(
        tab,
        demo_server,
        path,
        typical_practice(demo_db),
        f"pages-demo-practice-{path or 'overview'}",
    )
    rows = check_csv(tab, path, synthetic=True)
    if path == "register_coverage":  # a practice's table lists the practices of its PCN
        assert len(rows) >= 1


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_for_an_icb_on_open_data(tab: Page, real_server: str, path: str) -> None:
    visit(tab, real_server, path, ICB, f"pages-real-icb-{path or 'overview'}")
    expect(tab.get_by_text("SYNTHETIC")).to_have_count(0)
    if path == "deaths_by_setting":  # no record-level deaths, and no extract covers it
        expect(tab.get_by_text("No death figures are loaded for").first).to_be_visible()
        expect(tab.get_by_role("button", name="CSV")).to_have_count(0)
    elif path == "equity_audit":
        expect(tab.get_by_text("give every split").first).to_be_visible()
        expect(tab.get_by_role("button", name="CSV")).to_have_count(0)
    elif path == "demographics":  # open data: ONS residents of its sub-ICB locations ...
        expect(
            tab.get_by_text("residents (ONS mid-year estimates for sub-ICB locations)").first
        ).to_be_visible()
        check_csv(tab, path, synthetic=False)
        # ... and its GP lists beside them
        tab.get_by_text("Registered patients", exact=True).click()
        expect(tab.get_by_text("registered patients (GP practice lists)").first).to_be_visible()
        screenshot(tab, "pages-real-icb-demographics-registered")
    else:
        check_csv(tab, path, synthetic=False)


def test_equity_breakdown_in_the_sidebar_changes_the_groups(tab: Page, demo_server: str) -> None:
    level, code, name = ICB
    open_page(tab, f"{demo_server}/equity_audit?level={level}&place={code}&breakdown=imd_quintile")
    before = {r["Group"] for r in read_csv(download(tab, "CSV"))}
    assert "1 - most deprived" in before
    choose(tab, "Breakdown", "Sex")
    expect(tab.get_by_text("split by sex").first).to_be_visible()
    assert "breakdown=sex" in tab.url
    after = {r["Group"] for r in read_csv(download(tab, "CSV"))}
    assert after == {"Male", "Female"} or after <= {"Male", "Female", "Not known"}, after
    assert before.isdisjoint(after)
    no_errors(tab)
    screenshot(tab, "pages-demo-icb-equity_audit-by-sex")

    report = download(tab, "Report (Excel)")
    assert report.suggested_filename.endswith(".xlsx")
    assert report.suggested_filename.startswith("SYNTHETIC-equity-audit-")
    sheets = pl.read_excel(report.path(), sheet_id=0)
    assert {"Summary", "Sex", "Notes"} <= set(sheets)
    assert sheets["Sex"]["Group"].to_list()[:2] == ["Male", "Female"]
    assert sheets["Summary"].height == 12 * 6


@pytest.mark.parametrize("path", ["", "deaths_by_setting"])
def test_fingertips_figures_for_an_icb_on_open_data(tab: Page, real_server: str, path: str) -> None:
    """Cheshire and Merseyside, 2021: hospital deaths as Fingertips published them."""
    visit(tab, real_server, path, CHESHIRE, f"pages-real-cheshire-{path or 'overview'}")
    expect(tab.get_by_text("OHID Fingertips").first).to_be_visible()
    rows = check_csv(tab, path, synthetic=False)
    if path == "deaths_by_setting":
        hospital = next(r for r in rows if r["Setting"] == "Hospital")
        assert (hospital["Deaths"], hospital["All deaths"], hospital["%"]) == (
            "13,460",
            "28,080",
            "47.9",
        )


def test_england_equity_audit_by_fingertips_county_deciles(tab: Page, real_server: str) -> None:
    open_page(
        tab,
        f"{real_server}/equity_audit?level=england&place=E92000001&year=2021"
        "&breakdown=cty_ua_imd_decile_2021",
    )
    expect(tab.locator('[data-testid="stMain"] h1').first).to_have_text("Equity audit: England")
    no_errors(tab)
    expect(tab.get_by_text("Most deprived decile (IMD2019)").first).to_be_visible()
    screenshot(tab, "pages-real-england-equity-county-deciles")
