"""Page speed: the dashboard against a floor app, side by side, over Streamlit's websocket.

``python -m benchmarks.page_speed --db WAREHOUSE [--quick] [--report PATH]`` (and the
"pages" section of ``make bench``) measures what issue 12 asks: Streamlit itself sets the
floor, so the dashboard is timed against benchmarks/floor_app.py, an app drawing about
what one page draws from constants. Both are served at once on 127.0.0.1
(benchmarks/local_server.py) and visited as the load test visits them
(benchmarks/loadtest.py, benchmarks/ws_client.py), so on a shared machine the figures
that count are ratios of the two measured side by side:

- one page, new session: each page for England, an ICB and a practice, in alternating
  rounds (one new session per visit, the two apps taking turns to go first);
- concurrent sessions: the load test's rotation against each app in turn.

It writes benchmarks/results-pages.md (or ``--report``) and prints it. Missing a target
is a finding, not a failure: the exit status is non-zero only if it could not measure
(a server did not start, or the floor app itself failed a page).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import loadtest, local_server, machine
from benchmarks.loadtest import PAGES, Visit
from benchmarks.measure import percentile
from benchmarks.report import DASHBOARD, FLOOR, page_speed, page_speed_summary
from benchmarks.settings import FULL, QUICK, ROOT, Settings
from peolc.levels import LevelKey

REPORT = ROOT / "benchmarks" / "results-pages.md"
FLOOR_APP = ROOT / "benchmarks" / "floor_app.py"
CONTENDERS = (DASHBOARD, FLOOR)
SINGLE_LEVELS = (LevelKey.ENGLAND, LevelKey.ICB, LevelKey.PRACTICE)
Say = Callable[[str], None]
Place = tuple[str, str]  # (level, code)


@dataclass
class PagePlace:
    """One page for one place: each app's seconds (visits without error) and errors."""

    page: str
    level: str
    place: str
    seconds: dict[str, list[float]] = field(default_factory=lambda: {c: [] for c in CONTENDERS})
    errors: dict[str, list[str]] = field(default_factory=lambda: {c: [] for c in CONTENDERS})


@dataclass(frozen=True)
class Crowd:
    """One app under concurrent sessions."""

    contender: str
    loads: int
    error_count: int
    errors: list[str]  # the first few
    p50: float
    p95: float
    slowest: float
    pages_a_minute: float


@dataclass
class PageSpeed:
    """Everything one run measured (``asdict`` of it is what the report reads)."""

    db: str
    rounds: int
    sessions: int
    duration: float
    places: list[Place]
    crowd_places: list[Place]
    single: list[PagePlace] = field(default_factory=list)
    crowds: list[Crowd] = field(default_factory=list)
    server_log_errors: dict[str, list[str]] = field(default_factory=dict)
    started: str = ""
    wall: float = 0.0
    load_before: tuple[float, ...] = ()
    load_after: tuple[float, ...] = ()


def _page_name(path: str) -> str:
    return path or "overview"


async def _warm(bases: dict[str, str], place: Place) -> None:
    """One visit per page and app before the clock starts (imports, first runs, caches)."""
    for contender in CONTENDERS:
        for path in PAGES:
            await loadtest.ws_visit(bases[contender], path, place)


async def _single(
    bases: dict[str, str], places: list[Place], rounds: int, say: Say
) -> list[PagePlace]:
    """Every page and place in each app, ``rounds`` times, the apps alternating first."""
    cells = {
        (path, place): PagePlace(_page_name(path), *place) for path in PAGES for place in places
    }
    for number in range(rounds):
        order = CONTENDERS if number % 2 == 0 else CONTENDERS[::-1]
        for (path, place), cell in cells.items():
            for contender in order:
                seconds, error = await loadtest.ws_visit(bases[contender], path, place)
                if error:
                    cell.errors[contender].append(error)
                else:
                    cell.seconds[contender].append(seconds)
        say(f"page speed: one page, round {number + 1} of {rounds} done")
    return list(cells.values())


def _crowd(contender: str, visits: list[Visit], duration: float) -> Crowd:
    times = [v.seconds for v in visits if not v.error]
    errors = [f"{v.page} for {v.place}: {v.error}" for v in visits if v.error]
    return Crowd(
        contender,
        loads=len(visits),
        error_count=len(errors),
        errors=errors[:10],
        p50=percentile(times, 50),
        p95=percentile(times, 95),
        slowest=max(times, default=float("nan")),
        pages_a_minute=len(times) / duration * 60,
    )


