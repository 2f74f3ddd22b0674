"""Load test: concurrent dashboard sessions against a local server (loopback only).

``make loadtest`` (``python -m benchmarks.loadtest``) builds a demo warehouse (or uses
``--db``), starts ``streamlit run dashboard.py`` on a free port of 127.0.0.1
(benchmarks/local_server.py), and runs ``--sessions`` concurrent sessions for
``--duration`` seconds. Each session opens every page for a few places in turn, each
from its own link, as commissioners following shared links would. ``--client
websocket`` (the default) speaks Streamlit's own protocol (benchmarks/ws_client.py), so
the server does all its work while the clients cost little; ``--client browser`` drives
Chromium tabs (Debian's), which on a small machine measures mostly the browser drawing
charts. Errors counted: exception boxes, "Something went wrong", a missing heading,
failed or timed-out pages. It samples the server's memory (its whole process tree, with
psutil), writes ``benchmarks/loadtest.md`` (machine, load average, settings, results)
and prints it. Everything is bounded: sessions, run time, per-page timeout, and the
server and browser are stopped in ``finally``. Not part of ``make test``; two-session
smoke runs of both clients are (tests/e2e/test_benchmark_commands.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psutil
from playwright.async_api import Browser, Page, async_playwright

from benchmarks import local_server, ws_client
from benchmarks.local_server import CHROMIUM, CHROMIUM_ARGS
from peolc.levels import ENGLAND, LevelKey

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "benchmarks" / "loadtest.md"
PAGES = ("", "demographics", "deaths_by_setting", "register_coverage", "equity_audit",
         "data_methods")  # fmt: skip
K = LevelKey
PLACE_LEVELS: tuple[str, ...] = (K.ENGLAND, K.ICB, K.SUB_ICB, K.PCN, K.PRACTICE, K.LAD)
del K
MAX_SESSIONS = 50
MAX_DURATION = 1800.0
PAGE_TIMEOUT = 120.0


@dataclass(frozen=True)
class Settings:
    """What to run: the warehouse, how many sessions, for how long."""

    db: Path
    sessions: int = 20
    duration: float = 180.0
    scale: float | None = None  # the demo scale the warehouse was built at, if built here
    report: Path | None = REPORT
    client: str = "websocket"  # "websocket" (benchmarks/ws_client.py) or "browser" (Chromium)


@dataclass
class Visit:
    """One page load by one session."""

    session: int
    page: str
    place: str
    seconds: float
    error: str | None = None


@dataclass
class Result:
    """Everything measured in one run."""

    settings: Settings
    places: list[tuple[str, str]]
    visits: list[Visit] = field(default_factory=list)
    peak_rss: int = 0
    rss_start: int = 0
    started: str = ""
    wall: float = 0.0
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)
    server_log_errors: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Visit]:
        return [v for v in self.visits if v.error]

    def times(self, page: str | None = None) -> list[float]:
        return [v.seconds for v in self.visits if not v.error and page in (None, v.page)]


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation (NaN when empty)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


# --------------------------------------------------------------------------------------
# The server (127.0.0.1 only) and its memory
# --------------------------------------------------------------------------------------


class MemorySampler:
    """Peak resident memory of a process and its children, sampled in a thread."""

    def __init__(self, pid: int, every: float = 0.25) -> None:
        self.process = psutil.Process(pid)
        self.every = every
        self.peak = 0
        self.first = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def rss(self) -> int:
        total = 0
        for proc in [self.process, *self.process.children(recursive=True)]:
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                now = self.rss()
            except psutil.Error:
                return
            self.first = self.first or now
            self.peak = max(self.peak, now)
            self._stop.wait(self.every)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


# --------------------------------------------------------------------------------------
# Sessions
# --------------------------------------------------------------------------------------

ERROR_CHECK = """() => ({
    exception: document.querySelectorAll('[data-testid="stException"]').length,
    wrong: document.body.innerText.includes('Something went wrong'),
})"""


async def _idle(page: Page, deadline: float) -> None:
    """Wait until the page has a title and the script has stopped running (twice, 300 ms
    apart, since a rerun can start right after the first ends)."""
    await page.locator('[data-testid="stMain"] h1').first.wait_for(
        state="visible", timeout=max(1.0, deadline - time.monotonic()) * 1000
    )
    calm = 0
    while calm < 2:
        if time.monotonic() > deadline:
            raise TimeoutError("the page kept running")
        running = await page.get_by_role("img", name="Running...").count()
        running += await page.get_by_role("button", name="Stop").count()
        running += await page.locator('[data-testid="stSkeleton"]').count()
        calm = calm + 1 if running == 0 else 0
        await page.wait_for_timeout(150 if calm == 0 else 300)


async def _visit(
    page: Page, base: str, path: str, place: tuple[str, str]
) -> tuple[float, str | None]:
    level, code = place
    query = "" if level == LevelKey.ENGLAND else f"?level={level}&place={code}"
    started = time.monotonic()
    deadline = started + PAGE_TIMEOUT
    try:
        response = await page.goto(f"{base}/{path}{query}", timeout=PAGE_TIMEOUT * 1000)
        if response is None or response.status != 200:
            return (
                time.monotonic() - started,
                f"HTTP {None if response is None else response.status}",
            )
        await _idle(page, deadline)
        seconds = time.monotonic() - started - 0.6  # less the calm confirmation waits
        found = await page.evaluate(ERROR_CHECK)
        if found["exception"]:
            return seconds, "exception box"
        if found["wrong"]:
            return seconds, "Something went wrong"
        return seconds, None
    except Exception as e:  # a failed or timed-out navigation is an error, not a crash
        return time.monotonic() - started, f"{type(e).__name__}: {str(e).splitlines()[0][:120]}"


def _rotation(
    number: int, places: list[tuple[str, str]], stop: float
) -> Iterator[tuple[str, tuple[str, str]]]:
    """(page path, place) in turn until ``stop``; session ``number`` starts ``number`` steps in."""
    step = number
    while time.monotonic() < stop:
        yield PAGES[step % len(PAGES)], places[(step // len(PAGES)) % len(places)]
        step += 1


async def _session(
    number: int, browser: Browser, base: str, places: list[tuple[str, str]], stop: float,
    visits: list[Visit],
) -> None:  # fmt: skip
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    try:
        for path, place in _rotation(number, places, stop):
            seconds, error = await _visit(page, base, path, place)
            visits.append(Visit(number, path or "overview", place[1], seconds, error))
    finally:
        await context.close()


async def _drive(settings: Settings, base: str, places: list[tuple[str, str]]) -> list[Visit]:
    visits: list[Visit] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # warm the server (first script run, imports) before the clock starts
            warm = await browser.new_context()
            await _visit(await warm.new_page(), base, "", places[0])
            await warm.close()
            stop = time.monotonic() + settings.duration
            await asyncio.gather(
                *(
                    _session(n, browser, base, places, stop, visits)
                    for n in range(settings.sessions)
                )
            )
        finally:
            await browser.close()
    return visits


TITLES = {  # each page's heading starts so (the Overview's is the place's name)
    "": "",
    "demographics": "Demographics: ",
    "deaths_by_setting": "Deaths by setting: ",
    "register_coverage": "Register coverage: ",
    "equity_audit": "Equity audit: ",
    "data_methods": "Data & methods",
}


async def ws_visit(base: str, path: str, place: tuple[str, str]) -> tuple[float, str | None]:
    """Open page ``path`` for ``place`` in a new websocket session: (seconds, error or None)."""
    level, code = place
    started = time.monotonic()
    try:
        query = f"level={level}&place={code}"
        return await ws_client.visit(base, path, query, TITLES[path], PAGE_TIMEOUT), None
    except Exception as e:  # every failure is counted and reported, none stops the run
        return time.monotonic() - started, f"{type(e).__name__}: {e}"[:300]


async def _ws_session(
    number: int, base: str, places: list[tuple[str, str]], stop: float, visits: list[Visit]
) -> None:
    for path, place in _rotation(number, places, stop):
        seconds, error = await ws_visit(base, path, place)
        visits.append(Visit(number, path or "overview", place[1], seconds, error))


async def drive_sessions(
    base: str, places: list[tuple[str, str]], sessions: int, duration: float
) -> list[Visit]:
    """``sessions`` concurrent websocket sessions against the server at ``base`` for
    ``duration`` seconds, after one warming visit; any Streamlit app answering the
    dashboard's page names and headings (benchmarks/floor_app.py too) can be driven."""
    visits: list[Visit] = []
    await ws_visit(base, "", places[0])  # warm the server before the clock starts
    stop = time.monotonic() + duration
    await asyncio.gather(*(_ws_session(n, base, places, stop, visits) for n in range(sessions)))
    return visits


