"""Every broken file of the corpus (tests/bad_inputs/corpus.py) has exactly its outcome.

Each case loads one file into a copy of a warehouse that already holds data of every
kind. A failure must be a LoadError whose text names the file, the line and column where
the case has them, what was expected and (where the case gives them) the values found,
and the warehouse must be byte-for-byte what it was. A success must load the stated rows,
change only the tables of its kind, and (for a pure format variant: encoding, delimiter,
gzip, workbook, column order) leave the warehouse holding exactly what the clean file
gives.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from etl.cli import app
from etl.loading import KINDS, load_files
from peolc.errors import LoadError
from tests.bad_inputs.corpus import BASE, BASE_ROWS, CASES, Case, Fails, Loads, seed_warehouse
from tests.bad_inputs.digests import changed, table_digests

GEOGRAPHY = {"geo_name", "geo_link", "dim_area", "area_alias", "area_ancestor", "area_base"}
GEOGRAPHY |= {"lsoa_imd"}
LOG = {"load_log", "warehouse_meta", "load_reject"}
# the tables a load of each kind may change
TOUCHES: dict[str, set[str]] = {
    "deaths": {"fact_death"},
    "icb-extract": {"fact_measure"},
    "fingertips": {"fact_indicator", "fingertips_indicator"},
    "qof": {"fact_qof"} | GEOGRAPHY,
    "lookups": GEOGRAPHY,
    "imd": {"imd_lsoa"} | GEOGRAPHY,
    "population": {"fact_population"},
    "boundaries": {"geo_boundary"} | GEOGRAPHY,
}

Digests = dict[str, str]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("seeded")
    db = folder / "seeded.duckdb"
    seed_warehouse(db, folder / "files")
    return db


@pytest.fixture(scope="module")
def clean_load(seeded: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Digests]:
    """The table digests after loading a kind's clean file into the seeded warehouse."""
    done: dict[str, Digests] = {}

    def digests(kind: str) -> Digests:
        if kind not in done:
            folder = tmp_path_factory.mktemp(f"clean-{kind}")
            db = folder / "w.duckdb"
            shutil.copyfile(seeded, db)
            [summary] = load_files(db, kind, [BASE[kind](folder)])
            assert summary.rows_loaded == BASE_ROWS[kind]
            done[kind] = table_digests(db)
        return done[kind]

    return digests


def test_the_corpus_covers_every_kind() -> None:
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)
    assert {c.kind for c in CASES} == set(KINDS)
    assert all(c.name.startswith(c.kind + "/") for c in CASES)
    for kind in KINDS:
        outcomes = {type(c.outcome) for c in CASES if c.kind == kind}
        assert Fails in outcomes, f"no failing case for {kind}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_bad_input(
    case: Case, seeded: Path, clean_load: Callable[[str], Digests], tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copyfile(seeded, db)
    before_bytes = db.read_bytes()
    before = table_digests(db)
    path = case.build(tmp_path)
    if isinstance(case.outcome, Fails):
        _fails(case.outcome, db, case.kind, path)
        assert db.read_bytes() == before_bytes, "a failed load changed the warehouse"
    else:
        _loads(case.outcome, db, case.kind, path, before, clean_load)
    assert not list(tmp_path.glob(".w.duckdb.*.tmp*")), "temporary files left behind"


def _fails(outcome: Fails, db: Path, kind: str, path: Path) -> None:
    with pytest.raises(LoadError) as caught:
        load_files(db, kind, [path])
    error = caught.value
    text = str(error)
    assert outcome.title in error.title
    assert path.name in text, "the message does not name the file"
    if outcome.line is not None:
        where = f"{path.name}, line {outcome.line}"
        if outcome.column is not None:
            where += f", column '{outcome.column}'"
        assert where in text, f"expected {where!r} in:\n{text}"
        if error.problems:
            first = error.problems[0]
            assert (first.file, first.line) == (path.name, outcome.line)
    assert outcome.expected in text, f"expected {outcome.expected!r} in:\n{text}"
    if outcome.found is not None:
        assert error.problems and error.problems[0].value == outcome.found
        assert f"(found {outcome.found!r})" in text, f"expected the values in:\n{text}"
    assert "Traceback" not in text and "Error:" not in error.title


def _loads(
    outcome: Loads,
    db: Path,
    kind: str,
    path: Path,
    before: Digests,
    clean_load: Callable[[str], Digests],
) -> None:
    [summary] = load_files(db, kind, [path])
    assert not summary.skipped
    assert summary.rows_loaded == outcome.rows
    assert outcome.note in "; ".join(summary.notes)
    after = table_digests(db)
    assert changed(before, after) - LOG <= TOUCHES[kind], "the load changed other kinds' tables"
    with duckdb.connect(str(db), read_only=True) as con:
        log = con.execute(
            "select file_name, kind, rows_loaded from load_log "
            "where load_id = (select max(load_id) from load_log)"
        ).fetchall()
        assert log == [(path.name, kind, outcome.rows)]
        if outcome.check is not None:
            sql, expected = outcome.check
            assert con.execute(sql).fetchall() == expected
    if outcome.same_as_base:
        clean = clean_load(kind)
        assert changed(clean, after) - LOG == set(), (
            "the variant loaded other rows than the clean file"
        )


@pytest.mark.parametrize(
    "name", ["deaths/impossible-age", "icb-extract/utf-16-without-bom", "boundaries/null-geometry"]
)
def test_cli_reports_on_stderr_and_exits_non_zero(name: str, seeded: Path, tmp_path: Path) -> None:
    [case] = [c for c in CASES if c.name == name]
    assert isinstance(case.outcome, Fails)
    db = tmp_path / "w.duckdb"
    shutil.copyfile(seeded, db)
    before = db.read_bytes()
    path = case.build(tmp_path)
    result = CliRunner().invoke(app, ["load", case.kind, str(path), "--db", str(db)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "error:" in result.stderr and path.name in result.stderr
    assert case.outcome.title in result.stderr and "Traceback" not in result.stderr
    if case.outcome.line is not None:
        assert f"line {case.outcome.line}" in result.stderr
    assert db.read_bytes() == before
