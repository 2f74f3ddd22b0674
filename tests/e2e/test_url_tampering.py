"""Tampered shared links in a real browser: no script runs, no element is injected.

Each link carries a hostile value (SQL, a path, HTML/JS, unicode, a long value) in one
query parameter, or in all of them at once on a page's own address. In headless Chromium
the dashboard must open England (or the place the rest of the link names) with a plain
note, fire no ``alert`` dialog, contain no element the payload would create, rewrite the
address with clean values only, and leave the warehouse file unchanged.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from playwright.sync_api import Browser, Dialog, Page, expect

from tests.e2e.conftest import new_tab
from tests.e2e.streamlit_page import no_errors, open_page

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
SVG = "<svg onload=alert(1)>"
SQL = "'; drop table fact_death; --"
PATH = "../../etc/passwd"
LINKS = [
    ("place", SCRIPT),
    ("place", IMG),
    ("place", "E54000050\u202egpj.exe"),
    ("place", "E" + "5" * 4000),
    ("level", SQL),
    ("year", PATH),
    ("compare", SVG),
    ("breakdown", IMG),
    ("utm_source", IMG),
]
PAGES = {
    "": "England",
    "demographics": "Demographics: England",
    "deaths_by_setting": "Deaths by setting: England",
    "register_coverage": "Register coverage: England",
    "equity_audit": "Equity audit: England",
    "data_methods": "Data & methods",
}
KNOWN = {"level", "place", "year", "compare", "breakdown"}
INJECTED = """() => ({
    onerror: document.querySelectorAll('[onerror], [onload]:not(body):not(iframe)').length,
    img: document.querySelectorAll('img[src="x"]').length,
    svg: [...document.querySelectorAll('svg')].filter(s => s.getAttribute('onload')).length,
    script: [...document.scripts].filter(s => s.textContent.includes('alert(1)')).length,
    text: document.body.innerText.includes('alert(1)'),
})"""


@pytest.fixture(scope="module")
def tab(browser: Browser) -> Iterator[Page]:
    """One tab for the module: each link is a fresh session, the app's files stay cached."""
    with new_tab(browser) as page:
        yield page


@pytest.fixture
def watched(tab: Page, demo_db: Path) -> Iterator[list[str]]:
    """Every dialog the tab opens, recorded (and dismissed); the warehouse digest checked."""
    before = hashlib.sha256(demo_db.read_bytes()).hexdigest()
    dialogs: list[str] = []

    def record(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    tab.on("dialog", record)
    try:
        yield dialogs
    finally:
        tab.remove_listener("dialog", record)
    assert hashlib.sha256(demo_db.read_bytes()).hexdigest() == before, "warehouse changed"


def assert_clean(page: Page, dialogs: list[str]) -> None:
    page.wait_for_timeout(500)  # give an injected handler time to fire
    assert dialogs == [], dialogs
    assert page.evaluate(INJECTED) == {
        "onerror": 0,
        "img": 0,
        "svg": 0,
        "script": 0,
        "text": False,
    }
    query = parse_qs(urlparse(page.url).query)
    assert set(query) <= KNOWN, page.url
    for values in query.values():
        assert all(re.fullmatch(r"[A-Za-z0-9_]{1,16}", v) for v in values), page.url
    no_errors(page)


@pytest.mark.parametrize(
    ("param", "payload"), LINKS, ids=[f"{p}-{i}" for i, (p, _) in enumerate(LINKS)]
)
def test_a_hostile_parameter_opens_england_with_a_note(
    tab: Page, demo_server: str, watched: list[str], param: str, payload: str
) -> None:
    page = tab
    open_page(page, f"{demo_server}/?{urlencode({param: payload})}")
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text("England")
    notes = page.locator('[data-testid="stSidebar"] [data-testid="stAlert"]')
    expect(notes).to_have_count(1 if param in KNOWN else 0)
    assert_clean(page, watched)


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_from_a_link_with_every_parameter_hostile(
    tab: Page, demo_server: str, watched: list[str], path: str
) -> None:
    page = tab
    params = {"place": IMG, "level": SQL, "year": PATH, "compare": SVG, "breakdown": SCRIPT}
    open_page(page, f"{demo_server}/{path}?{urlencode(params)}&%3Cscript%3E=1")
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text(PAGES[path])
    expect(page.locator('[data-testid="stSidebar"] [data-testid="stAlert"]')).to_have_count(5)
    assert_clean(page, watched)
    assert page.locator('input[type="file"]').count() == 0, "no uploads"


def test_the_named_place_survives_a_hostile_neighbour(
    tab: Page, demo_server: str, watched: list[str]
) -> None:
    page = tab
    params = {"place": "E54000050", "level": "icb", "breakdown": IMG, "compare": SCRIPT}
    open_page(page, f"{demo_server}/equity_audit?{urlencode(params)}")
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text(
        "Equity audit: NHS North East and North Cumbria Integrated Care Board"
    )
    assert_clean(page, watched)
    assert "place=E54000050" in page.url
