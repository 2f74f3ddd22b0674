"""Browser tests: a real Streamlit server on a free port, driven by headless Chromium.

The server runs the dashboard on the session's demo warehouse (or the open-data one);
Playwright drives Debian's chromium (``/usr/bin/chromium``, installed by ``.ci/run`` or
``make browser``), never a downloaded browser. Screenshots go to tests/e2e/screenshots/.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from benchmarks import local_server
from benchmarks.local_server import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "e2e" / "screenshots"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def demo_server(demo_db: Path) -> Iterator[str]:
    with local_server.dashboard(demo_db) as server:
        yield server.base


@pytest.fixture(scope="session")
def real_server(real_db: Path) -> Iterator[str]:
    with local_server.dashboard(real_db) as server:
        yield server.base


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Chromium is not installed: run `make browser` (apt-get install chromium).",
            pytrace=False,
        )
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield instance
    finally:
        instance.close()


@contextmanager
def new_tab(browser: Browser) -> Iterator[Page]:
    """A tab in a fresh browser context, at the size the screenshots are taken."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    with new_tab(browser) as tab:
        yield tab


def screenshot(page: Page, name: str) -> Path:
    """Save a screenshot of the whole page under tests/e2e/screenshots/ and return its path.

    Streamlit scrolls inside its main container, so the window is made as tall as the
    content first (then restored).
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    viewport = page.viewport_size or {"width": 1440, "height": 1000}
    height = page.evaluate(
        '() => Math.max(...[...document.querySelectorAll(\'[data-testid="stMain"], '
        '[data-testid="stAppScrollToBottomContainer"], section.main, body\')]'
        ".map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": viewport["width"], "height": min(int(height) + 40, 12000)})
    page.wait_for_timeout(800)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(viewport)
    return path
