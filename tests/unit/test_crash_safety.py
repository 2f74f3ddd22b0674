"""A load killed at any moment leaves the old warehouse or the new one, never a mix.

``peolc load deaths BIG.csv --db W`` runs in a subprocess and is SIGKILLed at more than
twenty moments: as it starts, while it imports, as it fingerprints the file, the instant
its private copy appears (the copy), at fractions of a measured uninterrupted load (the
insert, the checkpoint), once its write-ahead log is merged (just before the fsync and
the swap), and the instant the new file is in place (just after the swap). After each kill
the warehouse must open and be byte-for-byte the old file or hold exactly what an
uninterrupted load gives; then the next load must clear what the killed writer left
behind and succeed.

Importing the CLI takes seconds, so most writers are started *warm*: the subprocess
imports ``etl.cli``, says it is ready, and runs ``main()`` with the same arguments when
told to; the next one warms up while the last is being checked. Two points use a cold
``python -m etl.cli`` to kill during start-up itself.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import pytest

from etl.loading import load_files
from tests.bad_inputs.digests import table_digests
from tests.factories import write_deaths

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
OLD_ROWS, BIG_ROWS, NEXT_ROWS = 120_000, 120_000, 10
POLL = 0.0005
# a writer that imports the CLI, then waits for a line on stdin before it runs
WARM = (
    "import sys\n"
    "import etl.cli, etl.loading, etl.loaders.deaths\n"
    "print('ready', flush=True)\n"
    "sys.stdin.readline()\n"
    "sys.argv = ['peolc', *sys.argv[1:]]\n"
    "etl.cli.main()\n"
)

Outcome = tuple[str, bool, str, int]  # label, killed (else it finished), state, temp files left


@dataclass(frozen=True)
class KillAt:
    """When to kill: ``delay`` seconds after an event (``anchor``) of the load."""

    label: str
    anchor: str  # spawn (cold start), go (warm start), temp (copy appears), wal-merged, swapped
    delay: float = 0.0


class Writer:
    """``peolc load deaths BIG --db W`` in a subprocess, cold or warmed up."""

    def __init__(self, db: Path, big: Path, *, warm: bool) -> None:
        args = ["load", "deaths", str(big), "--db", str(db)]
        command = ["-c", WARM, *args] if warm else ["-m", "etl.cli", *args]
        self.log = db.parent / "stderr.log"
        with open(self.log, "ab") as stderr:
            self.proc = subprocess.Popen(
                [sys.executable, *command],
                cwd=REPO,
                stdin=subprocess.PIPE if warm else subprocess.DEVNULL,
                stdout=subprocess.PIPE if warm else subprocess.DEVNULL,
                stderr=stderr,
            )
        self.warm = warm

    def go(self) -> None:
        """Start the load (a warm writer waits until it has imported everything)."""
        if self.warm:
            assert self.proc.stdout is not None and self.proc.stdin is not None
            assert self.proc.stdout.readline() == b"ready\n", self.log.read_text()
            self.proc.stdin.write(b"\n")
            self.proc.stdin.flush()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=60)


def temps(db: Path) -> list[Path]:
    return sorted(db.parent.glob(f".{db.name}.*.tmp"))


def wals(db: Path) -> list[Path]:
    return sorted(db.parent.glob(f".{db.name}.*.tmp.wal"))


def wait_until(done: Callable[[], bool], proc: subprocess.Popen[bytes], limit: float) -> bool:
    """Poll until ``done()`` (True), or until the process exits or time runs out (False)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if done():
            return True
        if proc.poll() is not None:
            return False
        time.sleep(POLL)
    return False


