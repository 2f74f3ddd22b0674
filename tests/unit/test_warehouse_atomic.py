"""The live warehouse is never half-written: killed loads leave the old one readable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from etl.loading import load_files
from tests.factories import write_deaths


def deaths_count(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute("select count(*) from fact_death").fetchone()
    assert row is not None
    return int(row[0])


def start_load(db: Path, csv: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "etl.cli", "load", "deaths", str(csv), "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def test_load_killed_half_way_leaves_old_warehouse(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load_files(db, "deaths", [write_deaths(tmp_path / "small.csv", 50, prefix="S")])
    before = db.read_bytes()
    big = write_deaths(tmp_path / "big.csv", 400_000, seed=9)
    proc = start_load(db, big)
    # wait until the writer has made its private copy, then kill it mid-load
    deadline = time.monotonic() + 30
    while not list(tmp_path.glob(".w.duckdb.*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    assert db.read_bytes() == before
    assert deaths_count(db) == 50
    # the next writer clears what the killed one left behind, then loads normally
    [summary] = load_files(db, "deaths", [write_deaths(tmp_path / "next.csv", 20, prefix="N")])
    assert summary.rows_loaded == 20
    assert deaths_count(db) == 70
    assert not list(tmp_path.glob(".w.duckdb.*.tmp*"))


def test_readers_keep_their_version_while_a_load_swaps(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load_files(db, "deaths", [write_deaths(tmp_path / "a.csv", 10, prefix="A")])
    reader = duckdb.connect(":memory:")
    reader.execute("attach $p as w (read_only)", {"p": str(db)})
    load_files(db, "deaths", [write_deaths(tmp_path / "b.csv", 15, prefix="B")])
    old = reader.execute("select count(*) from w.fact_death").fetchone()
    assert old == (10,)
    assert deaths_count(db) == 25
    reader.close()
