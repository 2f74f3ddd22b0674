"""Dashboard readers never fail and never see a mix while loads swap the warehouse.

A background thread loads successive deaths files into the warehouse (each load copies,
changes and swaps in a new file) while 16 reader threads ask the dashboard's questions
through ``queries`` as fast as they can. Every version the writer makes was also built
beforehand into a frozen copy, and the answers to each question computed there: each
reader's answer must equal one version's answer, and a version no older than the build
the reader saw just before asking and no newer than the one it saw just after (the
build id read through ``runner.meta``). Zero errors allowed.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from etl.loading import load_files
from peolc.levels import ENGLAND_CODE
from queries import deaths, overview, places, runner
from queries.places import Place
from tests.bad_inputs.corpus import SEED_FILES
from tests.factories import deaths_frame

READERS = 16
LOADS = (400, 250, 330, 180, 290, 360)  # deaths added by each load (version 1, 2, ...)
FIRST = 900  # deaths in version 0
LSOAS = ("E01012392", "E01033500", "E01099999")  # ICB E54000008, ICB E54000050, unknown
ICB = Place("E54000008", "icb", "NHS Cheshire and Merseyside ICB")
TIME_LIMIT = 30.0


def deaths_file(folder: Path, version: int, rows: int) -> Path:
    frame = deaths_frame(rows, seed=100 + version, prefix=f"V{version}-")
    frame = frame.with_columns(pl.Series("lsoa_code", [LSOAS[i % len(LSOAS)] for i in range(rows)]))
    path = folder / f"deaths_v{version}.csv"
    frame.write_csv(path)
    return path


def _frame(frame: pl.DataFrame) -> str:
    return repr(frame.rows())


# the dashboard's questions; each answer reduced to text that compares exactly
QUESTIONS: dict[str, Callable[[Path], str]] = {
    "headline": lambda db: repr(overview.headline(ICB, 2023, db).as_dict()),
    "england": lambda db: _frame(
        deaths.values(Place(ENGLAND_CODE, "england", "England"), 2023, "all", db)
    ),
    "icb by sex": lambda db: _frame(deaths.values(ICB, 2023, "sex", db)),
    "icb by place": lambda db: _frame(
        runner.run(
            "death_measures_split",  # a split the derived sums do not keep
            db,
            area_code="E54000050",
            level="icb",
            year=2023,
            dimension="place_of_death",
        )
    ),  # fmt: skip
    "areas": lambda db: _frame(places.areas("icb", db)),
    "resolve": lambda db: repr(places.resolve("QYG", db)),
    "years": lambda db: repr(places.years(db)),
}


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Path, list[Path], list[dict[str, str]]]:
    """The live warehouse (version 0), the files that make versions 1.., and the answers
    each version gives to each question (from frozen copies)."""
    files = tmp_path / "files"
    files.mkdir()
    staging = tmp_path / "staging.duckdb"
    load_files(staging, "lookups", [SEED_FILES["lookups"](files)])
    load_files(staging, "deaths", [deaths_file(files, 0, FIRST)])
    frozen = [tmp_path / "v0.duckdb"]
    shutil.copyfile(staging, frozen[0])
    loads = []
    for version, rows in enumerate(LOADS, start=1):
        loads.append(deaths_file(files, version, rows))
        load_files(staging, "deaths", [loads[-1]])
        frozen.append(tmp_path / f"v{version}.duckdb")
        shutil.copyfile(staging, frozen[-1])
    answers = [{q: ask(db) for q, ask in QUESTIONS.items()} for db in frozen]
    for question in ("england", "icb by sex", "icb by place", "headline"):
        assert len({a[question] for a in answers}) == len(answers), question
    live = tmp_path / "live" / "w.duckdb"
    live.parent.mkdir()
    shutil.copyfile(frozen[0], live)
    return live, loads, answers


def test_readers_see_one_version_while_loads_swap(
    versions: tuple[Path, list[Path], list[dict[str, str]]],
) -> None:
    live, loads, answers = versions
    build_ids = [runner.meta(live)["build_id"]]  # index = version
    done = threading.Event()
    errors: list[BaseException] = []
    seen: list[tuple[str, str, str, str]] = []  # build before, question, answer, build after
    lock = threading.Lock()

    def write() -> None:
        try:
            for path in loads:
                time.sleep(0.15)
                [summary] = load_files(live, "deaths", [path])
                assert summary.rows_loaded > 0
                build_ids.append(runner.meta(live)["build_id"])  # the only writer
        except BaseException as e:
            errors.append(e)
        finally:
            done.set()

    def read(number: int) -> None:
        names = list(QUESTIONS)
        mine: list[tuple[str, str, str, str]] = []
        try:
            i = number
            deadline = time.monotonic() + TIME_LIMIT
            while not done.is_set() and time.monotonic() < deadline:
                question = names[i % len(names)]
                before = runner.meta(live)["build_id"]
                answer = QUESTIONS[question](live)
                after = runner.meta(live)["build_id"]
                mine.append((before, question, answer, after))
                i += 1
        except BaseException as e:
            errors.append(e)
        with lock:
            seen.extend(mine)

    threads = [threading.Thread(target=read, args=(n,)) for n in range(READERS)]
    threads.append(threading.Thread(target=write))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIME_LIMIT + 30)
    runner.clear_cache()

    assert not errors, errors
    assert len(build_ids) == len(loads) + 1
    version_of = {build: version for version, build in enumerate(build_ids)}
    versions_seen = set()
    for before, question, answer, after in seen:
        first, last = version_of[before], version_of[after]
        fits = [v for v in range(first, last + 1) if answers[v][question] == answer]
        assert fits, f"{question} answered with no version between {first} and {last}"
        versions_seen.update(fits if first == last else [])
    print(f"\n{len(seen)} answers from {READERS} readers over {len(build_ids)} versions")
    assert len(seen) >= 10 * READERS
    assert len(versions_seen) >= 3, "the readers hardly saw the loads"
