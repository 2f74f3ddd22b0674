"""Where the warehouse lives.

One rule for the CLI, the dashboard, tests and benchmarks: an explicit path (``--db``)
wins, then the ``PEOLC_DB`` environment variable, then ``data/peolc.duckdb`` in the
repository.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_WAREHOUSE = REPO_ROOT / "data" / "peolc.duckdb"
ENV_VAR = "PEOLC_DB"


def warehouse_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Resolve the warehouse file path (absolute) from the argument, env, or default."""
    chosen = explicit or os.environ.get(ENV_VAR) or DEFAULT_WAREHOUSE
    text = os.fspath(chosen)
    return _resolved(text, "" if os.path.isabs(text) else os.getcwd())


@lru_cache(maxsize=64)
def _resolved(chosen: str, cwd: str) -> Path:
    """``chosen`` made absolute (from ``cwd`` if relative), once: every query asks, and
    resolving touches the file system."""
    return (Path(cwd) / Path(chosen).expanduser()).resolve()
