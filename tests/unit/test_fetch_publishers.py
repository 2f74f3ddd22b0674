"""``peolc fetch`` for NHS England's and ONS's files, against a loopback server.

Each source's addresses are pointed at the server (its page, zip or feature service),
which answers with the real files of ../shared/data: the July 2026 GP registered-patient
zips behind a publication page of links, a QOF raw-data zip of several CSVs, an ICB
boundary GeoJSON, the LSOA -> sub-ICB -> ICB lookup as feature-service pages, and ONS's
health-geography population workbook. Failures leave the warehouse as it was.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import polars as pl
import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner
from werkzeug import Request, Response

from etl.cli import app
from etl.fetch import http, publishers
from etl.loading import load_files
from tests.conftest import SHARED_DATA
from tests.fetch_server import (
    ERROR_PAGE,
    FAST,
    arcgis_pages,
    fingerprint,
    links_page,
    threaded_server,
    zip_of,
)

MAP_ZIP = SHARED_DATA / "lookups" / "gp-reg-pat-prac-map_2026-07.zip"
AGES_ZIP = SHARED_DATA / "population" / "gp-reg-pat-prac-quin-age_2026-07.zip"
SAPE = SHARED_DATA / "population" / "ons_sape_health_geographies_mid2021_mid2022.xlsx"
LSOA_LOOKUP = SHARED_DATA / "lookups" / "lsoa21_sicbl24_icb24_geographr.csv"
ONS_NAMES = {  # geographr's names -> ONS's, as the feature service spells them
    "lsoa21_code": "LSOA21CD",
    "lsoa21_name": "LSOA21NM",
    "sicbl24_code": "SICBL24CD",
    "sicbl24_name": "SICBL24NM",
    "sicbl24_code_nhs": "SICBL24CDH",
    "icb24_code": "ICB24CD",
    "icb24_name": "ICB24NM",
    "icb24_code_nhs": "ICB24CDH",
}


@pytest.fixture(scope="module")
def make_httpserver() -> Iterator[HTTPServer]:
    yield from threaded_server()


@pytest.fixture(autouse=True)
def _short_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http, "DEFAULT_POLICY", FAST)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "peolc.duckdb"
    path.parent.mkdir()
    return path


def one(db: Path, sql: str) -> tuple[object, ...]:
    with duckdb.connect(str(db), read_only=True) as con:
        row: tuple[object, ...] = con.sql(sql).fetchall()[0]
    return row


def fetch(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["fetch", *args], env={"COLUMNS": "200"})
    return result.exit_code, " ".join(result.output.split())


def serve_gp_page(server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(publishers, "GP_REGISTERED_PAGE", server.url_for("/pubs/gp"))
    page = links_page(
        {
            "Mapping (ZIP)": "/files/7E/DC8059/gp-reg-pat-prac-map.zip",
            "Single year of age (ZIP)": "/files/AA/000001/gp-reg-pat-prac-sing-age-male.zip",
            "Five year age groups (ZIP)": "/files/BB/362F1A/gp-reg-pat-prac-quin-age.zip",
        }
    )
    server.expect_request("/pubs/gp/july-2026").respond_with_data(page, content_type="text/html")


def test_gp_registered_follows_the_page_and_loads_both_zips(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, db: Path
) -> None:
    serve_gp_page(httpserver, monkeypatch)
    for path, file in (
        ("7E/DC8059/gp-reg-pat-prac-map.zip", MAP_ZIP),
        ("BB/362F1A/gp-reg-pat-prac-quin-age.zip", AGES_ZIP),
    ):
        httpserver.expect_request(f"/files/{path}").respond_with_data(
            file.read_bytes(), content_type="application/zip"
        )
    code, output = fetch("gp-registered", "--month", "2026-07", "--db", str(db))
    assert code == 0, output
    assert one(db, "select count(distinct practice_code) from geo_practice_map") == (6139,)
    people = one(db, "select sum(population) from fact_population where base_kind = 'practice'")
    assert people == (63_436_508,)  # MANIFEST.md: England, July 2026
    (folder,) = (db.parent / "raw" / "gp-registered").iterdir()
    files = json.loads((folder / "manifest.json").read_text())["files"]
    assert [f["what"].split(",")[0] for f in files] == [
        "publication page for the GP practice mapping",
        "GP practice mapping",
        "registered patients by five-year age and sex",
    ]


def test_a_page_without_the_link_fails_and_says_where_to_look(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, db: Path
) -> None:
    monkeypatch.setattr(publishers, "GP_REGISTERED_PAGE", httpserver.url_for("/pubs/gp"))
    httpserver.expect_request("/pubs/gp/july-2026").respond_with_data(
        links_page({"Summary": "/summary.pdf"}), content_type="text/html"
    )
    code, output = fetch("gp-registered", "--db", str(db))
    assert code != 0
    assert "no link to the GP practice mapping" in output and "--url" in output
    assert "peolc load lookups gp-reg-pat-prac-map_2026-07.zip" in output
    assert not db.exists()


def test_a_web_page_instead_of_a_zip_changes_nothing(httpserver: HTTPServer, db: Path) -> None:
    load_files(db, "lookups", [MAP_ZIP])
    before = fingerprint(db)
    httpserver.expect_request("/map.zip").respond_with_data(MAP_ZIP.read_bytes())
    httpserver.expect_request("/ages.zip").respond_with_data(ERROR_PAGE, content_type="text/html")
    code, output = fetch(
        "gp-registered",
        "--url",
        httpserver.url_for("/map.zip"),
        "--url",
        httpserver.url_for("/ages.zip"),
        "--db",
        str(db),
    )
    assert code != 0
    assert "found a web page" in output and "To load by hand" in output
    assert "Nothing was loaded: the warehouse is as it was." in output
    assert fingerprint(db) == before


def test_qof_loads_the_prevalence_and_mapping_files_of_its_zip(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, db: Path
) -> None:
    qof = SHARED_DATA / "qof"
    body = zip_of(
        {
            "PREVALENCE_2223.csv": (qof / "PREVALENCE_2223.csv").read_bytes(),
            "MAPPING_NHS_GEOGRAPHIES_2223.csv": (
                qof / "MAPPING_NHS_GEOGRAPHIES_2223.csv"
            ).read_bytes(),
            "ACHIEVEMENT_LONDON_2223.csv": b"PRACTICE_CODE,INDICATOR_CODE,MEASURE,VALUE\n",
            "README.txt": b"QOF 2022-23 raw data",
        }
    )
    httpserver.expect_request("/QOF2223.zip").respond_with_data(body)
    monkeypatch.setitem(publishers.QOF_ZIPS, "2022-23", httpserver.url_for("/QOF2223.zip"))
    code, output = fetch("qof", "--year", "2022-23", "--db", str(db))
    assert code == 0, output
    assert "MAPPING_NHS_GEOGRAPHIES_2223.csv" in output and "PREVALENCE_2223.csv" in output
    assert "ACHIEVEMENT" not in output
    register = one(db, "select sum(register) from fact_qof where group_code = 'PC'")
    assert register == (290_433,)  # MANIFEST.md: England's PC register, 2022-23


def test_boundaries_come_from_the_feature_service(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, db: Path
) -> None:
    service = "Integrated_Care_Boards_April_2023_EN_BSC"
    monkeypatch.setattr(publishers, "ARCGIS", httpserver.url_for("/arcgis"))
    monkeypatch.setitem(publishers.BOUNDARY_SERVICES, "2023", (service,))
    shape = SHARED_DATA / "boundaries" / "icb_2023_apr_en_bsc.geojson"
    httpserver.expect_request(
        f"/arcgis/{service}/FeatureServer/0/query",
        query_string={"where": "1=1", "outFields": "*", "outSR": "4326", "f": "geojson"},
    ).respond_with_data(shape.read_bytes(), content_type="application/geo+json")
    code, output = fetch("boundaries", "--db", str(db))
    assert code == 0, output
    assert one(db, "select count(*) from geo_boundary") == (42,)


def test_a_lookup_is_read_page_by_page_into_one_csv(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, db: Path
) -> None:
    service = publishers.LOOKUP_SERVICES["2024"][0]
    monkeypatch.setattr(publishers, "ARCGIS", httpserver.url_for("/arcgis"))
    monkeypatch.setattr(publishers, "PAGE_SIZE", 10_000)
    rows = pl.read_csv(LSOA_LOOKUP, infer_schema=False).rename(ONS_NAMES)
    pages = arcgis_pages(rows.with_columns(pl.lit("E06000001").alias("LAD24CD")), 10_000)

    def page(request: Request) -> Response:
        assert request.args["returnGeometry"] == "false"
        assert request.args["resultRecordCount"] == "10000"
        return Response(pages[int(request.args["resultOffset"]) // 10_000])

    httpserver.expect_request(f"/arcgis/{service}/FeatureServer/0/query").respond_with_handler(page)
    code, output = fetch("lookups", "--year", "2024", "--db", str(db))
    assert code == 0, output
    assert len(httpserver.log) == len(pages) == 4
    (folder,) = (db.parent / "raw" / "lookups").iterdir()
    joined = pl.read_csv(folder / f"{service}.csv", infer_schema=False)
    assert joined.height == rows.height == 33_755
    lsoas = one(db, "select count(distinct area_code) from geo_name where level = 'lsoa'")
    assert lsoas == (33_755,)


def test_a_feature_service_error_fails(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, db: Path
) -> None:
    monkeypatch.setattr(publishers, "ARCGIS", httpserver.url_for("/arcgis"))
    httpserver.expect_request(
        f"/arcgis/{publishers.LOOKUP_SERVICES['2024'][0]}/FeatureServer/0/query"
    ).respond_with_json({"error": {"code": 400, "message": "Invalid URL"}})
    code, output = fetch("lookups", "--db", str(db))
    assert code != 0 and "Invalid URL" in output and "renamed" in output
    assert not db.exists()


def test_sape_is_kept_checked_and_loaded(httpserver: HTTPServer, db: Path) -> None:
    httpserver.expect_request("/sape.xlsx").respond_with_data(SAPE.read_bytes())
    code, output = fetch("sape", "--url", httpserver.url_for("/sape.xlsx"), "--db", str(db))
    assert code == 0, output
    with duckdb.connect(str(db), read_only=True) as con:
        totals = con.execute(
            "select year, count(distinct base_code), sum(population) from fact_population "
            "where base_kind = 'sub_icb' group by year order by year"
        ).fetchall()
    assert totals == [(2021, 106, 56_554_891), (2022, 106, 57_106_398)]
    (folder,) = (db.parent / "raw" / "sape").iterdir()
    (entry,) = json.loads((folder / "manifest.json").read_text())["files"]
    assert (folder / entry["file"]).read_bytes() == SAPE.read_bytes()


def test_a_workbook_of_another_layout_is_refused(httpserver: HTTPServer, db: Path) -> None:
    other = SHARED_DATA / "population" / "mye22final.xlsx"
    httpserver.expect_request("/sape.xlsx").respond_with_data(other.read_bytes())
    code, output = fetch("sape", "--url", httpserver.url_for("/sape.xlsx"), "--db", str(db))
    assert code != 0 and "without the sheets expected" in output


def test_options_are_checked_before_any_request(httpserver: HTTPServer, db: Path) -> None:
    for args, said in (
        (["gp-registered", "--month", "July"], "--month takes a month such as 2026-07"),
        (["qof", "--year", "2024"], "--year takes a financial year"),
        (["lookups", "--year", "2019"], "No ONS lookups services are listed for 2019"),
        (["gp-registered", "--url", "http://x/a.zip"], "Give --url once for each of the 2"),
    ):
        code, output = fetch(*args, "--db", str(db))
        assert code != 0 and said in output, output
    assert httpserver.log == [] and not db.parent.joinpath("raw").exists()
