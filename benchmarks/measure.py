"""Timing and statistics: run a contender in its own process, read its peak memory.

Each contender runs as a child process so that its peak resident memory is its own. Its
peak is the high-water mark of its own address space (``VmHWM`` in ``/proc/PID/status``,
read every 20 ms while it runs): ``ru_maxrss`` from ``os.wait4`` is no good here, because
Linux carries a child's high-water mark across ``exec`` from the moment of ``fork``, when it
shares the benchmark runner's pages, so it never reads below the runner's own size.
``ru_maxrss`` is kept as a fallback where ``/proc`` cannot be read. CPU seconds come from
``wait4``; wall time is taken around the whole process (interpreter start included).
"""

from __future__ import annotations

import math
import os
import statistics
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


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
    """Run ``argv`` to completion; its wall time, CPU time and peak RSS (from ``wait4``)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        list(argv),
        cwd=cwd,
        env=dict(env) if env is not None else None,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    chunks: list[bytes] = []
    stream = proc.stdout
    assert stream is not None
    reader = threading.Thread(target=lambda: chunks.append(stream.read()), daemon=True)
    reader.start()
    peak_kb = [0]
    finished = threading.Event()
    watcher = threading.Thread(target=_watch_hwm, args=(proc.pid, peak_kb, finished), daemon=True)
    watcher.start()
    killer = threading.Timer(timeout, proc.kill)
    killer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        killer.cancel()
        finished.set()
    wall = time.perf_counter() - started
    watcher.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    reader.join()
    stream.close()
    text = b"".join(chunks).decode(errors="replace")
    if proc.returncode != 0:
        raise ContenderFailed(f"{label} exited with {proc.returncode}:\n{text[-3000:]}")
    cpu = usage.ru_utime + usage.ru_stime
    peak = peak_kb[0] if peak_kb[0] > 0 else usage.ru_maxrss
    return Run(label, wall, cpu, peak / 1024, text)


def _watch_hwm(pid: int, peak_kb: list[int], finished: threading.Event) -> None:
    """Keep the largest ``VmHWM`` (kB) of process ``pid`` in ``peak_kb[0]`` until it ends."""
    status = Path(f"/proc/{pid}/status")
    while not finished.is_set():
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak_kb[0] = max(peak_kb[0], int(line.split()[1]))
                    break
        except (OSError, ValueError):
            pass  # not started yet, or already a zombie: keep what was read
        finished.wait(0.02)


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