async def _drive_ws(settings: Settings, base: str, places: list[tuple[str, str]]) -> list[Visit]:
    return await drive_sessions(base, places, settings.sessions, settings.duration)


def log_errors(log: Path) -> list[str]:
    """The server log's traceback and error lines (the first 20)."""
    text = log.read_text(errors="replace")
    return [line for line in text.splitlines() if "Traceback" in line or "ERROR" in line][:20]


def choose_places(db: Path) -> list[tuple[str, str]]:
    """England and the first place (by name) of a few levels of the warehouse."""
    from queries import places

    chosen = [(ENGLAND.level, ENGLAND.code)]
    for level in PLACE_LEVELS[1:]:
        frame = places.areas(level, db)
        if not frame.is_empty():
            chosen.append((level, str(frame["area_code"][0])))
    return chosen


def run(settings: Settings) -> Result:
    """Start the server, drive the sessions, measure; write the report if asked."""
    if not 1 <= settings.sessions <= MAX_SESSIONS:
        raise ValueError(f"sessions must be 1 to {MAX_SESSIONS}")
    if not 1 <= settings.duration <= MAX_DURATION:
        raise ValueError(f"duration must be 1 to {MAX_DURATION:.0f} s")
    if settings.client not in ("websocket", "browser"):
        raise ValueError("client must be websocket or browser")
    if settings.client == "browser" and not Path(CHROMIUM).exists():
        raise RuntimeError("Chromium is not installed: run `make browser`.")
    result = Result(settings, choose_places(settings.db))
    result.started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    result.load_before = os.getloadavg()
    began = time.monotonic()
    with local_server.dashboard(settings.db) as server, MemorySampler(server.process.pid) as memory:
        base, log = server.base, server.log
        drive = _drive if settings.client == "browser" else _drive_ws
        result.visits = asyncio.run(drive(settings, base, result.places))
        result.rss_start, result.peak_rss = memory.first, memory.peak
        result.server_log_errors = log_errors(log)
    result.wall = time.monotonic() - began
    result.load_after = os.getloadavg()
    if settings.report is not None:
        settings.report.write_text(report(result), encoding="utf-8")
    return result


