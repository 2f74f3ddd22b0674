"""Every SQL file says what it returns and declares exactly the parameters it binds."""

from __future__ import annotations

from pathlib import Path

import pytest

from peolc.sqlfiles import header_params, sql_params

ROOT = Path(__file__).resolve().parents[2]
SQL_FILES = sorted([*ROOT.glob("queries/*.sql"), *ROOT.glob("etl/sql/*.sql")])


def test_there_are_sql_files() -> None:
    assert len(SQL_FILES) >= 10


@pytest.mark.parametrize("path", SQL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_header_names_file_params_and_returns(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    header = []
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        header.append(line.lower())
    assert header, f"{path.name} has no header comment"
    assert header[0].startswith(f"-- {path.stem}:"), f"{path.name}: header must start with its name"
    assert any(h.startswith("-- params:") for h in header), f"{path.name}: no '-- params:' line"
    assert any(h.startswith("-- returns:") for h in header), f"{path.name}: no '-- returns:' line"
    assert header_params(text) == sql_params(text), (
        f"{path.name}: header declares {sorted(header_params(text))} "
        f"but the body binds {sorted(sql_params(text))}"
    )


@pytest.mark.parametrize("path", SQL_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_sql_is_lowercase(path: Path) -> None:
    body = [
        ln
        for ln in path.read_text(encoding="utf-8").splitlines()
        if not ln.lstrip().startswith("--")
    ]
    shouting = [
        ln for ln in body for kw in (" SELECT ", " FROM ", " WHERE ", " JOIN ") if kw in f" {ln} "
    ]
    assert not shouting, f"{path.name}: keywords in upper case: {shouting[:3]}"
