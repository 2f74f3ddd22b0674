"""``peolc fetch fingertips`` end to end against a replayed Fingertips API (tests/fetch_server).

The happy path: the rows land in fact_indicator with the n prefix gone and the CCG/STP
rows that repeat a sub-ICB/ICB row dropped, and every response is kept with its URL, time
and sha256. Every failure (a body cut short, a web page, a new column layout, a timeout,
no server at all) exits non-zero, says how to load the data by hand, and leaves the
warehouse exactly as it was. The retry waits are a few milliseconds (``FAST``).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb
import polars as pl
import pytest
from pytest_httpserver import HTTPServer, RequestHandler
from typer.testing import CliRunner
from werkzeug import Request, Response

from etl.cli import app
from etl.fetch import fingertips as ft
from etl.fetch import http
from etl.loading import load_files
from tests.conftest import SHARED_DATA
from tests.fetch_server import (
    ERROR_PAGE,
    FAST,
    INDICATORS,
    api_csv,
    current_rows,
    fingerprint,
    serve_fingertips,
    superseded_rows,
    threaded_server,
    truncated,
)

DATA = "/api/all_data/csv/by_indicator_id"
ONE = ["--indicators", "93474", "--area-types"]
GIVEN = ["--indicators", ",".join(map(str, INDICATORS)), "--area-types", "221,66,502"]


@pytest.fixture(scope="module")
def make_httpserver() -> Iterator[HTTPServer]:
    yield from threaded_server()


@pytest.fixture(autouse=True)
def _short_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http, "DEFAULT_POLICY", FAST)


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse holding one Fingertips file already (the one a failed fetch must keep)."""
    db = tmp_path_factory.mktemp("base") / "peolc.duckdb"
    load_files(db, "fingertips", [SHARED_DATA / "fingertips" / "indicators-CountyUA.data.csv"])
    return db


