"""Timing and statistics: run a contender in its own process, read its peak memory.

Each contender runs as a child process so that its peak resident memory is its own.
``ru_maxrss`` of a child forked by the benchmark runner is no good: Linux carries a
child's high-water mark across ``exec`` from the moment of ``fork``, when it shares the
runner's pages, so it never reads below the runner's own size. Sampling ``VmHWM`` from
``/proc`` while the child runs misses a peak reached just before it exits. So the runner
starts a tiny launcher (``python -S``, a few MB) that forks and execs the contender and
reports the contender's own ``wait4`` figures: its peak is ``max(launcher, contender)``,
and the launcher is far smaller than anything measured. CPU seconds are the contender's;
wall time is taken around the whole process (interpreter start included).
"""

from __future__ import annotations

import json
import math
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# argv[1]: where to write the report; argv[2:]: the contender. Exits with its status.
_LAUNCHER = """
import json, os, sys
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    json.dump({"maxrss_kb": usage.ru_maxrss, "cpu": usage.ru_utime + usage.ru_stime}, out)
sys.exit(os.waitstatus_to_exitcode(status) % 256)
"""


@dataclass(frozen=True)
class Run:
    """One timed child process."""

    label: str
    wall: float  # seconds, process start to exit
    cpu: float  # user + system seconds of the child
    peak_rss_mb: float  # the child's peak resident set size
    output: str


class ContenderFailed(RuntimeError):
    """A child process exited with an error."""


def run_child(
    label: str,
    argv: Sequence[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 3600,
) -> Run:
    """Run ``argv`` to completion: its wall time, CPU time and peak RSS (its own ``wait4``)."""
    with tempfile.TemporaryDirectory(prefix="peolc-measure-") as scratch:
        report = Path(scratch) / "usage.json"
        launcher = [sys.executable, "-S", "-c", _LAUNCHER, str(report), *argv]
        started = time.perf_counter()
        proc = subprocess.Popen(
            launcher,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # so a timeout stops the contender too
        )
        try:
            output, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            output, _ = proc.communicate()
        wall = time.perf_counter() - started
        text = output.decode(errors="replace")
        if proc.returncode != 0 or not report.exists():
            raise ContenderFailed(f"{label} exited with {proc.returncode}:\n{text[-3000:]}")
        usage = json.loads(report.read_text())
    return Run(label, wall, float(usage["cpu"]), usage["maxrss_kb"] / 1024, text)


def median(values: Sequence[float]) -> float:
    clean = [v for v in values if not math.isnan(v)]
    return statistics.median(clean) if clean else math.nan


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation (numpy's default)."""
    clean = sorted(v for v in values if not math.isnan(v))
    if not clean:
        return math.nan
    position = (len(clean) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(clean) - 1)
    return clean[low] + (clean[high] - clean[low]) * (position - low)


def ratios(numerators: Sequence[float], denominators: Sequence[float]) -> list[float]:
    """Round-by-round ratios (contenders measured side by side in the same round)."""
    return [n / d for n, d in zip(numerators, denominators, strict=True) if d > 0]


def load_average() -> tuple[float, float, float]:
    return os.getloadavg()
