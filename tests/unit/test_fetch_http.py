"""etl.fetch.http: timeouts, retries with backoff and jitter, Retry-After, one time budget.

Against pytest-httpserver's loopback server; the waits are counted by a fake clock that a
fake sleep moves on, so no test waits for a backoff (only for the short read timeouts).
"""

from __future__ import annotations

import datetime as dt
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from etl.fetch.http import Downloader, RetryPolicy, retry_after
from peolc.errors import FetchError
from tests.fetch_server import api_csv, threaded_server, truncated

BODY = api_csv(221)


@pytest.fixture(scope="module")
def make_httpserver() -> Iterator[HTTPServer]:
    yield from threaded_server()


class FakeTime:
    """A monotonic clock that only sleeping moves (plus real time, for the timeouts)."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.start = time.monotonic()

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)

    def clock(self) -> float:
        return time.monotonic() - self.start + sum(self.waits)


def downloader(fake: FakeTime, **policy: float) -> Downloader:
    settings: dict[str, float] = {
        "budget": 120.0,
        "attempts": 8,
        "backoff": 1.0,
        "max_backoff": 30.0,
        "connect_timeout": 1.0,
        "read_timeout": 0.3,
    } | policy
    return Downloader(
        RetryPolicy(**settings),  # type: ignore[arg-type]
        sleep=fake.sleep,
        clock=fake.clock,
        jitter=lambda: 0.5,
    )


def test_503_then_success_backs_off_and_saves_the_body(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    for _ in range(2):
        httpserver.expect_oneshot_request("/data").respond_with_data("busy", status=503)
    httpserver.expect_request("/data").respond_with_data(BODY, content_type="text/csv")
    fake = FakeTime()
    with downloader(fake) as client:
        got = client.fetch(httpserver.url_for("/data"), tmp_path / "a.csv")
    assert got.path.read_bytes() == BODY and got.size == len(BODY) and got.attempts == 3
    # exponential, half of each step jittered (jitter 0.5: three quarters of the step)
    assert fake.waits == [0.75, 1.5]
    assert not list(tmp_path.glob("*.part"))


def test_429_waits_as_long_as_retry_after_asks(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_oneshot_request("/data").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "7"}
    )
    httpserver.expect_request("/data").respond_with_data(BODY)
    fake = FakeTime()
    with downloader(fake) as client:
        got = client.fetch(httpserver.url_for("/data"), tmp_path / "a.csv")
    assert got.attempts == 2 and fake.waits == [7.0]


def test_retry_after_past_the_budget_gives_up_at_once(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/data").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "600"}
    )
    fake = FakeTime()
    with downloader(fake) as client, pytest.raises(FetchError) as caught:
        client.fetch(httpserver.url_for("/data"), tmp_path / "a.csv")
    assert fake.waits == []
    assert "HTTP 429" in caught.value.detail and "Retry-After" in caught.value.detail
    assert not (tmp_path / "a.csv").exists()


def test_every_retry_stays_inside_the_two_minute_budget(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/data").respond_with_data("down", status=502)
    fake = FakeTime()
    with downloader(fake, attempts=100) as client, pytest.raises(FetchError) as caught:
        client.fetch(httpserver.url_for("/data"), tmp_path / "a.csv")
    assert sum(fake.waits) <= 120 and fake.clock() <= 120
    assert fake.waits[-1] == 30 * 0.75  # the step stops growing at max_backoff
    assert "HTTP 502" in caught.value.detail and "120 s" in caught.value.detail


def test_a_timeout_is_retried(httpserver: HTTPServer, tmp_path: Path) -> None:
    def slow(request: Request) -> Response:
        time.sleep(0.6)  # past the 0.3 s read timeout
        return Response(BODY)

    httpserver.expect_oneshot_request("/data").respond_with_handler(slow)
    httpserver.expect_request("/data").respond_with_data(BODY)
    fake = FakeTime()
    with downloader(fake) as client:
        got = client.fetch(httpserver.url_for("/data"), tmp_path / "a.csv")
    assert got.attempts == 2 and got.path.read_bytes() == BODY


def test_a_body_cut_short_is_retried_then_given_up(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/data").respond_with_response(truncated(BODY))
    fake = FakeTime()
    with downloader(fake, attempts=3) as client, pytest.raises(FetchError) as caught:
        client.fetch(httpserver.url_for("/data"), tmp_path / "a.csv")
    assert len(fake.waits) == 2
    assert "cut short" in caught.value.detail and "IncompleteRead" in caught.value.detail
    assert not list(tmp_path.iterdir())  # neither the file nor a .part left


def test_a_refused_connection_is_retried_then_given_up(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens once it is closed
    fake = FakeTime()
    with downloader(fake, attempts=3) as client, pytest.raises(FetchError) as caught:
        client.fetch(f"http://127.0.0.1:{port}/data", tmp_path / "a.csv")
    assert len(fake.waits) == 2
    assert "connection failed" in caught.value.detail
    assert f"127.0.0.1:{port}" in caught.value.title


def test_404_fails_at_once(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/data").respond_with_data("no", status=404)
    fake = FakeTime()
    with downloader(fake) as client, pytest.raises(FetchError) as caught:
        client.fetch(httpserver.url_for("/data"), tmp_path / "a.csv")
    assert fake.waits == [] and "HTTP 404" in caught.value.title


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
    assert retry_after("120") == 120.0
    assert retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now) == 30.0
    assert retry_after("Thu, 01 Jan 2026 11:00:00 GMT", now) == 0.0
    assert retry_after(None) == retry_after("soon") == 0.0
