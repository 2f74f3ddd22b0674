"""Page time in a browser: headless Chromium, from navigation to the page's last chart drawn.

A Streamlit server runs the dashboard on a free port (polled until healthy, stopped in
``finally``), Playwright drives Debian's chromium. A script installed before each page
loads watches the DOM: every change inside a Plotly chart records ``performance.now()``
(milliseconds since the navigation started). A page counts as done when Streamlit has
stopped running its script and nothing has changed for ``QUIET_MS``; its time is the last
chart change (for a page without charts, the last change anywhere in the page).

Warm: each page is opened once for the place (the server's snapshot and result cache
fill), then ``repeats`` more times, each a fresh navigation (a new Streamlit session).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import local_server
from benchmarks.local_server import CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[1]
# url path of each page (st.navigation names them after their files; Overview is the root)
PAGE_PATHS = {
    "Overview": "",
    "Demographics": "demographics",
    "Deaths by setting": "deaths_by_setting",
    "Register coverage": "register_coverage",
    "Equity audit": "equity_audit",
    "Data & methods": "data_methods",
}
QUIET_MS = 1500
TIMEOUT_S = 180
WATCH = """
(() => {
  window.__chartAt = 0; window.__changeAt = 0; window.__charts = 0;
  const seen = new WeakSet();
  new MutationObserver((records) => {
    const now = performance.now();
    window.__changeAt = now;
    for (const r of records) {
      const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      const chart = el && el.closest && el.closest('[data-testid="stPlotlyChart"]');
      if (chart) {
        window.__chartAt = now;
        if (!seen.has(chart) && chart.querySelector('svg.main-svg')) {
          seen.add(chart); window.__charts += 1;
        }
      }
    }
  }).observe(document, {subtree: true, childList: true, attributes: true,
                        characterData: true});
})();
"""
STATE = """() => ({
  chartAt: window.__chartAt, changeAt: window.__changeAt, charts: window.__charts,
  now: performance.now(),
  running: document.querySelectorAll('[data-testid="stStatusWidget"]').length,
  stop: [...document.querySelectorAll('button')].filter(b => b.innerText === 'Stop').length,
  skeleton: document.querySelectorAll('[data-testid="stSkeleton"]').length,
  title: document.querySelectorAll('[data-testid="stMain"] h1').length,
  errors: document.querySelectorAll('[data-testid="stException"]').length,
  drawn: document.querySelectorAll('[data-testid="stPlotlyChart"] svg.main-svg').length,
  plots: document.querySelectorAll('[data-testid="stPlotlyChart"]').length,
})"""


@dataclass
class PageTimes:
    page: str
    place: str  # label
    seconds: list[float] = field(default_factory=list)  # navigation to last chart drawn
    charts: int = 0
    errors: int = 0


def _settled(page: object) -> dict[str, float]:
    """Wait until the script has finished and the page has been still for QUIET_MS."""
    deadline = time.monotonic() + TIMEOUT_S
    while True:
        state: dict[str, float] = page.evaluate(STATE)  # type: ignore[attr-defined]
        busy = state["running"] or state["stop"] or state["skeleton"] or not state["title"]
        quiet = state["now"] - state["changeAt"] >= QUIET_MS
        if not busy and quiet and state["drawn"] >= state["plots"]:
            return state
        if time.monotonic() > deadline:
            raise RuntimeError(f"page did not settle within {TIMEOUT_S} s: {state}")
        time.sleep(0.1)


def measure(
    db: Path,
    places: list[tuple[str, str, str]],
    repeats: int,
    *,
    root: Path = ROOT,
    say: Callable[[str], None] = print,
) -> list[PageTimes]:
    """Seconds from navigation to the last chart drawn, for each page and place (warm)."""
    from playwright.sync_api import sync_playwright

    chromium = local_server.CHROMIUM
    results: list[PageTimes] = []
    with local_server.dashboard(db, root) as server, sync_playwright() as p:
        base = server.base
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1440, "height": 1000})
            context.add_init_script(WATCH)
            tab = context.new_page()
            tab.set_default_timeout(TIMEOUT_S * 1000)
            for code, level, label in places:
                for title, path in PAGE_PATHS.items():
                    times = PageTimes(title, label)
                    url = f"{base}/{path}?level={level}&place={code}"
                    for attempt in range(repeats + 1):
                        tab.goto(url)
                        state = _settled(tab)
                        if attempt == 0:
                            continue  # warms the server for this page and place
                        last = state["chartAt"] if state["charts"] else state["changeAt"]
                        times.seconds.append(last / 1000)
                        times.charts = int(state["charts"])
                        times.errors = max(times.errors, int(state["errors"]))
                    say(
                        f"  {title} ({label}): "
                        + ", ".join(f"{s:.2f}" for s in times.seconds)
                        + f" s, {times.charts} charts"
                    )
                    results.append(times)
            context.close()
        finally:
            browser.close()
    return results
