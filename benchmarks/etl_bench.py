"""ETL throughput: ``peolc load`` against bare DuckDB and against pandas + SQLite.

Each round runs every contender once, one after the other, in a different order each
round (rotated), each in its own process; ``peolc`` loads into a fresh copy of a warehouse
that holds the demo geography. Ratios are taken round by round (the contenders of a round
saw the same machine) and their median reported.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import data
from benchmarks.contenders import contender_command, peolc_command
from benchmarks.measure import Run, median, ratios, run_child

PEOLC = "peolc"
BEFORE = "peolc (before)"
DUCKDB = "duckdb"
PANDAS = "pandas"


@dataclass(frozen=True)
class Tree:
    """A checkout whose ``peolc`` is timed: this one, or a baseline (``--baseline``)."""

    label: str
    root: Path
    base: Path  # its warehouse with the demo geography, built by its own code


@dataclass
class EtlCase:
    kind: str  # "deaths" or "fingertips"
    label: str  # e.g. "deaths, 5 years"
    file: Path
    rows: int
    runs: dict[str, list[Run | None]] = field(default_factory=dict)

    @property
    def size_mb(self) -> float:
        return self.file.stat().st_size / 1e6

    def walls(self, name: str) -> list[float]:
        return [r.wall for r in self.runs.get(name, []) if r is not None]

    def round_ratios(self, top: str, bottom: str, attr: str = "wall") -> list[float]:
        """``top``/``bottom`` in each round where both ran."""
        pairs = [
            (getattr(a, attr), getattr(b, attr))
            for a, b in zip(self.runs.get(top, []), self.runs.get(bottom, []), strict=False)
            if a is not None and b is not None
        ]
        return ratios([p[0] for p in pairs], [p[1] for p in pairs])

    def ratio(self, top: str, bottom: str, attr: str = "wall") -> float:
        return median(self.round_ratios(top, bottom, attr))

    def peak_mb(self, name: str) -> float:
        runs = [r for r in self.runs.get(name, []) if r is not None]
        return max((r.peak_rss_mb for r in runs), default=float("nan"))


_LOADED = re.compile(r"([0-9,]+) rows loaded")


def _loaded(output: str) -> int:
    found = _LOADED.findall(output)
    return sum(int(n.replace(",", "")) for n in found)


def run_case(
    case: EtlCase,
    trees: list[Tree],
    work: Path,
    rounds: int,
    pandas_rounds: int,
    say: Callable[[str], None] = print,
) -> EtlCase:
    """Time every contender ``rounds`` times (pandas in the first ``pandas_rounds``)."""
    names = [t.label for t in trees] + [DUCKDB, PANDAS]
    for name in names:
        case.runs[name] = []
    target = (work / "etl").resolve()
    target.mkdir(parents=True, exist_ok=True)
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            if name == PANDAS and r >= pandas_rounds:
                case.runs[name].append(None)
                continue
            db = target / f"{name.replace(' ', '_').strip('()')}.db"
            tree = next((t for t in trees if t.label == name), None)
            if tree is not None:
                data.copy(tree.base, db)
                argv = peolc_command(sys.executable, case.kind, case.file.resolve(), db)
                run = run_child(f"{name} {case.label}", argv, cwd=tree.root)
                loaded = _loaded(run.output)
                if loaded != case.rows:
                    raise RuntimeError(f"{name} loaded {loaded} rows of {case.rows}: {run.output}")
            else:
                argv = contender_command(sys.executable, name, case.file.resolve(), db)
                run = run_child(f"{name} {case.label}", argv, cwd=trees[0].root)
            say(f"  {case.label} round {r + 1}: {name} {run.wall:.1f} s, {run.peak_rss_mb:.0f} MB")
            case.runs[name].append(run)
            for leftover in target.glob(f"{db.name}*"):
                leftover.unlink()
    return case