def deaths_count(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        row = con.execute("select count(*) from fact_death").fetchone()
    assert row is not None
    return int(row[0])


@dataclass
class Rig:
    """The warehouse, its old bytes, the files to load, and the next warm writer."""

    db: Path
    big: Path
    following: Path
    old_bytes: bytes
    new: dict[str, str]
    spare: Writer | None = None

    def writer(self, warm: bool) -> Writer:
        if warm and self.spare is not None:
            writer, self.spare = self.spare, None
            return writer
        return Writer(self.db, self.big, warm=warm)

    def warm_up_next(self) -> None:
        self.spare = Writer(self.db, self.big, warm=True)


def measure(rig: Rig) -> float:
    """Seconds an uninterrupted warm load takes from 'go' to its end."""
    rig.db.write_bytes(rig.old_bytes)
    writer = rig.writer(warm=True)
    try:
        writer.go()
        started = time.monotonic()
        assert writer.proc.wait(timeout=120) == 0, writer.log.read_text()
        took = time.monotonic() - started
    finally:
        writer.stop()
    rig.warm_up_next()
    assert deaths_count(rig.db) == OLD_ROWS + BIG_ROWS
    return took


def kill_once(rig: Rig, kill: KillAt) -> Outcome:
    """Load BIG into the old warehouse, kill the writer as told, check what is left."""
    db = rig.db
    db.write_bytes(rig.old_bytes)
    old_inode = db.stat().st_ino
    writer = rig.writer(warm=kill.anchor != "spawn")
    proc = writer.proc
    try:
        writer.go()
        if kill.anchor == "temp":
            wait_until(lambda: bool(temps(db)), proc, 60)
        elif kill.anchor == "wal-merged":
            if wait_until(lambda: bool(wals(db)), proc, 60):
                wait_until(lambda: not wals(db), proc, 60)
        elif kill.anchor == "swapped":
            wait_until(lambda: db.stat().st_ino != old_inode, proc, 60)
        time.sleep(kill.delay)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        writer.stop()
    rig.warm_up_next()  # imports while this kill is checked
    killed = proc.returncode == -signal.SIGKILL
    assert killed or proc.returncode == 0, writer.log.read_text()
    left = len(temps(db))

    # the warehouse opens and is the old file, or holds exactly the new contents
    count = deaths_count(db)
    if db.read_bytes() == rig.old_bytes:
        state = "old"
        assert count == OLD_ROWS
    else:
        assert table_digests(db) == rig.new, f"neither old nor new after killing at {kill.label}"
        state = "new"
        assert count == OLD_ROWS + BIG_ROWS

    # the next writer clears the killed one's leftovers and loads normally
    [summary] = load_files(db, "deaths", [rig.following])
    assert summary.rows_loaded == NEXT_ROWS
    assert deaths_count(db) == count + NEXT_ROWS
    assert not list(db.parent.glob(f".{db.name}.*.tmp*")), "stale temporary files were kept"
    return kill.label, killed, state, left


def test_killed_loads_leave_the_old_or_the_new_warehouse(tmp_path: Path) -> None:
    seed = tmp_path / "old.duckdb"
    load_files(seed, "deaths", [write_deaths(tmp_path / "old.csv", OLD_ROWS, seed=3, prefix="O")])
    folder = tmp_path / "w"
    folder.mkdir()
    rig = Rig(
        db=folder / "w.duckdb",
        big=write_deaths(tmp_path / "big.csv", BIG_ROWS, seed=4, prefix="B"),
        following=write_deaths(tmp_path / "next.csv", NEXT_ROWS, seed=5, prefix="N"),
        old_bytes=seed.read_bytes(),
        new={},
    )
    try:
        load = measure(rig)
        rig.new = table_digests(rig.db)
        load = min(load, measure(rig))
        fractions = (0.0, 0.01, 0.03, 0.06, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)
        schedule = [
            KillAt("cold start", "spawn"),
            KillAt("cold start, importing", "spawn", 0.5),
            *(KillAt(f"{f:.0%} of the load", "go", f * load) for f in fractions),
            KillAt("copy just begun", "temp"),
            KillAt("copy + 2 ms", "temp", 0.002),
            KillAt("log merged, before fsync and swap", "wal-merged"),
            KillAt("log merged + 3 ms", "wal-merged", 0.003),
            KillAt("just after the swap", "swapped"),
        ]
        outcomes: list[Outcome] = []
        for kill in schedule:
            outcomes.append(kill_once(rig, kill))
            # loads vary with the machine's load: a point that found the load finished
            # is tried again a little earlier, so that it still lands a kill
            for _ in range(3):
                if outcomes[-1][1] or kill.anchor != "go":
                    break
                kill = replace(kill, label=kill.label + ", earlier", delay=kill.delay * 0.85)
                outcomes.append(kill_once(rig, kill))
    finally:
        if rig.spare is not None:
            rig.spare.stop()

    print(f"\nwarm load {load:.2f} s")
    for label, killed, state, left in outcomes:
        print(f"  {label:<34} {'killed' if killed else 'finished':<8} {state:<4} temps {left}")
    kills = [o for o in outcomes if o[1]]
    print("killed:", dict(Counter((state, left > 0) for _, _, state, left in kills)))
    assert len(kills) >= 20
    assert any(state == "old" and left for _, _, state, left in kills)  # killed mid-write
