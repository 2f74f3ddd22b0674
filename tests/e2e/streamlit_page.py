"""Helpers for driving the dashboard in a browser as a person would."""

from __future__ import annotations

from playwright.sync_api import Page, expect

expect.set_options(timeout=60_000)


def wait_for_app(page: Page) -> None:
    """Wait until Streamlit has finished running the script (no 'Running...' indicator)."""
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_timeout(300)
    expect(page.get_by_role("img", name="Running...")).to_have_count(0, timeout=120_000)
    expect(page.locator('[data-testid="stSkeleton"]')).to_have_count(0, timeout=120_000)
    page.wait_for_timeout(300)


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
