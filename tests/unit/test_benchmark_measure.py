"""The benchmarks' peak-memory figure is the contender's own, not the runner's."""

from __future__ import annotations

import sys

import pytest

from benchmarks.measure import ContenderFailed, run_child

MB = 1024 * 1024


def touch(size_mb: int) -> str:
    """Python that allocates ``size_mb`` MB and touches every page (so it is resident)."""
    return f"b = bytearray({size_mb} * {MB}); b[::4096] = b'x' * (len(b) // 4096)"


def test_peak_is_the_childs_own_even_when_the_runner_is_large() -> None:
    runner_ballast = bytearray(400 * MB)
    runner_ballast[::4096] = b"x" * (len(runner_ballast) // 4096)
    small = run_child("small", [sys.executable, "-c", "pass"])
    large = run_child("large", [sys.executable, "-c", touch(150)])
    del runner_ballast
    assert small.peak_rss_mb < 100, small.peak_rss_mb  # not the runner's 400 MB
    assert 150 <= large.peak_rss_mb < 400, large.peak_rss_mb


def test_a_peak_just_before_exit_is_caught() -> None:
    """The contender allocates and exits at once: no sampling interval can miss it."""
    runs = [run_child("burst", [sys.executable, "-c", touch(120)]) for _ in range(3)]
    assert all(120 <= run.peak_rss_mb < 250 for run in runs), [r.peak_rss_mb for r in runs]


def test_a_failing_or_overdue_contender_is_reported_with_its_output() -> None:
    with pytest.raises(ContenderFailed, match=r"exited with 3:\nboom"):
        run_child("fails", [sys.executable, "-c", "print('boom'); raise SystemExit(3)"])
    with pytest.raises(ContenderFailed, match="exited with -9"):
        run_child("overdue", [sys.executable, "-c", "import time; time.sleep(60)"], timeout=1)
