"""Query latency: every page's query functions, for random places at each area level.

Run in a child process per warehouse (``python -m benchmarks.query_bench DB OUT.json``).
For each sampled place and each page, side by side:

* **cold**: ``runner.clear_cache()`` first, so the page's first query opens a fresh snapshot
  of the warehouse (DuckDB's buffers empty; the file may still be in the OS page cache);
* **cached**: the same page again, answered from the result cache (what a second visitor
  to the same place gets);
* **warm**: the result cache switched off (every ``run`` asks DuckDB, as ``run_uncached``
  does) with the snapshot open, ``warm_repeats`` times.

Places are drawn with a seeded random generator: ``places_per_level`` of each level (all of
them where a level has fewer), England once.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import time
import traceback
from collections.abc import Callable
from pathlib import Path

MODES = ("cold", "cached", "warm")


def _cache(enabled: bool) -> None:
    from queries import runner

    runner.CACHE_ENTRIES = 512 if enabled else 0
    if not enabled:
        with runner._cache_lock:
            runner._cache.clear()


def sample_places(
    per_level: int, seed: int, levels: tuple[str, ...] | None = None
) -> dict[str, list[tuple[str, str, str]]]:
    """(code, level, name) of the sampled places, by level."""
    from peolc.levels import LEVEL_KEYS, LevelKey
    from queries import places

    chosen: dict[str, list[tuple[str, str, str]]] = {}
    rng = random.Random(seed)
    for level in LEVEL_KEYS:
        if levels is not None and level not in levels:
            continue
        if level == LevelKey.ENGLAND:
            england = places.ENGLAND
            chosen[level] = [(england.code, england.level, england.name)]
            continue
        frame = places.areas(level).sort("area_code")
        rows = list(frame.select("area_code", "area_name").iter_rows())
        picked = rows if len(rows) <= per_level else rng.sample(rows, per_level)
        chosen[level] = [(str(code), level, str(name)) for code, name in picked]
    return chosen


def _timed(action: Callable[[], None]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def measure(
    db: Path,
    per_level: int,
    warm_repeats: int,
    seed: int,
    levels: tuple[str, ...] | None = None,
) -> dict[str, object]:
    """Samples (seconds) by page, level and mode; the SII case; failures."""
    os.environ["PEOLC_DB"] = str(db)
    from benchmarks.pages import PAGES, equity_sii, sidebar
    from peolc.levels import LevelKey
    from queries import places, runner
    from queries.places import Place

    runner.clear_cache()
    year = places.latest_year()
    if year is None:
        raise RuntimeError(f"{db} holds no data")
    chosen = sample_places(per_level, seed, levels)
    pages: list[tuple[str, Callable[[Place, int], None]]] = [("Sidebar", lambda p, _: sidebar(p))]
    pages += [(p.title, p.run) for p in PAGES]
    pages.append(("Equity breakdown + SII", equity_sii))
    samples: dict[str, dict[str, dict[str, list[float]]]] = {
        title: {level: {m: [] for m in MODES} for level in chosen} for title, _ in pages
    }
    failures: list[str] = []
    gc.collect()
    for level, rows in chosen.items():
        for code, lvl, name in rows:
            place = Place(code, lvl, name)
            for title, page in pages:
                if title == "Equity breakdown + SII" and level != LevelKey.ENGLAND:
                    continue
                store = samples[title][level]

                def action(page: Callable[[Place, int], None] = page, place: Place = place) -> None:
                    page(place, year)

                try:
                    runner.clear_cache()
                    _cache(True)
                    store["cold"].append(_timed(action))
                    store["cached"].append(_timed(action))
                    _cache(False)
                    for _ in range(warm_repeats):
                        store["warm"].append(_timed(action))
                except Exception:
                    failures.append(f"{title} at {level} {code}: {traceback.format_exc()}")
                finally:
                    _cache(True)
    runner.clear_cache()
    return {
        "year": year,
        "places": {level: len(rows) for level, rows in chosen.items()},
        "samples": samples,
        "failures": failures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("db", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--places", type=int, default=20)
    parser.add_argument("--warm", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--levels", help="comma-separated level keys (default: every level)")
    args = parser.parse_args()
    levels = tuple(args.levels.split(",")) if args.levels else None
    result = measure(args.db, args.places, args.warm, args.seed, levels)
    args.out.write_text(json.dumps(result))


if __name__ == "__main__":
    main()
