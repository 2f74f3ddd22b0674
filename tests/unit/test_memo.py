"""``queries.runner.memo``: a query function's result kept per warehouse build.

A page opened again reuses what its query functions made; a new build (every load
writes one) is answered afresh, and a result made while a load swapped a build in is
not kept under the build it was looked up for.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

import duckdb
import polars as pl
import pytest

from queries import runner
from queries.runner import Db


class Counted(Protocol):
    def __call__(self, level: str, db: Db = None) -> pl.DataFrame: ...


@pytest.fixture
def warehouse(demo_db: Path, tmp_path: Path) -> Iterator[Path]:
    """A copy of the demo warehouse that a test may give new builds."""
    copy = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, copy)
    yield copy
    runner.clear_cache()


def new_build(path: Path) -> None:
    """Give the warehouse at ``path`` a new build id, as a load does."""
    runner.clear_cache()  # close the read-only snapshot before writing the file
    with duckdb.connect(str(path)) as con:
        con.execute(
            "update warehouse_meta set value = $id where key = 'build_id'", {"id": uuid.uuid4().hex}
        )


def counting(calls: list[str], during: Callable[[], None] = lambda: None) -> Counted:
    @runner.memo
    def areas(level: str, db: Db = None) -> pl.DataFrame:
        calls.append(level)
        during()
        return runner.run("areas", db, level=level)

    return areas


def test_the_same_question_on_the_same_build_is_answered_once(warehouse: Path) -> None:
    calls: list[str] = []
    areas = counting(calls)
    first = areas("icb", warehouse)
    assert areas(level="icb", db=warehouse) is first  # positional or by name: one key
    assert calls == ["icb"]
    areas("sub_icb", warehouse)
    assert calls == ["icb", "sub_icb"]


def test_a_new_build_is_answered_afresh(warehouse: Path) -> None:
    calls: list[str] = []
    areas = counting(calls)
    first = areas("icb", warehouse)
    new_build(warehouse)
    again = areas("icb", warehouse)
    assert calls == ["icb", "icb"]
    assert again is not first and again.equals(first)


def test_nothing_is_kept_when_the_cache_is_off(
    warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "CACHE_ENTRIES", 0)  # as the query benchmark's warm mode
    calls: list[str] = []
    areas = counting(calls)
    areas("icb", warehouse)
    areas("icb", warehouse)
    assert calls == ["icb", "icb"]


def test_a_result_made_while_a_build_was_swapped_in_is_not_kept(warehouse: Path) -> None:
    calls: list[str] = []
    swapped: list[bool] = []

    def swap_once() -> None:
        if not swapped:
            swapped.append(True)
            new_build(warehouse)

    areas = counting(calls, during=swap_once)
    areas("icb", warehouse)  # looked up under the old build, made on the new one
    areas("icb", warehouse)  # the new build: not answered from the old one's key
    areas("icb", warehouse)  # now kept
    assert calls == ["icb", "icb"]
