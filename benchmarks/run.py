"""Run every benchmark and write benchmarks/results.md (``make bench``).

    python -m benchmarks.run                 # national scale, 1 / 5 / 10 years (30-40 min)
    python -m benchmarks.run --quick         # a tenth of national scale, fewer repeats
    python -m benchmarks.run --baseline REF  # also time the code of commit REF (before/after)
    python -m benchmarks.run --only etl,queries

Steps: build the demo warehouses with ``peolc demo`` (timed: the demo figure, and the
warehouses for growth), join their deaths files into national extracts, build a warehouse
with the demo geography but no deaths, write a GP-practice Fingertips extract, then time
ETL, query latency, page speed against a floor app (Streamlit's websocket, no browser;
benchmarks/page_speed.py), page time in Chromium, and growth. Work files go to
benchmarks/work/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
import traceback
from dataclasses import asdict
from pathlib import Path

from benchmarks import data, machine, report
from benchmarks.etl_bench import BEFORE, PEOLC, EtlCase, Tree, run_case
from benchmarks.measure import Run, run_child
from benchmarks.settings import FULL, QUICK, RESULTS, ROOT, SEED, Settings

SECTIONS = ("demo", "etl", "queries", "pages", "browser", "growth")


class Say:
    def __init__(self) -> None:
        self.started = time.perf_counter()

    def __call__(self, text: str) -> None:
        elapsed = time.perf_counter() - self.started
        load = os.getloadavg()[0]
        print(f"[{elapsed / 60:5.1f} min, load {load:4.1f}] {text}", flush=True)


def baseline_tree(ref: str, work: Path) -> Path:
    """The files of commit ``ref`` with this benchmarks package, under ``work``."""
    sha = subprocess.run(
        ["git", "rev-parse", "--short", ref], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    tree = work / f"baseline-{sha}"
    if not (tree / "etl").is_dir():
        tree.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "archive", sha], cwd=ROOT, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    shutil.rmtree(tree / "benchmarks", ignore_errors=True)
    shutil.copytree(
        ROOT / "benchmarks", tree / "benchmarks", ignore=shutil.ignore_patterns("work", "*.md")
    )
    return tree


def build_demo(
    label: str, root: Path, db: Path, files: Path, years: int, settings: Settings, say: Say
) -> Run:
    shutil.rmtree(files, ignore_errors=True)
    db.unlink(missing_ok=True)
    argv = data.demo_command(
        sys.executable, db, years=years, scale=settings.scale, seed=SEED, keep=files
    )
    load = os.getloadavg()[0]
    run = run_child(label, argv, cwd=root)
    say(
        f"{label}: {run.wall:.1f} s (CPU {run.cpu:.1f} s, peak {run.peak_rss_mb:.0f} MB, "
        f"load {load:.1f})"
    )
    return run


def query_bench(
    root: Path, db: Path, out: Path, places: int, warm: int, levels: str | None = None
) -> dict[str, object]:
    argv = [
        sys.executable, "-m", "benchmarks.query_bench", str(db), str(out),
        "--places", str(places), "--warm", str(warm), "--seed", str(SEED),
    ]  # fmt: skip
    if levels:
        argv += ["--levels", levels]
    run_child(f"queries {db.name}", argv, cwd=root, timeout=4 * 3600)
    result: dict[str, object] = json.loads(out.read_text())
    return result


def browser_places(db: Path, settings: Settings) -> list[tuple[str, str, str]]:
    """One seeded random place of each of ``settings.browser_levels`` (England as itself)."""
    os.environ["PEOLC_DB"] = str(db)
    from benchmarks.query_bench import sample_places
    from queries import runner

    chosen = sample_places(1, SEED, settings.browser_levels)
    runner.clear_cache()
    return [rows[0] for rows in chosen.values()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smaller, faster run")
    parser.add_argument("--only", help="comma-separated sections: " + ", ".join(SECTIONS))
    parser.add_argument("--baseline", help="also time this commit's code (before/after)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the results")
    parser.add_argument("--settings", help=argparse.SUPPRESS)  # "tiny": the smoke test
    args = parser.parse_args(argv)
    settings = QUICK if args.quick else FULL
    if args.settings == "tiny":
        from benchmarks.settings import TINY

        settings = TINY
    sections = set(args.only.split(",")) if args.only else set(SECTIONS)
    unknown = sections - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    return run(settings, sections, args.baseline, args.out)


def run(settings: Settings, sections: set[str], baseline: str | None, out: Path) -> int:
    say = Say()
    work = settings.work / settings.name
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, object] = {
        "settings": asdict(settings) | {"work": str(settings.work)},
        "sections": sorted(sections),
        "machine": machine.describe(),
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "errors": [],
        "loads": {},
    }
    errors: list[str] = results["errors"]  # type: ignore[assignment]
    loads: dict[str, list[float]] = results["loads"]  # type: ignore[assignment]
    say(f"benchmarks ({settings.name}) in {work}")

    def section(name: str) -> None:
        loads[name] = list(os.getloadavg())

    before = baseline_tree(baseline, settings.work) if baseline else None
    if before is not None:
        results["baseline"] = {"ref": baseline, "tree": str(before)}

    # 1. demo warehouses (the demo timing, and the warehouses for growth)
    demos: dict[int, Path] = {}
    files: dict[int, Path] = {}
    demo_runs: dict[str, dict[str, float]] = {}
    need_all = sections & {"growth", "etl", "demo"}
    wanted = settings.years if need_all else (settings.main_years,)
    section("demo")
    try:
        for years in wanted:
            db, kept = work / f"demo-{years}y.duckdb", work / f"files-{years}y"
            if "demo" in sections or not db.exists() or not kept.is_dir():
                r = build_demo(f"peolc demo --years {years}", ROOT, db, kept, years, settings, say)
                demo_runs[f"{years}"] = asdict(r) | {"output": ""}
            demos[years], files[years] = db, kept
        if before is not None and sections & {"demo", "queries"}:
            y = settings.main_years
            db, kept = work / f"before-demo-{y}y.duckdb", work / f"before-files-{y}y"
            r = build_demo(f"peolc demo --years {y} (before)", before, db, kept, y, settings, say)
            demo_runs[f"{y} (before)"] = asdict(r) | {"output": ""}
            demos[-1] = db
    except Exception:
        errors.append("demo: " + traceback.format_exc())
        say(errors[-1])
    results["demo"] = demo_runs

    # 2. ETL throughput
    if "etl" in sections and not errors:
        section("etl")
        try:
            results["etl"] = _etl(settings, work, files, before, say)
        except Exception:
            errors.append("etl: " + traceback.format_exc())
            say(errors[-1])

    # 3. query latency on the main warehouse
    main_db = demos.get(settings.main_years)
    if "queries" in sections and main_db is not None:
        section("queries")
        try:
            say(f"query latency, {settings.places_per_level} places per level")
            results["queries"] = query_bench(
                ROOT,
                main_db,
                work / "queries.json",
                settings.places_per_level,
                settings.warm_repeats,
            )
            if before is not None and -1 in demos:
                say("query latency, before")
                results["queries_before"] = query_bench(
                    before, demos[-1], work / "queries-before.json", settings.growth_places, 1
                )
        except Exception:
            errors.append("queries: " + traceback.format_exc())
            say(errors[-1])

    # 4. page speed: the dashboard against the floor app, side by side (websocket sessions)
    if "pages" in sections and main_db is not None:
        section("pages")
        try:
            results["pages"] = _pages(settings, main_db, errors, say)
        except Exception:
            errors.append("pages: " + traceback.format_exc())
            say(errors[-1])

    # 5. page time in Chromium
    if "browser" in sections and main_db is not None:
        section("browser")
        try:
            from benchmarks import browser_bench

            say("page time in Chromium")
            places = browser_places(main_db, settings)
            times = browser_bench.measure(main_db, places, settings.browser_repeats, say=say)
            results["browser"] = [asdict(t) for t in times]
        except Exception:
            errors.append("browser: " + traceback.format_exc())
            say(errors[-1])

    # 6. growth: the same figures on 1 / 5 / 10 years of data
    if "growth" in sections and demos:
        section("growth")
        try:
            results["growth"] = _growth(settings, work, demos, say)
        except Exception:
            errors.append("growth: " + traceback.format_exc())
            say(errors[-1])

    results["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    results["load_at_end"] = list(os.getloadavg())
    results["minutes"] = (time.perf_counter() - say.started) / 60
    (work / "results.json").write_text(json.dumps(results, indent=1, default=str))
    out.write_text(report.render(results))
    say(f"wrote {out} ({results['minutes']:.1f} min)")
    return 1 if errors else 0


def _etl(
    settings: Settings, work: Path, files: dict[int, Path], before: Path | None, say: Say
) -> list[dict[str, object]]:
    main_files = files[settings.main_years]
    base = work / "base.duckdb"
    say("warehouse with the demo geography (no deaths)")
    run_child("base", [sys.executable, "-m", "benchmarks.data", "base", str(main_files),
                       str(base)], cwd=ROOT)  # fmt: skip
    trees = [Tree(PEOLC, ROOT, base)]
    if before is not None:
        before_base = work / "before-base.duckdb"
        run_child("base (before)", [sys.executable, "-m", "benchmarks.data", "base",
                                    str(main_files), str(before_base)], cwd=before)  # fmt: skip
        trees.append(Tree(BEFORE, before, before_base))
    cases: list[EtlCase] = []
    for years in sorted(set(settings.years) | set(settings.etl_years)):
        if years not in files:
            continue
        path, rows = data.deaths_file(files[years], work / f"deaths-{years}y.csv")
        cases.append(EtlCase("deaths", f"deaths, {years} years", path, rows))
    path, rows = data.fingertips_extract(base, settings.fingertips_rows, work / "fingertips.csv")
    cases.append(EtlCase("fingertips", "Fingertips GP practices", path, rows))
    out = []
    for case in cases:
        say(f"ETL: {case.label}, {case.rows:,} rows, {case.size_mb:,.0f} MB")
        pandas_rounds = settings.pandas_rounds
        run_case(case, trees, work, settings.etl_rounds, pandas_rounds, say)
        out.append(
            {
                "kind": case.kind,
                "label": case.label,
                "rows": case.rows,
                "size_mb": case.size_mb,
                "main": case.kind == "fingertips"
                or int(case.label.split()[1]) in settings.etl_years,
                "runs": {
                    name: [None if r is None else asdict(r) | {"output": ""} for r in runs]
                    for name, runs in case.runs.items()
                },
            }
        )
        case.file.unlink(missing_ok=True)
    return out


def _pages(settings: Settings, db: Path, errors: list[str], say: Say) -> dict[str, object]:
    """The page-speed benchmark on ``db``; a floor app that failed a page is an error (there
    is then nothing to compare with), a dashboard that missed its targets is not."""
    from benchmarks import page_speed

    rounds, sessions, seconds = settings.page_rounds, settings.page_sessions, settings.page_seconds
    result = page_speed.measure(db, rounds, sessions, seconds, say=say)
    if page_speed.floor_failed(result):
        errors.append("pages: the floor app failed a page (see Page speed)")
        say(errors[-1])
    return asdict(result)


def _growth(settings: Settings, work: Path, demos: dict[int, Path], say: Say) -> dict[str, object]:
    out: dict[str, object] = {}
    for years in settings.years:
        if years not in demos:
            continue
        say(f"growth: {years} years, {settings.growth_places} places per level")
        entry: dict[str, object] = {
            "queries": query_bench(
                ROOT, demos[years], work / f"growth-{years}y.json", settings.growth_places, 1
            )
        }
        if settings.growth_browser:
            from benchmarks import browser_bench

            places = browser_places(demos[years], settings)[:1]
            times = browser_bench.measure(demos[years], places, 1, say=say)
            entry["browser"] = [asdict(t) for t in times]
        out[str(years)] = entry
    return out


if __name__ == "__main__":
    sys.exit(main())
