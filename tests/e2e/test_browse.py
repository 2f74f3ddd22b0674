"""Click through the dashboard in headless Chromium, as a commissioner would."""

from __future__ import annotations

import csv
import io

from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENSHOTS, screenshot
from tests.e2e.streamlit_page import choose, go_to, no_errors, open_page, wait_for_app


def test_overview_opens_on_england_with_synthetic_banner(page: Page, demo_server: str) -> None:
    open_page(page, demo_server)
    expect(page.get_by_text("SYNTHETIC DEMO DATA").first).to_be_visible()
    expect(page.locator("h1").first).to_have_text("England")
    no_errors(page)
    screenshot(page, "overview-england")


def test_overview_map_draws_ons_boundaries_with_their_attribution(
    page: Page, demo_server: str
) -> None:
    """The demo's map: real ONS shapes, labelled synthetic data, ONS's attribution on the
    map itself (in the figure, so a saved PNG keeps it) and in its caption."""
    open_page(page, f"{demo_server}/?level=icb&place=E54000032")
    chart = page.locator('[data-testid="stPlotlyChart"]').filter(has_text="Crown copyright")
    expect(chart.first).to_be_visible(timeout=30_000)
    inside = chart.first.inner_text()
    assert "Source: Office for National Statistics licensed under the Open Government" in inside
    assert "Contains OS data © Crown copyright and database right 2023" in inside
    assert "SYNTHETIC DEMO DATA" in inside
    caption = page.get_by_text("Contains OS data © Crown copyright and database right 2023.")
    expect(caption.first).to_be_visible()
    no_errors(page)
    screenshot(page, "overview-map-ons-boundaries")  # the whole page
    chart.first.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    chart.first.screenshot(path=str(SCREENSHOTS / "overview-map-ons-boundaries-map.png"))


def test_pick_an_icb_in_the_sidebar(page: Page, demo_server: str) -> None:
    open_page(page, demo_server)
    choose(page, "Level", "ICB")
    choose(page, "ICB", "NHS Kent and Medway Integrated Care Board (E54000032)")
    expect(page.locator("h1").first).to_have_text("NHS Kent and Medway Integrated Care Board")
    assert "place=E54000032" in page.url and "level=icb" in page.url
    no_errors(page)
    screenshot(page, "overview-icb")


def test_shared_link_reproduces_the_view(page: Page, demo_server: str) -> None:
    open_page(page, f"{demo_server}/?place=QXU&breakdown=sex&year=2021")
    expect(page.locator("h1").first).to_have_text("NHS Surrey Heartlands Integrated Care Board")
    expect(page.get_by_text("QXU refers to E54000063").first).to_be_visible()
    assert "breakdown=sex" in page.url and "year=2021" in page.url and "place=E54000063" in page.url
    expect(page.get_by_text("Headline figures, 2021")).to_be_visible()


def test_link_with_a_code_from_before_2023_on_real_data(page: Page, real_server: str) -> None:
    open_page(page, f"{real_server}/?place=E54000052")
    expect(page.locator("h1").first).to_have_text("NHS Surrey Heartlands Integrated Care Board")
    expect(page.get_by_text("E54000052 refers to E54000063").first).to_be_visible()
    expect(page.get_by_text("SYNTHETIC")).to_have_count(0)
    no_errors(page)
    screenshot(page, "overview-real-icb")


def test_download_headline_csv(page: Page, demo_server: str) -> None:
    open_page(page, f"{demo_server}/?level=icb&place=E54000050")
    with page.expect_download() as info:
        page.get_by_role("button", name="CSV").first.click()
    download = info.value
    assert download.suggested_filename.startswith("SYNTHETIC-headline-e54000050")
    text = download.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["label"] for r in rows} >= {"Population", "Deaths in the year"}
    assert all(r["data_status"].startswith("SYNTHETIC") for r in rows)


def test_data_and_methods_page(page: Page, demo_server: str) -> None:
    open_page(page, demo_server)
    go_to(page, "Data & methods")
    expect(page.locator("h1").first).to_have_text("Data & methods")
    no_errors(page)
    wait_for_app(page)
    screenshot(page, "data-methods")
