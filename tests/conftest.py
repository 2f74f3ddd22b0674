"""Warehouses shared by the whole test session.

``demo_db``: a small synthetic warehouse (every ICB, sub-ICB, region and LAD; about 3% of
national deaths) built once through ``peolc demo``'s code. ``real_db``: a warehouse built
from the official open files in ../shared/data (no record-level deaths), as an ICB would
start. ``raw_demo_db``: the demo warehouse with its store rebuilt with disclosure control
switched off (the true counts, for tests that check what is shown against what is true).
Tests that need a warehouse take one of these; none writes to them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from queries import runner

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
DEMO_SEED = 7
DEMO_SCALE = 0.03


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from etl.demo.build import build_demo

    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo(db, seed=DEMO_SEED, years=5, scale=DEMO_SCALE)
    return db


@pytest.fixture(scope="session")
def raw_demo_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil
    from unittest import mock

    from etl import schema, store
    from etl.warehouse import transaction
    from queries.stats import disclosure

    db = tmp_path_factory.mktemp("raw") / "raw.duckdb"
    shutil.copy(demo_db, db)
    with (
        mock.patch.object(disclosure, "applies", lambda level: False),
        transaction(db, setup=schema.ensure) as tx,
    ):
        store.refresh(tx, {"deaths"})
        tx.changed = True  # a build of its own (the query cache is keyed on it)
    return db


@pytest.fixture(scope="session")
def real_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from etl.open_data import build_open_data

    if not SHARED_DATA.is_dir():
        pytest.fail(f"The tests need the shared open data at {SHARED_DATA}.", pytrace=False)
    db = tmp_path_factory.mktemp("real") / "real.duckdb"
    build_open_data(db, SHARED_DATA)
    return db


@pytest.fixture
def use_demo(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the dashboard and queries (PEOLC_DB) at the demo warehouse for one test."""
    monkeypatch.setenv("PEOLC_DB", str(demo_db))
    yield demo_db


@pytest.fixture
def use_real(real_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the dashboard and queries (PEOLC_DB) at the open-data warehouse for one test."""
    monkeypatch.setenv("PEOLC_DB", str(real_db))
    yield real_db


@pytest.fixture(autouse=True, scope="session")
def _close_snapshots() -> Iterator[None]:
    yield
    runner.clear_cache()
