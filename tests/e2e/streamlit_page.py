"""Helpers for driving the dashboard in a browser as a person would."""

from __future__ import annotations

from playwright.sync_api import Page, expect

expect.set_options(timeout=60_000)


def wait_for_app(page: Page) -> None:
    """Wait until the page has a title and Streamlit has stopped running the script."""
    page.wait_for_selector('[data-testid="stApp"]')
    expect(page.locator('[data-testid="stMain"] h1').first).to_be_visible(timeout=120_000)
    for _ in range(2):  # a rerun can start right after the first one ends
        page.wait_for_timeout(500)
        expect(page.get_by_role("button", name="Stop")).to_have_count(0, timeout=120_000)
        expect(page.get_by_role("img", name="Running...")).to_have_count(0, timeout=120_000)
    expect(page.locator('[data-testid="stSkeleton"]')).to_have_count(0, timeout=120_000)


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)


def go_to(page: Page, title: str) -> None:
    """Click a page in the top navigation."""
    page.get_by_role("link", name=title, exact=True).first.click()
    wait_for_app(page)


def choose(page: Page, label: str, option: str) -> None:
    """Pick ``option`` in the sidebar selectbox labelled ``label`` (type to filter, Enter)."""
    box = page.locator('[data-testid="stSidebar"]').get_by_label(label, exact=True)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).first.click()
    wait_for_app(page)


def no_errors(page: Page) -> None:
    """No exception box and no 'Something went wrong'."""
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    expect(page.get_by_text("Something went wrong")).to_have_count(0)
