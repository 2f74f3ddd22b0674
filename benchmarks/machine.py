"""What the benchmarks ran on: CPU, cores, memory, load, software versions, commit."""

from __future__ import annotations

import importlib.metadata
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = (
    "duckdb", "polars", "pyarrow", "numpy", "pandas", "streamlit", "plotly", "playwright",
    "psutil",
)  # fmt: skip


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return float("nan")


def _chromium() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "not found"
    for line in out.stdout.splitlines():
        if "Chromium" in line:
            return line.strip()
    return out.stdout.strip() or "unknown"


def _git(*args: str) -> str:
    try:
        out = subprocess.run(["git", *args], capture_output=True, text=True, cwd=ROOT, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return out.stdout.strip()


def describe() -> dict[str, str]:
    """The machine and software, as text for results.md."""
    load = os.getloadavg()
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    dirty = _git("status", "--porcelain", "--untracked-files=no")
    return {
        "cpu": _cpu_model(),
        "cores": f"{os.cpu_count()} logical (usable here: {len(os.sched_getaffinity(0))})",
        "memory": f"{_memory_gb():.1f} GB",
        "os": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "python": sys.version.split()[0],
        "packages": ", ".join(f"{k} {v}" for k, v in versions.items()),
        "chromium": _chromium(),
        "commit": _git("rev-parse", "--short", "HEAD")
        + (" (uncommitted changes)" if dirty else ""),
        "load_at_start": f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1 / 5 / 15 min)",
    }