def measure(db: Path, rounds: int, sessions: int, duration: float, say: Say = print) -> PageSpeed:
    """Serve both apps, warm them, and time them one page at a time, then under sessions."""
    places = loadtest.choose_places(db)
    result = PageSpeed(
        db=str(db),
        rounds=rounds,
        sessions=sessions,
        duration=duration,
        places=[p for p in places if p[0] in SINGLE_LEVELS],
        crowd_places=places,
        started=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        load_before=os.getloadavg(),
    )
    began = time.monotonic()
    with ExitStack() as stack:
        servers = {
            DASHBOARD: stack.enter_context(local_server.dashboard(db)),
            FLOOR: stack.enter_context(local_server.serve(FLOOR_APP)),
        }
        bases = {name: server.base for name, server in servers.items()}
        say(f"page speed: both apps serving; warming, then {rounds} rounds one page at a time")
        asyncio.run(_warm(bases, result.places[0]))
        result.single = asyncio.run(_single(bases, result.places, rounds, say))
        for contender in CONTENDERS:
            say(f"page speed: {sessions} concurrent sessions for {duration:.0f} s, {contender}")
            visits = asyncio.run(
                loadtest.drive_sessions(bases[contender], result.crowd_places, sessions, duration)
            )
            result.crowds.append(_crowd(contender, visits, duration))
        result.server_log_errors = {
            name: lines
            for name, server in servers.items()
            if (lines := loadtest.log_errors(server.log))
        }
    result.wall = time.monotonic() - began
    result.load_after = os.getloadavg()
    return result


def floor_failed(result: PageSpeed) -> bool:
    """Whether the floor app failed a page: then there is no floor to compare with."""
    single = any(cell.errors[FLOOR] for cell in result.single)
    return single or any(c.error_count for c in result.crowds if c.contender == FLOOR)


def _loads(values: tuple[float, ...]) -> str:
    return " / ".join(f"{x:.2f}" for x in values) + " (1 / 5 / 15 min)"


def report(result: PageSpeed, command: str, about: dict[str, str]) -> str:
    """The markdown report: targets, both parts' tables, settings, and the machine
    (``about``: benchmarks/machine.py's description, taken as the run began)."""
    data: dict[str, Any] = asdict(result)
    db = Path(result.db)
    size = f"{db.stat().st_size / 1024**2:,.0f} MB" if db.exists() else "gone"
    lines = [
        "# Page speed: the dashboard against a floor app",
        "",
        f"`{command}` ({result.started}); the targets are issue 12's. The machine is shared, "
        "so the figures that count are the ratios of the two apps measured side by side; "
        "seconds are for scale and move with the load average.",
        "",
        "## Against the targets",
        "",
        *page_speed_summary(data),
        "## Results",
        "",
        *page_speed(data),
        "## Settings",
        "",
        f"- warehouse: `{db.name}` ({size})",
        f"- one page: {result.rounds} rounds; concurrent: {result.sessions} sessions for "
        f"{result.duration:.0f} s each app; page timeout {loadtest.PAGE_TIMEOUT:.0f} s",
        "- servers: `streamlit run dashboard.py` (PEOLC_DB set to the warehouse) and `streamlit "
        "run benchmarks/floor_app.py`, each `--server.address 127.0.0.1 --server.headless true "
        "--server.fileWatcherType none`",
        f"- wall time (servers start to stop): {result.wall:.0f} s",
        "",
        "## Machine",
        "",
        *[f"- {key.replace('_', ' ')}: {value}" for key, value in about.items()],
        f"- load average before: {_loads(result.load_before)}; after: {_loads(result.load_after)}",
        "- both servers and the websocket clients share these cores",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.page_speed", description=__doc__)
    parser.add_argument("--db", type=Path, required=True, help="the warehouse the dashboard reads")
    parser.add_argument("--quick", action="store_true", help="fewer rounds, sessions and seconds")
    parser.add_argument("--report", type=Path, default=REPORT)
    args = parser.parse_args(argv)
    if not args.db.is_file():
        parser.error(f"no warehouse at {args.db}")
    settings: Settings = QUICK if args.quick else FULL
    about = machine.describe()
    result = measure(args.db, settings.page_rounds, settings.page_sessions, settings.page_seconds)
    command = "python -m benchmarks.page_speed" + (" --quick" if args.quick else "")
    text = report(result, command, about)
    args.report.write_text(text, encoding="utf-8")
    print(text)
    if floor_failed(result):
        print("the floor app failed a page: no floor to compare with", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