@pytest.fixture
def db(base_db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data" / "peolc.duckdb"
    copy.parent.mkdir()
    shutil.copy(base_db, copy)
    return copy


def fetch(db: Path, api: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        app,
        ["fetch", "fingertips", *args, "--db", str(db)],
        env={ft.API_ENV_VAR: api, "COLUMNS": "200"},
    )
    return result.exit_code, " ".join(result.output.split())


def test_given_ids_fetch_only_all_data_and_load_clean_rows(
    httpserver: HTTPServer, db: Path
) -> None:
    httpserver.expect_request(DATA).respond_with_handler(
        lambda r: Response(api_csv(int(r.args["child_area_type_id"])), content_type="text/csv")
    )
    code, output = fetch(db, httpserver.url_for("/api"), *GIVEN)
    assert code == 0, output
    asked = [urlsplit(r.url) for r, _ in httpserver.log]
    assert {a.path for a in asked} == {DATA}
    assert sorted(parse_qs(a.query)["child_area_type_id"][0] for a in asked) == ["221", "502", "66"]
    for area_type in (221, 66):  # each answer's repeats, and no more
        assert f"{superseded_rows((area_type,)):,} CCG/STP rows dropped" in output
    assert output.count("CCG/STP rows dropped") == 2  # none from the county answer

    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.sql(
            "select area_code, area_type from fact_indicator where indicator_id in (91894, 93474)"
        ).pl()
    assert rows.filter(pl.col("area_code").str.starts_with("n")).is_empty()
    assert rows.filter(pl.col("area_type").str.contains("CCG|STP")).is_empty()
    for area_type in (221, 66, 502):
        expected = current_rows(area_type)
        got = rows.filter(pl.col("area_type") == expected["Area Type"][0])
        assert got.height == expected.height  # each once: the repeats were dropped
        assert set(got["area_code"]) == set(expected["Area Code"])
    assert {"E54000008", "E54000048"} <= set(rows["area_code"])  # were nE54...

    (folder,) = (db.parent / "raw" / "fingertips").iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    fetched = [f for f in manifest["files"] if "url" in f]
    assert len(fetched) == 3
    for entry in fetched:
        body = (folder / entry["file"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(body).hexdigest()
        assert entry["url"].startswith(httpserver.url_for(DATA))
        assert entry["fetched_at"].endswith("+00:00")
    assert sum(1 for f in manifest["files"] if "derived_from" in f) == 3


def test_without_ids_the_profile_says_what_to_fetch(httpserver: HTTPServer, db: Path) -> None:
    api = serve_fingertips(httpserver, area_types=(221, 501))
    code, output = fetch(db, "http://unused.invalid/api", "--api", api, "--profile", "95")
    assert code == 0, output
    paths = [urlsplit(r.url) for r, _ in httpserver.log]
    assert [p.path for p in paths[:2]] == [
        "/api/indicator_metadata/by_profile_id",
        "/api/area_types",
    ]
    assert parse_qs(paths[0].query) == {"profile_id": ["95"]}
    data = [parse_qs(p.query) for p in paths[2:]]
    assert sorted(d["child_area_type_id"][0] for d in data) == ["221", "501"]  # not 3 (MSOA)
    assert {d["indicator_ids"][0] for d in data} == {"91894,93474"}


def test_503_then_success_loads(httpserver: HTTPServer, db: Path) -> None:
    httpserver.expect_oneshot_request(DATA).respond_with_data("busy", status=503)
    httpserver.expect_request(DATA).respond_with_data(api_csv(221), content_type="text/csv")
    code, output = fetch(
        db, httpserver.url_for("/api"), "--indicators", "93474", "--area-types", "221"
    )
    assert code == 0, output
    assert len(httpserver.log) == 2


def test_429_with_retry_after_then_success_loads(httpserver: HTTPServer, db: Path) -> None:
    httpserver.expect_oneshot_request(DATA).respond_with_data(
        "slow down", status=429, headers={"Retry-After": "0"}
    )
    httpserver.expect_request(DATA).respond_with_data(api_csv(66), content_type="text/csv")
    code, output = fetch(
        db, httpserver.url_for("/api"), "--indicators", "93474", "--area-types", "66"
    )
    assert code == 0, output
    assert [r.status_code for _, r in httpserver.log] == [429, 200]


def _slow(request: Request) -> Response:
    time.sleep(0.5)  # past FAST's 0.3 s read timeout
    return Response(api_csv(221))


def _changed_layout() -> bytes:
    frame = pl.read_csv(api_csv(221), infer_schema=False)
    return frame.rename({"Area Code": "AreaCode", "Value": "Val"}).write_csv().encode()


FAILURES: dict[str, tuple[Callable[[RequestHandler], None], str]] = {
    "truncated": (lambda s: s.respond_with_response(truncated(api_csv(221))), "cut short"),
    "html": (lambda s: s.respond_with_data(ERROR_PAGE, content_type="text/html"), "web page"),
    "layout": (lambda s: s.respond_with_data(_changed_layout()), "columns are not"),
    "timeout": (lambda s: s.respond_with_handler(_slow), "timeout"),
    "always 503": (lambda s: s.respond_with_data("busy", status=503), "HTTP 503"),
}


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failed_fetch_changes_nothing_and_says_what_to_do(
    failure: str, httpserver: HTTPServer, db: Path
) -> None:
    respond, said = FAILURES[failure]
    httpserver.expect_oneshot_request(DATA).respond_with_data(api_csv(66))  # first call fine
    respond(httpserver.expect_request(DATA))
    before = fingerprint(db)
    code, output = fetch(db, httpserver.url_for("/api"), *GIVEN)
    assert code != 0
    assert said in output
    assert "Nothing was loaded: the warehouse is as it was." in output
    assert "To load by hand" in output and "peolc load fingertips" in output
    assert "manifest.json" in output  # the first answer was kept
    assert fingerprint(db) == before


def test_no_network_changes_nothing(db: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    before = fingerprint(db)
    code, output = fetch(db, f"http://127.0.0.1:{port}/api", *GIVEN)
    assert code != 0
    assert f"Could not download from 127.0.0.1:{port}" in output
    assert "connection failed" in output and "To load by hand" in output
    assert fingerprint(db) == before
    assert not (db.parent / "raw" / "fingertips").exists() or not any(
        (db.parent / "raw" / "fingertips").iterdir()
    )


def test_a_profile_answer_of_another_shape_fails(httpserver: HTTPServer, db: Path) -> None:
    httpserver.expect_request("/api/indicator_metadata/by_profile_id").respond_with_data(
        json.dumps([{"IID": 93474}]), content_type="application/json"
    )
    before = fingerprint(db)
    code, output = fetch(db, httpserver.url_for("/api"))
    assert code != 0 and "changed shape" in output and "--indicators" in output
    assert fingerprint(db) == before


def test_bad_options_are_refused_before_any_request(httpserver: HTTPServer, db: Path) -> None:
    code, output = fetch(db, httpserver.url_for("/api"), "--indicators", "93474,x")
    assert code != 0 and "--indicators takes ids" in output
    code, output = fetch(db, httpserver.url_for("/api"), "--area-types", "221,999")
    assert code != 0 and "Unknown Fingertips area type 999" in output
    assert httpserver.log == []


def test_ids_go_100_a_call() -> None:
    calls = ft.data_calls("http://x/api", list(range(1, 251)), [221, 66])
    assert [len(c.indicator_ids) for c in calls] == [100, 100, 50, 100, 100, 50]
    assert all("parent_area_type_id=15" in c.url for c in calls)


def test_api_base_from_option_env_or_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ft.API_ENV_VAR, raising=False)
    assert ft.api_base() == "https://fingertips.phe.org.uk/api"
    monkeypatch.setenv(ft.API_ENV_VAR, "http://127.0.0.1:1/api/")
    assert ft.api_base() == "http://127.0.0.1:1/api"
    assert ft.api_base("http://other/api") == "http://other/api"
