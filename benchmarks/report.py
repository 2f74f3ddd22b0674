"""benchmarks/results.md from the results of one run (``benchmarks.run``)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from benchmarks.etl_bench import BEFORE, DUCKDB, PANDAS, PEOLC
from benchmarks.measure import median, percentile, ratios
from peolc.levels import LEVEL_KEYS, LevelKey

ETL_RATIO_TARGET = 1.3  # peolc / bare DuckDB, at most
PANDAS_TARGET = 10.0  # pandas + SQLite / peolc, at least
MEMORY_TARGET_MB = 2048
WARM_P95_TARGET_MS = 100
SII_TARGET_MS = 300
BROWSER_TARGET_S = 2.0
PAGE_MEDIAN_TARGET = 1.5  # dashboard / floor app, one page in a new session: median, at most
PAGE_SLOWEST_TARGET = 3.0  # the same, the slowest page and place, at most
CROWD_RATE_TARGET = 0.7  # dashboard / floor app, pages a minute under concurrency, at least
CROWD_P95_TARGET = 1.5  # dashboard / floor app, p95 page time under concurrency, at most
DASHBOARD, FLOOR = "dashboard", "floor app"  # the page-speed contenders (benchmarks/page_speed.py)
LEVEL_ORDER = LEVEL_KEYS
PAGE_ORDER = (
    "Sidebar",
    "Overview",
    "Demographics",
    "Deaths by setting",
    "Register coverage",
    "Equity audit",
    "Data & methods",
    "Equity breakdown + SII",
)

Results = dict[str, Any]


def _f(value: float, digits: int = 2) -> str:
    return "n/a" if value is None or math.isnan(value) else f"{value:,.{digits}f}"


def _ms(seconds: float) -> str:
    return "n/a" if math.isnan(seconds) else f"{seconds * 1000:,.0f}"


def _ok(good: bool | None) -> str:
    return "n/a" if good is None else ("met" if good else "**missed**")


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines + [""]


def _runs(case: Results, name: str, attr: str = "wall") -> list[float]:
    return [r[attr] for r in case["runs"].get(name, []) if r is not None]


def _round_ratio(case: Results, top: str, bottom: str, attr: str = "wall") -> list[float]:
    pairs = [
        (a[attr], b[attr])
        for a, b in zip(case["runs"].get(top, []), case["runs"].get(bottom, []), strict=False)
        if a is not None and b is not None
    ]
    return ratios([p[0] for p in pairs], [p[1] for p in pairs])


def _peak(case: Results, name: str) -> float:
    values = [r["peak_rss_mb"] for r in case["runs"].get(name, []) if r is not None]
    return max(values) if values else math.nan


def _samples(result: Results, page: str, level: str | None, mode: str) -> list[float]:
    pages = result.get("samples", {}).get(page, {})
    levels = [level] if level else list(pages)
    out: list[float] = []
    for lv in levels:
        out += pages.get(lv, {}).get(mode, [])
    return out


def _machine(results: Results) -> list[str]:
    m = results["machine"]
    end = results.get("load_at_end", [math.nan] * 3)
    rows = [
        ("CPU", m["cpu"]),
        ("cores", m["cores"]),
        ("memory", m["memory"]),
        ("OS", m["os"]),
        ("Python", m["python"]),
        ("packages", m["packages"]),
        ("browser", m["chromium"]),
        ("commit", m["commit"]),
        ("load average at start", m["load_at_start"]),
        ("load average at end", " / ".join(_f(x) for x in end) + " (1 / 5 / 15 min)"),
        (
            "load average (1 min) as each section began",
            ", ".join(f"{k} {_f(v[0])}" for k, v in results.get("loads", {}).items()),
        ),
        (
            "run",
            f"{results['settings']['name']} settings, {_f(results.get('minutes', 0), 1)} "
            f"minutes, {results['started']} UTC",
        ),
    ]
    return _table(("", ""), rows)


def _summary(results: Results) -> list[str]:
    rows: list[list[str]] = []
    for case in results.get("etl", []):
        if not case.get("main"):
            continue
        r = median(_round_ratio(case, PEOLC, DUCKDB))
        rows.append(
            [
                f"{case['label']}: peolc / bare DuckDB",
                f"≤ {ETL_RATIO_TARGET}",
                f"{_f(r)}× (CPU {_f(median(_round_ratio(case, PEOLC, DUCKDB, 'cpu')))}×)",
                _ok(None if math.isnan(r) else r <= ETL_RATIO_TARGET),
            ]
        )
        p = median(_round_ratio(case, PANDAS, PEOLC))
        rows.append(
            [
                f"{case['label']}: pandas + SQLite / peolc",
                f"≥ {PANDAS_TARGET:.0f}",
                f"{_f(p, 1)}×",
                _ok(None if math.isnan(p) else p >= PANDAS_TARGET),
            ]
        )
        m = _peak(case, PEOLC)
        rows.append(
            [
                f"{case['label']}: peolc peak memory",
                f"≤ {MEMORY_TARGET_MB} MB",
                f"{_f(m, 0)} MB",
                _ok(None if math.isnan(m) else m <= MEMORY_TARGET_MB),
            ]
        )
    queries = results.get("queries")
    if queries:
        worst = (math.nan, "", "")
        for page in PAGE_ORDER:
            if page in ("Sidebar", "Equity breakdown + SII"):
                continue
            for level in LEVEL_ORDER:
                p95 = percentile(_samples(queries, page, level, "warm"), 95)
                if not math.isnan(p95) and (math.isnan(worst[0]) or p95 > worst[0]):
                    worst = (p95, page, level)
        over = [
            f"{page} ({level})"
            for page in PAGE_ORDER
            if page not in ("Sidebar", "Equity breakdown + SII")
            for level in LEVEL_ORDER
            if percentile(_samples(queries, page, level, "warm"), 95) * 1000 > WARM_P95_TARGET_MS
        ]
        rows.append(
            [
                "query functions, warm p95 per page and level",
                f"≤ {WARM_P95_TARGET_MS} ms",
                f"worst {_ms(worst[0])} ms ({worst[1]}, {worst[2]}); {len(over)} page-levels over",
                _ok(not over),
            ]
        )
        sii = percentile(_samples(queries, "Equity breakdown + SII", LevelKey.ENGLAND, "warm"), 95)
        rows.append(
            [
                "equity breakdown with SII, England, warm p95",
                f"≤ {SII_TARGET_MS} ms",
                f"{_ms(sii)} ms",
                _ok(None if math.isnan(sii) else sii * 1000 <= SII_TARGET_MS),
            ]
        )
    browser = results.get("browser")
    if browser:
        worst_s = max((max(t["seconds"]) for t in browser if t["seconds"]), default=math.nan)
        slow = [
            f"{t['page']} ({t['place']})"
            for t in browser
            if t["seconds"] and max(t["seconds"]) > BROWSER_TARGET_S
        ]
        rows.append(
            [
                "page time in Chromium, warm, slowest",
                f"≤ {BROWSER_TARGET_S:.0f} s",
                f"{_f(worst_s)} s" + (f" ({', '.join(slow)})" if slow else ""),
                _ok(not slow),
            ]
        )
    if results.get("pages"):
        rows += page_speed_rows(results["pages"])
    return _table(("target", "goal", "measured", ""), rows)


def _page_ratio(row: Results) -> float:
    """Dashboard / floor app, of their median seconds for one page and place."""
    dashboard, floor = median(row["seconds"][DASHBOARD]), median(row["seconds"][FLOOR])
    return dashboard / floor if floor > 0 else math.nan


def _page_where(row: Results) -> str:
    return f"{row['page']}, {row['level']} {row['place']}"


def _errors(pages: Results, contender: str) -> int:
    single = sum(len(row["errors"][contender]) for row in pages.get("single", []))
    crowds = [c["error_count"] for c in pages.get("crowds", []) if c["contender"] == contender]
    return single + sum(int(n) for n in crowds)


def page_speed_rows(pages: Results) -> list[list[str]]:
    """The page-speed targets of issue 12 against what was measured (benchmarks/page_speed.py)."""
    measured = [(row, _page_ratio(row)) for row in pages.get("single", [])]
    found = [(row, r) for row, r in measured if not math.isnan(r)]
    missing = len(measured) - len(found)
    middle = median([r for _, r in found])
    worst_row, worst = max(found, key=lambda pair: pair[1]) if found else ({}, math.nan)
    where = f" ({_page_where(worst_row)})" if worst_row else ""
    unmeasured = f"; {missing} page-places not measured" if missing else ""
    rows = [
        [
            "one page, new session: dashboard / floor app, median over pages and places",
            f"≤ {PAGE_MEDIAN_TARGET}×",
            f"{_f(middle)}×{unmeasured}",
            _ok(None if math.isnan(middle) else middle <= PAGE_MEDIAN_TARGET),
        ],
        [
            "one page, new session: dashboard / floor app, slowest page and place",
            f"≤ {PAGE_SLOWEST_TARGET:.0f}×",
            f"{_f(worst)}×{where}{unmeasured}",
            _ok(None if math.isnan(worst) else worst <= PAGE_SLOWEST_TARGET and not missing),
        ],
    ]
    crowds = {c["contender"]: c for c in pages.get("crowds", [])}
    if DASHBOARD in crowds and FLOOR in crowds:
        ours, floor = crowds[DASHBOARD], crowds[FLOOR]
        rate = ours["pages_a_minute"] / floor["pages_a_minute"] if floor["pages_a_minute"] else 0
        p95 = ours["p95"] / floor["p95"] if floor["p95"] > 0 else math.nan
        label = f"{pages['sessions']} concurrent sessions for {pages['duration']:.0f} s"
        rows += [
            [
                f"{label}: pages a minute, dashboard / floor app",
                f"≥ {CROWD_RATE_TARGET}×",
                f"{_f(rate)}× ({_f(ours['pages_a_minute'], 0)} / {_f(floor['pages_a_minute'], 0)})",
                _ok(rate >= CROWD_RATE_TARGET),
            ],
            [
                f"{label}: p95 page time, dashboard / floor app",
                f"≤ {CROWD_P95_TARGET}×",
                f"{_f(p95)}× ({_f(ours['p95'])} / {_f(floor['p95'])} s)",
                _ok(None if math.isnan(p95) else p95 <= CROWD_P95_TARGET),
            ],
        ]
    ours_errors = _errors(pages, DASHBOARD)
    rows.append(
        [
            "page speed: errors (one page and concurrent)",
            "0",
            f"dashboard {ours_errors}, floor app {_errors(pages, FLOOR)}",
            _ok(ours_errors == 0),
        ]
    )
    return rows


def page_speed_summary(pages: Results) -> list[str]:
    """The page-speed rows of "Against the targets", as a table of their own."""
    return _table(("target", "goal", "measured", ""), page_speed_rows(pages))


def page_speed(pages: Results) -> list[str]:
    """What the page-speed benchmark measured: one page at a time, then concurrent sessions."""
    places = ", ".join(f"{level} {code}" for level, code in pages["places"])
    rotation = ", ".join(f"{level} {code}" for level, code in pages["crowd_places"])
    out = [
        "The dashboard against the floor app (benchmarks/floor_app.py: Streamlit drawing a "
        "banner, sidebar pickers over 8,000 places, a title, four tiles, four Plotly charts "
        "and a table of constants, no data work), both served by `streamlit run` on "
        "127.0.0.1 at the same time and visited over Streamlit's websocket protocol "
        "(benchmarks/ws_client.py, no browser): a page's time runs from the request until "
        "the server reports the script finished. Ratios are dashboard / floor app.",
        "",
        f"**One page, new session**: every page for {places}; rounds: {pages['rounds']}, "
        "each visiting every page and place once in each app (alternating which app goes first), "
        "each visit a new session from its own link, after one warming visit per page and "
        "app for England (so an ICB's or a practice's first round may meet cold caches). "
        "Seconds are medians over the rounds; the ratio is of the medians.",
        "",
    ]
    rows = [
        [
            row["page"],
            f"{row['level']} {row['place']}",
            _f(median(row["seconds"][DASHBOARD])),
            _f(median(row["seconds"][FLOOR])),
            f"{_f(_page_ratio(row))}×",
            f"{len(row['errors'][DASHBOARD])} / {len(row['errors'][FLOOR])}",
        ]
        for row in pages.get("single", [])
    ]
    out += _table(
        ("page", "place", "dashboard s", "floor app s", "ratio", "errors (dashboard / floor)"),
        rows,
    )
    out += [
        f"**Concurrent sessions**: {pages['sessions']} sessions for {pages['duration']:.0f} s "
        "against each app in turn (the dashboard first), each session opening every page "
        f"for {rotation} in rotation, as the load test does (benchmarks/loadtest.py).",
        "",
    ]
    rows = [
        [
            c["contender"],
            str(c["loads"]),
            str(c["error_count"]),
            _f(c["p50"]),
            _f(c["p95"]),
            _f(c["slowest"]),
            _f(c["pages_a_minute"], 0),
        ]
        for c in pages.get("crowds", [])
    ]
    out += _table(
        ("app", "page loads", "errors", "p50 s", "p95 s", "slowest s", "pages a minute"), rows
    )
    problems = [
        f"- {name}, {_page_where(row)}: {error}"
        for row in pages.get("single", [])
        for name in (DASHBOARD, FLOOR)
        for error in row["errors"][name]
    ]
    problems += [
        f"- {c['contender']}, concurrent: {e}" for c in pages["crowds"] for e in c["errors"]
    ]
    problems += [
        f"- {name} server log: {line}"
        for name, lines in pages.get("server_log_errors", {}).items()
        for line in lines
    ]
    if problems:
        out += ["Errors (the first 30):", "", *problems[:30], ""]
    return out


def _etl(results: Results) -> list[str]:
    out: list[str] = []
    names = [PEOLC, BEFORE, DUCKDB, PANDAS]
    for case in results.get("etl", []):
        present = [n for n in names if _runs(case, n)]
        out.append(
            f"**{case['label']}**: {case['rows']:,} rows, {case['size_mb']:,.0f} MB of CSV; "
            f"{len(_runs(case, PEOLC))} rounds."
        )
        out.append("")
        rows = []
        for n in present:
            walls, cpus = _runs(case, n), _runs(case, n, "cpu")
            rows.append(
                [
                    n,
                    _f(median(walls)),
                    _f(median(cpus)),
                    _f(_peak(case, n), 0),
                    ", ".join(_f(w, 1) for w in walls),
                ]
            )
        out += _table(
            ("contender", "median wall s", "median CPU s", "peak RSS MB", "wall s by round"), rows
        )
        ratio_rows = [
            [
                f"{a} / {b}",
                _f(median(_round_ratio(case, a, b))),
                _f(median(_round_ratio(case, a, b, "cpu"))),
                ", ".join(_f(x) for x in _round_ratio(case, a, b)),
            ]
            for a, b in ((PEOLC, DUCKDB), (PANDAS, PEOLC), (BEFORE, PEOLC), (BEFORE, DUCKDB))
            if _runs(case, a) and _runs(case, b)
        ]
        out += _table(("ratio (same round)", "median, wall", "median, CPU", "by round"), ratio_rows)
    return out


def _demo(results: Results) -> list[str]:
    rows = [
        [f"peolc demo --years {k}", _f(r["wall"], 1), _f(r["cpu"], 1), _f(r["peak_rss_mb"], 0)]
        for k, r in results.get("demo", {}).items()
    ]
    if not rows:
        return ["Not run (the warehouses of an earlier run were reused).", ""]
    return _table(
        (
            "command (scale " + str(results["settings"]["scale"]) + ")",
            "wall s",
            "CPU s",
            "peak RSS MB",
        ),
        rows,
    )


def _queries(result: Results, modes: Sequence[str] = ("cold", "warm", "cached")) -> list[str]:
    out: list[str] = []
    places = result.get("places", {})
    out.append(
        f"Year {result.get('year')}; places per level: "
        + ", ".join(f"{k} {v}" for k, v in places.items())
        + ". Milliseconds, p50 / p95."
    )
    out.append("")
    header = ["page", "level", *[f"{m} p50 / p95" for m in modes], "samples (warm)"]
    rows = []
    for page in PAGE_ORDER:
        for level in LEVEL_ORDER:
            cells = []
            n = 0
            for mode in modes:
                values = _samples(result, page, level, mode)
                if mode == "warm":
                    n = len(values)
                cells.append(f"{_ms(percentile(values, 50))} / {_ms(percentile(values, 95))}")
            if n:
                rows.append([page, level, *cells, str(n)])
    out += _table(header, rows)
    failures = result.get("failures") or []
    if failures:
        out.append(f"{len(failures)} failures; the first:")
        out.append("```")
        out.append(failures[0][-2000:])
        out.append("```")
        out.append("")
    return out


def _browser(times: list[Results]) -> list[str]:
    rows = [
        [
            t["page"],
            t["place"],
            _f(median(t["seconds"])),
            _f(max(t["seconds"], default=math.nan)),
            str(t["charts"]),
            str(t["errors"]),
        ]
        for t in times
    ]
    return _table(("page", "place", "median s", "slowest s", "charts", "errors shown"), rows)


def _growth(results: Results) -> list[str]:
    growth = results.get("growth") or {}
    if not growth:
        return ["Not run.", ""]
    years = sorted(growth, key=int)
    out = ["Query functions, warm (DuckDB asked every time), all levels pooled, ms p50 / p95:", ""]
    rows = []
    for page in PAGE_ORDER:
        cells = []
        for y in years:
            values = _samples(growth[y]["queries"], page, None, "warm")
            cells.append(f"{_ms(percentile(values, 50))} / {_ms(percentile(values, 95))}")
        rows.append([page, *cells])
    out += _table(("page", *[f"{y} years" for y in years]), rows)
    demo = results.get("demo", {})
    etl = {c["label"]: c for c in results.get("etl", [])}
    rows = []
    for y in years:
        d = demo.get(y)
        case = etl.get(f"deaths, {y} years")
        rows.append(
            [
                f"{y} years",
                "n/a" if d is None else f"{_f(d['wall'], 1)} (CPU {_f(d['cpu'], 1)})",
                "n/a" if case is None else f"{case['rows']:,}",
                "n/a" if case is None else _f(median(_runs(case, PEOLC))),
                "n/a" if case is None else _f(median(_round_ratio(case, PEOLC, DUCKDB))),
                "n/a" if case is None else _f(_peak(case, PEOLC), 0),
            ]
        )
    out += _table(
        (
            "data",
            "peolc demo s",
            "deaths rows",
            "peolc load deaths s",
            "peolc / DuckDB",
            "load peak MB",
        ),
        rows,
    )
    if any("browser" in growth[y] for y in years):
        rows = []
        for y in years:
            for t in growth[y].get("browser", []):
                rows.append([f"{y} years", t["page"], t["place"], _f(median(t["seconds"]))])
        out += _table(("data", "page", "place", "s"), rows)
    return out


def render(results: Results) -> str:
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`python -m benchmarks.run`); see the Benchmarks section of "
        "README.md. The machine is shared, so figures are ratios between contenders run side "
        "by side in the same rounds, or percentiles over many runs; absolute seconds are "
        "given for scale only and move with the load average shown below.",
        "",
        "## Machine",
        "",
        *_machine(results),
        "## Against the targets",
        "",
        *_summary(results),
    ]
    if results.get("etl"):
        lines += [
            "## ETL throughput",
            "",
            "`peolc load KIND FILE` (the real command, its own process, loading into a copy of "
            "a warehouse holding the demo geography) against bare DuckDB (`create table t as "
            "select * from read_csv(FILE)` into a new file, then a checkpoint) and pandas "
            "(`read_csv`, `to_sql` into a new SQLite file). Wall time includes starting "
            "Python; peak RSS is each process's own (its `wait4` figure, read by a small "
            "launcher that forks it; benchmarks/measure.py).",
            "",
            *_etl(results),
        ]
    lines += ["## peolc demo (end to end)", "", *_demo(results)]
    if results.get("queries"):
        lines += [
            "## Query latency",
            "",
            "Each page's query functions as the page calls them (benchmarks/pages.py), for "
            "seeded random places of every level. **cold**: first query after opening the "
            "warehouse (`runner.clear_cache()`, fresh snapshot); **warm**: the result cache "
            "switched off, so DuckDB answers every query (as `run_uncached`); **cached**: the "
            "same page again from the result cache. Times include the Python that shapes and "
            "protects the figures.",
            "",
            *_queries(results["queries"]),
        ]
    if results.get("queries_before"):
        lines += [
            f"### Before (baseline commit {results.get('baseline', {}).get('ref')}), warm only",
            "",
            *_queries(results["queries_before"], ("cold", "warm")),
        ]
    if results.get("pages"):
        lines += ["## Page speed against a floor app", "", *page_speed(results["pages"])]
    if results.get("browser"):
        lines += [
            "## Page time in Chromium",
            "",
            "Headless Chromium (Playwright), from navigation to the last change inside a "
            "Plotly chart (for Data & methods, which has none, the last change in the page), "
            "warm: each page was opened once for the place before the timed visits.",
            "",
            *_browser(results["browser"]),
        ]
    lines += ["## Growth: 1, 5 and 10 years of deaths", "", *_growth(results)]
    if results.get("errors"):
        lines += ["## Errors", "", "```", *results["errors"], "```", ""]
    return "\n".join(lines)
