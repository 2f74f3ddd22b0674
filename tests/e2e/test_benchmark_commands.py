"""`make bench` and `make loadtest` keep working: each runs end to end at a tiny size.

The figures themselves are not asserted (speed targets live in benchmarks/, reported,
never in timed tests); these only prove the commands run every section without an
error and write their reports. Each runs in its own process, as the make targets do.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_benchmarks_run_every_section(tmp_path: Path) -> None:
    out = tmp_path / "results.md"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--settings", "tiny", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    for heading in (
        "## Machine",
        "## Against the targets",
        "## ETL throughput",
        "## peolc demo (end to end)",
        "## Query latency",
        "## Page time in Chromium",
        "## Growth",
    ):
        assert heading in text, heading
    assert "## Errors" not in text


@pytest.mark.parametrize("client", ["websocket", "browser"])
def test_loadtest_runs_sessions_without_errors(demo_db: Path, tmp_path: Path, client: str) -> None:
    report = tmp_path / "loadtest.md"
    argv = [sys.executable, "-m", "benchmarks.loadtest", "--db", str(demo_db), "--client", client]
    argv += ["--sessions", "2", "--duration", "20", "--report", str(report)]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    text = report.read_text(encoding="utf-8")
    assert "| errors | 0 |" in text
    loads = next(line for line in text.splitlines() if line.startswith("| page loads |"))
    assert int(loads.split("|")[2].split()[0]) >= 2, loads
