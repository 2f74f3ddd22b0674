"""SQL, path and HTML payloads are refused or treated as data, never run or opened.

Codes, levels, breakdowns, measure and query names reach the query layer from URLs and
widgets; file names and cell values reach the loaders from analysts' folders. Each
payload below must come back as a QueryError/LoadError or as plain data, leave the
warehouse as it was, and the read-only connection the dashboard uses must not be able
to read or write any file but the warehouse.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import polars as pl
import pytest
from typer.testing import CliRunner

from etl.cli import app
from etl.loading import load_files
from peolc.errors import LoadError, QueryError
from queries import deaths, places, runner
from queries.places import Place
from tests.bad_inputs.corpus import (
    BOUNDARY_FEATURES,
    EXTRACT,
    FINGERTIPS,
    PREVALENCE,
    SEED_FILES,
    geojson,
)
from tests.bad_inputs.digests import table_digests
from tests.factories import deaths_frame

SQL = "'; drop table fact_death; --"
PAYLOADS = (
    SQL,
    "E54000008' or '1'='1",
    'E54000008" or "1"="1',
    "../../etc/passwd",
    "/etc/passwd",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "E54000008; select * from read_csv('/etc/passwd')",
    "$level",
    "%s%n%x",
    "\x00E54000008",
    "E54000008\n",
    "Ｅ５４０００００８",  # full-width digits
    "x" * 10_000,
)
ICB = Place("E54000008", "icb", "NHS Cheshire and Merseyside ICB")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("injection")
    db = folder / "w.duckdb"
    load_files(db, "lookups", [SEED_FILES["lookups"](folder)])
    frame = deaths_frame(60, seed=8, prefix="I").with_columns(
        pl.lit("E01012392").alias("lsoa_code")
    )
    frame.write_csv(folder / "deaths.csv")
    load_files(db, "deaths", [folder / "deaths.csv"])
    return db


@pytest.fixture
def unchanged(warehouse: Path) -> Iterator[Path]:
    """The warehouse, checked byte for byte after the test."""
    before = warehouse.read_bytes()
    yield warehouse
    runner.clear_cache()
    assert warehouse.read_bytes() == before


# ------------------------------------------------------------------------------------
# the query layer
# ------------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_codes_are_data(payload: str, unchanged: Path) -> None:
    with pytest.raises(QueryError, match="No place has the code"):
        places.resolve(payload, unchanged)
    assert runner.run("resolve_place", unchanged, code=payload).is_empty()
    # the real code still resolves: nothing was dropped
    assert places.resolve("QYG", unchanged).code == "E54000008"


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_levels_are_refused(payload: str, unchanged: Path) -> None:
    with pytest.raises(QueryError, match="Unknown level"):
        places.areas(payload, unchanged)
    with pytest.raises(QueryError, match="Unknown level"):
        places.resolve("E54000008", unchanged, level=payload)
    assert runner.run("areas", unchanged, level=payload).is_empty()


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_breakdowns_are_refused_and_places_are_data(payload: str, unchanged: Path) -> None:
    with pytest.raises(QueryError, match="Unknown breakdown"):
        deaths.values(ICB, 2023, payload, unchanged)
    split = deaths.values(ICB, 2023, "sex", unchanged)
    # a made-up place (as if a page passed a code through unchecked) has no deaths
    assert deaths.values(Place(payload, "icb", "x"), 2023, "all", unchanged).is_empty()
    assert deaths.values(Place("E54000008", payload, "x"), 2023, "sex", unchanged).is_empty()
    assert deaths.inequality(split, payload, "imd_quintile") is None


@pytest.mark.parametrize(
    "name", ["../etl/sql/schema", "../../../../etc/passwd", "areas; drop", "AREAS", "", "areas.sql"]
)
def test_query_names_are_never_paths(name: str, unchanged: Path) -> None:
    with pytest.raises(QueryError, match="There is no query named"):
        runner.run(name, unchanged)
    with pytest.raises(QueryError, match="There is no query named"):
        runner.run_uncached(name, unchanged)


def test_parameters_are_bound_not_spliced(unchanged: Path) -> None:
    # a parameter named like SQL, or one the query does not declare, is an error, not text
    with pytest.raises(QueryError):
        runner.run("areas", unchanged, level="icb", extra=SQL)
    with pytest.raises(QueryError):
        runner.run("areas", unchanged, **{"level) or (1=1": "icb"})
    assert runner.run("areas", unchanged, level="icb")["area_code"].to_list() == [
        "E54000008",
        "E54000050",
    ]


@pytest.mark.parametrize(
    "statement",
    [
        "select * from read_csv('/etc/passwd')",
        "select * from read_text('/etc/hostname')",
        "select * from glob('/etc/*')",
        "copy (select 1) to '/tmp/peolc-injection-probe.csv'",
        "attach '/tmp/peolc-injection-probe.duckdb' as other",
        "install httpfs",
        "set enable_external_access = true",
        "set lock_configuration = false",
        "drop table fact_death",
        "insert into warehouse_meta values ('x', 'y')",
    ],
)
def test_the_reader_connection_cannot_touch_files(statement: str, unchanged: Path) -> None:
    with runner.snapshot(unchanged) as snap:
        cursor = snap.con.cursor()
        try:
            cursor.execute("use w")
            with pytest.raises(duckdb.Error):
                cursor.execute(statement).fetchall()
            # the connection still answers, and the table is still there
            assert cursor.execute("select count(*) from fact_death").fetchone() == (60,)
        finally:
            cursor.close()
    assert not Path("/tmp/peolc-injection-probe.csv").exists()
    assert not Path("/tmp/peolc-injection-probe.duckdb").exists()


# ------------------------------------------------------------------------------------
# the loaders
# ------------------------------------------------------------------------------------

FILE_NAMES = (
    "deaths'; drop table fact_death; --.csv",
    'deaths "final" v2.csv',
    "my deaths (2023) – ünïcödé 死亡.csv",
    "<b onmouseover=alert(1)>deaths.csv",
    "deaths $load_id.csv",
    " leading space.csv",
)


@pytest.mark.parametrize("name", FILE_NAMES)
def test_file_names_with_quotes_spaces_and_unicode_load(
    name: str, warehouse: Path, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copyfile(warehouse, db)
    path = tmp_path / name
    deaths_frame(12, seed=9, prefix="F").write_csv(path)
    [summary] = load_files(db, "deaths", [path])
    assert summary.rows_loaded == 12
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "select file_name from load_log where load_id = (select max(load_id) from load_log)"
        ).fetchall() == [(name,)]
        assert con.execute("select count(*) from fact_death").fetchone() == (72,)


def test_file_names_of_other_kinds_load(warehouse: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copyfile(warehouse, db)
    prevalence = tmp_path / "PREVALENCE_2223 'final'; drop table fact_qof.csv"
    prevalence.write_text(PREVALENCE.text())
    [summary] = load_files(db, "qof", [prevalence])
    assert summary.rows_loaded == 4
    boundaries = tmp_path / 'o\'brien "icb" ünï.geojson'
    boundaries.write_text(geojson(BOUNDARY_FEATURES))
    [summary] = load_files(db, "boundaries", [boundaries])
    assert summary.rows_loaded == 2
    extract = tmp_path / "extract; rm -rf ~.csv"
    extract.write_text(EXTRACT.text())
    assert load_files(db, "icb-extract", [extract])[0].rows_loaded == 4


def test_cell_values_are_stored_as_data(warehouse: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copyfile(warehouse, db)
    payload = "<script>alert(1)</script>'; drop table fact_indicator; --"
    path = tmp_path / "indicators.csv"
    path.write_text(FINGERTIPS.set(2, "Indicator Name", payload).set(2, "Area Name", SQL).text())
    load_files(db, "fingertips", [path])
    ids = tmp_path / "deaths.csv"
    deaths_frame(3, seed=4, prefix=SQL).write_csv(ids)
    load_files(db, "deaths", [ids])
    with duckdb.connect(str(db), read_only=True) as con:
        names = con.execute("select indicator_name from fingertips_indicator").fetchall()
        areas = con.execute("select area_name from fact_indicator order by 1").fetchall()
        records = con.execute(
            "select count(*) from fact_death where starts_with(record_id, $p)", {"p": SQL}
        ).fetchone()
    assert (payload,) in names and (SQL,) in areas and records == (3,)


@pytest.mark.parametrize("kind", ["deaths", "boundaries", "imd"])
def test_folders_and_missing_files_are_clear_errors(
    kind: str, warehouse: Path, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copyfile(warehouse, db)
    before = table_digests(db), db.read_bytes()
    with pytest.raises(LoadError, match="is a folder, not a file"):
        load_files(db, kind, [tmp_path])
    with pytest.raises(LoadError, match="does not exist") as caught:
        load_files(db, kind, [tmp_path / "../../etc/passwd-missing.csv"])
    assert "Check the path" in caught.value.detail
    result = CliRunner().invoke(app, ["load", kind, str(tmp_path / "nope.csv"), "--db", str(db)])
    assert result.exit_code == 1 and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr
    assert (table_digests(db), db.read_bytes()) == before
