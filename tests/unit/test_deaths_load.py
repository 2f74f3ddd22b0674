"""Loading record-level deaths: idempotent, all-or-nothing, errors that name the line."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from etl.loading import load_files
from peolc.errors import LoadError
from tests.factories import set_field, write_deaths


def table_digest(db: Path, table: str) -> str:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(f"select * exclude (load_id) from {table} order by all").fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_loads_the_project_layout_and_derives_cause_groups(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    csv = write_deaths(tmp_path / "deaths.csv", 200)
    [summary] = load_files(db, "deaths", [csv])
    assert summary.rows_read == 200 and summary.rows_loaded == 200
    with duckdb.connect(str(db), read_only=True) as con:
        groups = dict(
            con.execute(
                "select underlying_cause, any_value(cause_group) from fact_death group by 1"
            ).fetchall()
        )
        need = dict(
            con.execute(
                "select cause_group, bool_and(palliative_need) from fact_death group by 1"
            ).fetchall()
        )
    assert groups == {
        "C349": "cancer",
        "I251": "organ_failure",
        "F03": "dementia",
        "J449": "organ_failure",
        "X59": "sudden_other",
    }
    assert need["sudden_other"] is False and need["cancer"] is True


def test_same_file_twice_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    csv = write_deaths(tmp_path / "deaths.csv", 300)
    load_files(db, "deaths", [csv])
    before = db.read_bytes()
    [again] = load_files(db, "deaths", [csv])
    assert again.skipped
    assert db.read_bytes() == before


def test_reissued_records_replace_earlier_ones(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load_files(db, "deaths", [write_deaths(tmp_path / "a.csv", 100, seed=1)])
    load_files(db, "deaths", [write_deaths(tmp_path / "b.csv", 100, seed=2)])
    with duckdb.connect(str(db), read_only=True) as con:
        count, distinct = con.execute(
            "select count(*), count(distinct record_id) from fact_death"
        ).fetchone()  # type: ignore[misc]
    assert count == distinct == 100


def test_bad_row_near_the_end_fails_whole_load_and_names_line(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    load_files(db, "deaths", [write_deaths(tmp_path / "good.csv", 50, seed=3, prefix="G")])
    before = db.read_bytes()
    bad = write_deaths(tmp_path / "bad.csv", 5000, seed=4)
    set_field(bad, 4999, "age", "130")  # line 4999 = data row 4998
    with pytest.raises(LoadError) as caught:
        load_files(db, "deaths", [bad])
    problems = caught.value.problems
    assert [(p.line, p.column, p.value) for p in problems] == [(4999, "age", "130")]
    assert "bad.csv, line 4999, column 'age'" in str(caught.value)
    assert db.read_bytes() == before
    assert not list(tmp_path.glob(".w.duckdb.*.tmp*"))


def test_line_numbers_count_quoted_newlines(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    csv = write_deaths(tmp_path / "d.csv", 10)
    set_field(csv, 8, "sex", "X")  # data row 7
    # a quoted newline in data row 2 pushes data row 7 down to physical line 9
    set_field(csv, 3, "contributory_causes", '"I10;\nE11"')
    with pytest.raises(LoadError) as caught:
        load_files(db, "deaths", [csv])
    assert [(p.line, p.column) for p in caught.value.problems] == [(9, "sex")]


def test_lenient_load_keeps_good_rows_and_records_rejects(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    csv = write_deaths(tmp_path / "d.csv", 100)
    set_field(csv, 10, "place_of_death", "hopsital")
    set_field(csv, 20, "date_of_death", "2023-02-30")
    [summary] = load_files(db, "deaths", [csv], lenient=True)
    assert (summary.rows_read, summary.rows_rejected, summary.rows_loaded) == (100, 2, 98)
    with duckdb.connect(str(db), read_only=True) as con:
        rejects = con.execute(
            "select line, column_name, value from load_reject order by line"
        ).fetchall()
    assert rejects == [
        (10, "place_of_death", "hopsital"),
        (20, "date_of_death", "2023-02-30"),
    ]
