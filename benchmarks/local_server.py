"""A Streamlit app on a free loopback port, and the Chromium that drives it.

One place for what the browser tests (tests/e2e/conftest.py), the page-time benchmark
(benchmarks/browser_bench.py), the load test (benchmarks/loadtest.py) and the page-speed
benchmark (benchmarks/page_speed.py) all need: start ``streamlit run dashboard.py`` (or
another script, such as benchmarks/floor_app.py) on 127.0.0.1 only, wait until its health
endpoint answers, and stop it on the way out. The server's output goes to a log file, not
a pipe nobody reads (a chatty server would fill the pipe and stall).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"  # Debian's package, never a download
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
START_TIMEOUT = 120.0


@dataclass(frozen=True)
class Server:
    """A running Streamlit server: its base URL, process and log file."""

    base: str
    process: subprocess.Popen[bytes]
    log: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(server: Server, timeout: float) -> None:
    """Poll the health endpoint; if the server dies or never answers, fail with its log."""
    url = f"{server.base}/_stcore/health"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            output = server.log.read_text(errors="replace")[-5000:]
            raise RuntimeError(f"streamlit exited with {server.process.returncode}:\n{output}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not answer {url} within {timeout:.0f} s")


@contextmanager
def dashboard(db: Path, root: Path = ROOT) -> Iterator[Server]:
    """``streamlit run dashboard.py`` (of the tree ``root``) on ``db``, 127.0.0.1 only."""
    with serve(root / "dashboard.py", root, {"PEOLC_DB": str(db)}) as server:
        yield server


@contextmanager
def serve(
    script: Path, root: Path = ROOT, env: Mapping[str, str] | None = None
) -> Iterator[Server]:
    """``streamlit run script`` from ``root`` with ``env`` added, 127.0.0.1 only: the
    dashboard, or another app served the same way (benchmarks/floor_app.py)."""
    port = free_port()
    log = Path(tempfile.mkstemp(prefix="peolc-server-", suffix=".log")[1])
    environ = {**os.environ, **(env or {}), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    argv = [sys.executable, "-m", "streamlit", "run", str(script)]
    argv += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    argv += ["--server.headless", "true", "--server.fileWatcherType", "none"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            argv, cwd=root, env=environ, stdout=out, stderr=subprocess.STDOUT
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_healthy(server, START_TIMEOUT)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
        log.unlink(missing_ok=True)
