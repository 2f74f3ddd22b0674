"""The query benchmark replays what each page asks for (benchmarks/pages.py).

If a page starts calling a query function its benchmark entry does not name, the
latency figures would silently stop covering it: this reads each page's source and
fails, naming the page and the function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from benchmarks.pages import PAGES, PageQueries

PAGES_DIR = Path(__file__).resolve().parents[2] / "pages"


def query_calls(source: str) -> set[str]:
    """``module.function`` for each call of a function of a module imported from queries."""
    tree = ast.parse(source)
    modules: dict[str, str] = {}  # local name -> queries module
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "queries":
            for alias in node.names:
                modules[alias.asname or alias.name] = alias.name
    calls = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in modules
        ):
            calls.add(f"{modules[node.func.value.id]}.{node.func.attr}")
    return calls


def test_every_page_has_an_entry() -> None:
    files = {p.name for p in PAGES_DIR.glob("*.py") if p.name != "__init__.py"}
    assert files == {entry.file for entry in PAGES if entry.file}


@pytest.mark.parametrize("entry", [e for e in PAGES if e.file], ids=lambda e: e.title)
def test_entry_names_every_query_the_page_calls(entry: PageQueries) -> None:
    called = query_calls((PAGES_DIR / entry.file).read_text(encoding="utf-8"))
    assert called, f"pages/{entry.file} calls no query function (is the parser still right?)"
    missing = called - entry.calls
    assert not missing, f"pages/{entry.file} calls {sorted(missing)}: add them to its entry"