# --------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------


def _machine() -> list[tuple[str, str]]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        chromium = subprocess.run(
            [CHROMIUM, "--version"], capture_output=True, text=True, timeout=20, check=False
        ).stdout.strip()
    except OSError:
        chromium = "not found"
    import playwright
    import streamlit

    return [
        ("CPU", cpu),
        ("cores", f"{psutil.cpu_count()} logical"),
        ("memory", f"{psutil.virtual_memory().total / 1024**3:.1f} GB"),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("Python", platform.python_version()),
        ("Streamlit", streamlit.__version__),
        ("Playwright", getattr(playwright, "__version__", "?")),
        ("browser", chromium),
    ]


def _mb(value: int) -> str:
    return f"{value / 1024**2:,.0f} MB"


def report(result: Result) -> str:
    s = result.settings
    times = result.times()
    ok = len(times)
    lines = [
        "# Load test",
        "",
        f"`python -m benchmarks.loadtest --client {s.client}` ({result.started}): "
        f"{s.sessions} concurrent sessions against one local Streamlit server on 127.0.0.1, "
        f"for {s.duration:.0f} s. Each session opens the six pages for {len(result.places)} "
        "places in turn, each page in a new session from its own link. "
        + (
            "Sessions are Playwright contexts in one headless Chromium; a page's time runs "
            "from navigation until it has its title and Streamlit shows no 'Running...' "
            "indicator."
            if s.client == "browser"
            else "Sessions speak Streamlit's websocket protocol (benchmarks/ws_client.py), as "
            "the browser's frontend does, without drawing; a page's time runs from the request "
            "until the server reports the script finished, and a page counts as an error if "
            "it shows an exception or error box, lacks its heading, or takes over "
            f"{PAGE_TIMEOUT:.0f} s."
        ),
        "",
        "## Results",
        "",
        "| | |",
        "|---|---|",
        f"| page loads | {len(result.visits)} ({ok} without error) |",
        f"| errors | {len(result.errors)} |",
        f"| page time p50 | {percentile(times, 50):.2f} s |",
        f"| page time p95 | {percentile(times, 95):.2f} s |",
        f"| page time max | {max(times, default=float('nan')):.2f} s |",
        f"| throughput | {ok / s.duration * 60:.0f} pages a minute |",
        f"| server memory, peak (process tree RSS) | {_mb(result.peak_rss)} |",
        f"| server memory, at the start | {_mb(result.rss_start)} |",
        f"| wall time (server start to stop) | {result.wall:.0f} s |",
        "",
        "| page | loads | p50 | p95 |",
        "|---|---|---|---|",
    ]
    for path in PAGES:
        name = path or "overview"
        page_times = result.times(name)
        lines.append(
            f"| {name} | {len(page_times)} | {percentile(page_times, 50):.2f} s | "
            f"{percentile(page_times, 95):.2f} s |"
        )
    lines += ["", "## Errors", ""]
    if result.errors:
        for v in result.errors[:30]:
            lines.append(f"- session {v.session}, {v.page} for {v.place}: {v.error}")
    else:
        lines.append("None.")
    if result.server_log_errors:
        lines += ["", "Server log:", "", "```", *result.server_log_errors, "```"]
    warehouse = (
        f"demo built for this run with `peolc demo --scale {s.scale}`"
        if s.scale is not None
        else f"`{s.db.name}` as given"
    )
    places = ", ".join(f"{level} {code}" for level, code in result.places)
    lines += [
        "",
        "## Settings",
        "",
        f"- warehouse: {warehouse} ({s.db.stat().st_size / 1024**2:,.0f} MB)",
        f"- places: {places}",
        f"- sessions {s.sessions}, duration {s.duration:.0f} s, page timeout {PAGE_TIMEOUT:.0f} s",
        "- server: `streamlit run dashboard.py --server.address 127.0.0.1 --server.headless "
        "true --server.fileWatcherType none`",
        "",
        "## Machine",
        "",
        *[f"- {k}: {v}" for k, v in _machine()],
        f"- load average before: {' / '.join(f'{x:.2f}' for x in result.load_before)} "
        f"(1 / 5 / 15 min); after: {' / '.join(f'{x:.2f}' for x in result.load_after)}",
        (
            "- the browser, its tabs and the server share these cores, so page times include "
            "the browser's own rendering work"
            if s.client == "browser"
            else "- the clients and the server share these cores"
        ),
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.loadtest", description=__doc__)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--duration", type=float, default=180.0, help="seconds")
    parser.add_argument("--db", type=Path, help="use this warehouse instead of building one")
    parser.add_argument("--scale", type=float, default=0.1, help="demo scale to build")
    parser.add_argument("--report", type=Path, default=REPORT)
    parser.add_argument(
        "--client",
        choices=("websocket", "browser"),
        default="websocket",
        help="websocket: protocol-level sessions (default); browser: Chromium tabs",
    )
    args = parser.parse_args(argv)
    scale = None
    with tempfile.TemporaryDirectory(prefix="peolc-loadtest-") as folder:
        db = args.db
        if db is None:
            db, scale = Path(folder) / "demo.duckdb", args.scale
            print(f"building a demo warehouse (scale {scale}) ...", flush=True)
            subprocess.run(
                [sys.executable, "-m", "etl.cli", "demo", "--scale", str(scale), "--db", str(db)],
                cwd=ROOT, check=True,
            )  # fmt: skip
        settings = Settings(db, args.sessions, args.duration, scale, args.report, args.client)
        result = run(settings)
        print(report(result))
    return 1 if result.errors else 0


if __name__ == "__main__":
    sys.exit(main())
