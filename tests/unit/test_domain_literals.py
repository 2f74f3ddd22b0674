"""The domain is written once, in ``peolc/``: no level, breakdown, measure or setting key
is typed as a quoted literal anywhere else.

Code names them through the kernel (``LevelKey.ICB``, ``BreakdownKey.SEX``,
``MeasureKey.HOSPITAL``, ``SettingKey.HOME``, ``PRACTICE_LEVELS``), and SQL joins the
``ref_*`` tables or has the kernel's constants written into it (``etl/reference.py``).
Scanned: Python string constants (not docstrings, not column names: ``pl.col("sex")``,
``frame["sex"]``, ``row["sex"]``, ``.select("sex")``, ``.join(..., on="sex")``,
``category="sex"``, ``pl.Series("sex", ...)``, ``pl.DataFrame({"sex": ...})``, a file
layout's ``Column("sex")``) and SQL single-quoted literals (not comments, not identifiers).
Tests and fixtures may name keys.
"""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

from peolc.breakdowns import BREAKDOWN_KEYS
from peolc.levels import LEVEL_KEYS
from peolc.measures import MEASURE_KEYS
from peolc.vocabulary import PLACES_OF_DEATH

ROOT = Path(__file__).resolve().parents[2]
KEYS = frozenset({*LEVEL_KEYS, *BREAKDOWN_KEYS, *MEASURE_KEYS, *PLACES_OF_DEATH})
EXEMPT_TOP = ("peolc/", "tests/")
_SQL_LITERAL = re.compile(r"'((?:[^']|'')*)'")
_SQL_COMMENT = re.compile(r"--[^\n]*")
# calls whose positional string arguments, and keywords whose string values, name columns
_COLUMN_CALLS = frozenset({
    "col", "alias", "drop", "drop_nulls", "sort", "unique", "rename", "select", "group_by",
    "join", "partition_by", "pivot", "unpivot", "get_column", "Series", "Column", "RowCheck",
})  # fmt: skip
_FRAME_CALLS = frozenset({"DataFrame", "from_dict"})  # a dict argument's keys are columns
_COLUMN_KEYWORDS = frozenset(
    {"on", "by", "category", "stack", "column", "columns", "index", "reference", "key"}
)


def _files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py", "*.sql"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return [ROOT / f for f in listed if not f.startswith(EXEMPT_TOP) and (ROOT / f).is_file()]


def _docstrings(tree: ast.AST) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _column_names(tree: ast.AST) -> set[int]:
    """Constants used as column names: subscripts and arguments of column calls."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            found.add(id(node.slice))
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in _COLUMN_CALLS:
                found.update(id(a) for a in node.args if isinstance(a, ast.Constant))
            if name in _FRAME_CALLS:
                for arg in node.args:
                    if isinstance(arg, ast.Dict):
                        found.update(id(k) for k in arg.keys if isinstance(k, ast.Constant))
            for keyword in node.keywords:
                if keyword.arg in _COLUMN_KEYWORDS:
                    value = keyword.value
                    parts = value.elts if isinstance(value, ast.Tuple | ast.List) else [value]
                    found.update(id(v) for v in parts if isinstance(v, ast.Constant))
    return found


def python_literals(text: str) -> list[tuple[int, str]]:
    """(line, key) for every domain key written as a Python string constant."""
    tree = ast.parse(text)
    skip = _docstrings(tree) | _column_names(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value in KEYS
        and id(node) not in skip
    ]


def sql_literals(text: str) -> list[tuple[int, str]]:
    """(line, key) for every domain key written as a SQL string literal."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _SQL_LITERAL.finditer(_SQL_COMMENT.sub("", line)):
            if match.group(1) in KEYS:
                found.append((number, match.group(1)))
    return found


def literals_by_file() -> dict[str, list[tuple[int, str]]]:
    out: dict[str, list[tuple[int, str]]] = {}
    for path in _files():
        text = path.read_text(encoding="utf-8")
        found = python_literals(text) if path.suffix == ".py" else sql_literals(text)
        if found:
            out[str(path.relative_to(ROOT))] = found
    return out


def test_the_scanner_finds_keys_and_skips_columns_and_docstrings() -> None:
    code = (
        '"""icb"""\nx = "icb"\ny = pl.col("sex")\nz = row["hospital"]\nw = f(level="pcn")\n'
        'v = frame.join(other, on="age_band").select("sex", "home")\nu = g(category="sex")\n'
        't = pl.DataFrame({"sex": [1], "x": "hospice"})\ns = pl.Series("sex", [])\n'
    )
    assert python_literals(code) == [(2, "icb"), (5, "pcn"), (8, "hospice")]
    sql = "-- 'icb' in a comment\nselect sex from t where level = 'practice' and x = 'y'\n"
    assert sql_literals(sql) == [(2, "practice")]


def test_no_domain_key_is_typed_outside_the_kernel() -> None:
    found = {
        name: [f"line {line}: {key!r}" for line, key in hits[:5]]
        for name, hits in literals_by_file().items()
    }
    assert not found, (
        "Domain keys typed outside peolc/ (name them through peolc.levels, peolc.breakdowns, "
        f"peolc.measures or peolc.vocabulary, or join the ref_* tables in SQL): {found}"
    )
