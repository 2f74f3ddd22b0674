"""Shared fixtures for the backtests: the published reference files beside the repository.

The backtests compare our statistics with numbers others published (PHEindicatormethods'
own test tables, Fingertips extracts). They live in ../shared/data, outside the repo; if
that folder is missing the backtests fail loudly rather than skip, because a silently
skipped backtest is how a wrong confidence interval reaches an analyst.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data, or a clear failure saying where it was expected."""
    if not SHARED_DATA.is_dir():
        pytest.fail(
            f"The backtests need the shared data folder at {SHARED_DATA} "
            "(a sibling of the repository, holding reference/phe_methods and fingertips). "
            "Put it there and run the tests again.",
            pytrace=False,
        )
    return SHARED_DATA


@pytest.fixture(scope="session")
def phe_methods(shared_data: Path) -> Path:
    """The PHEindicatormethods test tables (reference/phe_methods)."""
    folder = shared_data / "reference" / "phe_methods"
    if not folder.is_dir():
        pytest.fail(f"Missing {folder}: see shared/data/MANIFEST.md", pytrace=False)
    return folder


@pytest.fixture(scope="session")
def fingertips(shared_data: Path) -> Path:
    """The Fingertips extracts (fingertips/)."""
    folder = shared_data / "fingertips"
    if not folder.is_dir():
        pytest.fail(f"Missing {folder}: see shared/data/MANIFEST.md", pytrace=False)
    return folder


class Largest:
    """Compare with a reference and keep the largest absolute and relative difference."""

    def __init__(self, name: str, tolerance: str) -> None:
        self.name, self.tolerance = name, tolerance
        self.abs_diff = 0.0
        self.rel_diff: float | None = None
        self.compared = 0
        self.notes: list[str] = []

    def check(
        self,
        got: npt.ArrayLike,
        want: npt.ArrayLike,
        what: str,
        rtol: float = 1e-9,
        atol: float = 0.0,
    ) -> None:
        """Assert got ≈ want elementwise; a missing reference value must be NaN here."""
        g = np.asarray(got, dtype=np.float64).ravel()
        w = np.asarray(want, dtype=np.float64).ravel()
        assert g.shape == w.shape, f"{what}: {g.shape} values against {w.shape}"
        assert np.array_equal(np.isnan(g), np.isnan(w)), f"{what}: missing differ: {g} {w}"
        known = ~np.isnan(w)
        diff = np.abs(g[known] - w[known])
        limit = atol + rtol * np.abs(w[known])
        assert (diff <= limit).all(), f"{what}: got {g[known]} want {w[known]} (diff {diff})"
        if diff.size:
            self.abs_diff = max(self.abs_diff, float(diff.max()))
            nonzero = w[known] != 0
            if nonzero.any():
                rel = diff[nonzero] / np.abs(w[known][nonzero])
                self.rel_diff = max(self.rel_diff or 0.0, float(rel.max()))
        self.compared += int(known.sum())

    def note(self, text: str) -> None:
        """Record a finding that is not a numeric difference."""
        self.notes.append(text)

    def __str__(self) -> str:
        parts = list(self.notes)
        if self.compared:
            rel = "" if self.rel_diff is None else f", rel {self.rel_diff:.3g}"
            parts.insert(0, f"{self.compared} values, largest abs diff {self.abs_diff:.3g}{rel}")
        return f"{'; '.join(parts)} (tolerance: {self.tolerance})"


_TRACKERS: dict[str, Largest] = {}


@pytest.fixture(scope="session")
def largest() -> Callable[[str, str], Largest]:
    """The tracker for one reference, shared by every test that compares with it."""

    def tracker(name: str, tolerance: str) -> Largest:
        return _TRACKERS.setdefault(name, Largest(name, tolerance))

    return tracker


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the largest difference found against each reference."""
    if _TRACKERS:
        terminalreporter.section("largest differences against published figures")
        for name, tracker in sorted(_TRACKERS.items()):
            terminalreporter.write_line(f"{name}: {tracker}")
