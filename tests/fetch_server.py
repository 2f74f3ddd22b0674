"""Public sources replayed for the fetch tests, built from the real files in ../shared/data.

The Fingertips API's ``all_data`` CSV for an area type is the rows of that type (and
England's) from the real End of Life extract (MANIFEST.md), in the API's 26 columns, with
what the live API adds: ICB codes with the ``n`` prefix (``nE54000008``), and rows of the
superseded CCG and STP area types that repeat a current sub-ICB or ICB row. The metadata
answers have the shapes in ``reference/fingertips/``. NHS England's publication page is a
page of links to the real zips. No test here reaches the network: every address is the
loopback server of pytest-httpserver.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import polars as pl
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from etl.fetch import http
from tests.conftest import SHARED_DATA

EOL_CSV = SHARED_DATA / "fingertips" / "eol_place_of_death_hospital_2018-2021.csv"
INDICATORS = (91894, 93474)
ENGLAND = "England"
# area type id -> the Area Type the extract names its rows by
AREA_TYPE_NAMES = {
    221: "NHS Integrated Care Boards",
    66: "NHS Sub Integrated Care Boards",
    502: "Counties and Unitary Authorities",
    501: "Districts and Unitary Authorities",
}
# the older area type that the API also sends, repeating the current rows
SUPERSEDED_NAMES = {221: "STPs (2021/22)", 66: "CCGs (from Apr 2021)"}
PREFIXED = {221}  # area types whose codes come with the n prefix
FAST = http.RetryPolicy(
    budget=3.0, attempts=4, backoff=0.01, max_backoff=0.02, connect_timeout=1.0, read_timeout=0.3
)


def threaded_server() -> Iterator[HTTPServer]:
    """A loopback server that answers while a slow handler sleeps (for ``make_httpserver``).

    pytest-httpserver's own serves one request at a time, so a timed-out request of one
    test, still sleeping in its handler, would hold up the next test's requests.
    """
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    try:
        yield server
    finally:
        server.clear()
        server.stop()


@functools.cache
def eol_rows() -> pl.DataFrame:
    return pl.read_csv(EOL_CSV, infer_schema=False)


def current_rows(area_type: int, indicators: tuple[int, ...] = INDICATORS) -> pl.DataFrame:
    """The extract's rows of one area type (England's not included)."""
    wanted = [str(i) for i in indicators]
    return eol_rows().filter(
        pl.col("Area Type") == AREA_TYPE_NAMES[area_type], pl.col("Indicator ID").is_in(wanted)
    )


def api_csv(area_type: int, indicators: tuple[int, ...] = INDICATORS) -> bytes:
    """What ``all_data/csv/by_indicator_id`` answers for these indicators at ``area_type``."""
    wanted = [str(i) for i in indicators]
    england = eol_rows().filter(
        pl.col("Area Type") == ENGLAND, pl.col("Indicator ID").is_in(wanted)
    )
    rows = current_rows(area_type, indicators)
    if area_type in PREFIXED:
        rows = rows.with_columns((pl.lit("n") + pl.col("Area Code")).alias("Area Code"))
    parts = [england, rows]
    if area_type in SUPERSEDED_NAMES:
        parts.append(rows.with_columns(pl.lit(SUPERSEDED_NAMES[area_type]).alias("Area Type")))
    return pl.concat(parts).write_csv().encode()


def superseded_rows(area_types: tuple[int, ...], indicators: tuple[int, ...] = INDICATORS) -> int:
    return sum(current_rows(a, indicators).height for a in area_types if a in SUPERSEDED_NAMES)


def profile_indicators(indicators: tuple[int, ...] = INDICATORS) -> bytes:
    """``indicator_metadata/by_profile_id``: the metadata file's entries for ``indicators``."""
    path = SHARED_DATA / "reference" / "fingertips" / "indicator_metadata_all.json"
    every = json.loads(path.read_text(encoding="utf-8"))
    return json.dumps({str(i): every[str(i)] for i in indicators}).encode()


def profile_area_types(ids: tuple[int, ...]) -> bytes:
    """``area_types?profile_ids=``: a list of area types (3, MSOA, is not one of ours)."""
    names = {3: "Middle Super Output Area", **AREA_TYPE_NAMES}
    return json.dumps(
        [{"Id": i, "Name": names[i], "Short": names[i], "Class": None} for i in ids]
    ).encode()


def data_handler(request: Request) -> Response:
    """``all_data/csv/by_indicator_id`` for any indicators and area type it is asked."""
    ids = tuple(int(i) for i in request.args["indicator_ids"].split(","))
    area_type = int(request.args["child_area_type_id"])
    assert request.args["parent_area_type_id"] == "15"
    assert len(ids) <= 100
    return Response(api_csv(area_type, ids), content_type="text/csv")


def serve_fingertips(server: HTTPServer, area_types: tuple[int, ...] = (221, 66)) -> str:
    """The three endpoints a profile fetch uses; the API's base URL."""
    server.expect_request("/api/indicator_metadata/by_profile_id").respond_with_data(
        profile_indicators(), content_type="application/json"
    )
    server.expect_request("/api/area_types").respond_with_data(
        profile_area_types((3, *area_types)), content_type="application/json"
    )
    server.expect_request("/api/all_data/csv/by_indicator_id").respond_with_handler(data_handler)
    return server.url_for("/api")


def truncated(body: bytes) -> Response:
    """A response that promises ``body`` (Content-Length) and sends half of it."""
    response = Response(body[: len(body) // 2], content_type="text/csv")
    response.headers["Content-Length"] = str(len(body))
    response.automatically_set_content_length = False
    return response


ERROR_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>Service unavailable</title></head>"
    b"<body><h1>Fingertips is down for maintenance</h1></body></html>"
)


def links_page(links: dict[str, str]) -> str:
    items = "".join(f'<li><a href="{href}">{text}</a></li>' for text, href in links.items())
    return f"<!DOCTYPE html><html><body><h1>Publication</h1><ul>{items}</ul></body></html>"


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buffer.getvalue()


def arcgis_pages(rows: pl.DataFrame, size: int) -> list[bytes]:
    """A feature service's JSON answers for ``rows``, ``size`` records a page."""
    pages = []
    for start in range(0, rows.height, size):
        part = rows.slice(start, size)
        pages.append(
            json.dumps(
                {
                    "objectIdFieldName": "ObjectId",
                    "features": [{"attributes": r} for r in part.to_dicts()],
                    "exceededTransferLimit": start + size < rows.height,
                }
            ).encode()
        )
    return pages


def fingerprint(db: Path) -> tuple[str, dict[str, int]]:
    """The warehouse file's sha256 and each table's row count."""
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    with duckdb.connect(str(db), read_only=True) as con:
        tables = con.execute(
            "select schema_name || '.' || table_name from duckdb_tables() order by 1"
        ).fetchall()
        counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for (t,) in tables}  # type: ignore[index]
    return digest, counts
