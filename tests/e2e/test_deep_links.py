"""A shared link to a page, as the very first request to a fresh server.

Streamlit treats a ``pages/`` folder beside the entry script as a legacy multipage app
until ``st.navigation`` runs, so the first session of a new server could run the page
alone, without ``dashboard.py`` (no banner, no place picker, no place from the link).
Each page here gets its own new server and is opened from its own address first: it must
show the place the link names, the data banner, the picker and the navigation.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from benchmarks import local_server
from tests.e2e.conftest import new_tab
from tests.e2e.streamlit_page import no_errors, open_page

ICB = ("E54000050", "NHS North East and North Cumbria Integrated Care Board")
TITLES = {
    "demographics": f"Demographics: {ICB[1]}",
    "deaths_by_setting": f"Deaths by setting: {ICB[1]}",
    "register_coverage": f"Register coverage: {ICB[1]}",
    "equity_audit": f"Equity audit: {ICB[1]}",
    "data_methods": "Data & methods",
}


@pytest.mark.parametrize("path", list(TITLES))
def test_a_page_link_is_the_first_request_to_a_fresh_server(
    browser: Browser, demo_db: Path, path: str
) -> None:
    with local_server.dashboard(demo_db) as server, new_tab(browser) as tab:
        open_page(tab, f"{server.base}/{path}?level=icb&place={ICB[0]}")
        expect(tab.locator('[data-testid="stMain"] h1').first).to_have_text(TITLES[path])
        expect(tab.get_by_text("SYNTHETIC DEMO DATA").first).to_be_visible()
        sidebar = tab.locator('[data-testid="stSidebar"]')
        expect(sidebar.get_by_label("Level", exact=True)).to_be_visible()
        expect(tab.get_by_role("link", name="Overview", exact=True).first).to_be_visible()
        assert f"/{path}?" in tab.url and f"place={ICB[0]}" in tab.url, tab.url
        no_errors(tab)
