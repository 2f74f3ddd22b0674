"""`make bench`, `make loadtest` and the page-speed benchmark keep working, at a tiny size.

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
        "## Page speed against a floor app",
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


def _table_rows(text: str, header: str) -> list[list[str]]:
    """The cells of the rows of the markdown table whose header row starts ``header``."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def test_page_speed_measures_both_apps_on_every_page(demo_db: Path, tmp_path: Path) -> None:
    report = tmp_path / "pages.md"
    argv = [sys.executable, "-m", "benchmarks.page_speed", "--db", str(demo_db), "--quick"]
    argv += ["--report", str(report)]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    text = report.read_text(encoding="utf-8")
    single = _table_rows(text, "| page | place |")
    pages = {"overview", "demographics", "deaths_by_setting", "register_coverage",
             "equity_audit", "data_methods"}  # fmt: skip
    assert {row[0] for row in single} == pages
    assert len(single) == 3 * len(pages), "England, an ICB and a practice for every page"
    for page, place, ours, floor, ratio, errors in single:
        assert float(ours) > 0 and float(floor) > 0, (page, place)
        assert ratio.endswith("×") and errors.endswith("/ 0"), (page, place, errors)
    crowds = {row[0]: row for row in _table_rows(text, "| app | page loads |")}
    assert set(crowds) == {"dashboard", "floor app"}
    assert int(crowds["floor app"][1]) > 0 and crowds["floor app"][2] == "0"
    assert float(crowds["dashboard"][6].replace(",", "")) > 0
    targets = [row[0] for row in _table_rows(text, "| target | goal |")]
    assert len(targets) == 5, targets
    assert "floor app 0 |" in text
