"""Download one URL to a file, patiently: timeouts, retries with backoff, a two-minute budget.

``Downloader.fetch`` streams a response body to a file while hashing it. It retries what
is worth retrying: a 5xx status, 429 (waiting at least as long as its ``Retry-After``
says), a dropped or refused connection, a timeout, and a body cut short (fewer bytes than
its ``Content-Length``). Waits grow exponentially with jitter (half the step fixed, half
random) and every attempt, wait and read counts against one budget per fetch (two
minutes by default): when the next wait would pass it, or a body is still arriving at
it, the fetch gives up with a ``FetchError`` saying what failed last. Other statuses
(404, 403, ...) fail at once. Sleeping, the clock and the jitter are injectable, so tests
run the retry paths without waiting.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests

from peolc import __version__
from peolc.errors import FetchError

USER_AGENT = f"peolc-needs/{__version__} (open data fetch)"
CHUNK = 1 << 16


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait for what, and how often to try again."""

    budget: float = 120.0  # seconds for one fetch, every attempt and wait included
    attempts: int = 8
    backoff: float = 1.0  # first wait; doubles each retry
    max_backoff: float = 30.0
    connect_timeout: float = 10.0
    read_timeout: float = 60.0  # between two packets of the body, not for the whole body


DEFAULT_POLICY = RetryPolicy()  # tests swap in one with short waits


@dataclass(frozen=True)
class Download:
    """A body saved to ``path``: where it came from, when, and its fingerprint."""

    url: str
    path: Path
    fetched_at: dt.datetime
    sha256: str
    size: int
    content_type: str
    attempts: int


class _Retry(Exception):
    """A failure worth another try; ``wait`` is a server-given minimum (Retry-After)."""

    def __init__(self, reason: str, wait: float = 0.0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


def retry_after(value: str | None, now: dt.datetime | None = None) -> float:
    """Seconds a ``Retry-After`` header asks for (a number or an HTTP date); 0 if none."""
    if not value:
        return 0.0
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


def host_of(url: str) -> str:
    return urlsplit(url).netloc or url


class Downloader:
    """Fetches URLs to files under one retry policy (one ``requests`` session)."""

    def __init__(
        self,
        policy: RetryPolicy | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
        on_retry: Callable[[str], None] | None = None,
    ) -> None:
        self.policy = policy or DEFAULT_POLICY
        self.sleep = sleep
        self.clock = clock
        self.jitter = jitter
        self.on_retry = on_retry
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> Downloader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def backoff(self, retry: int) -> float:
        """The wait before retry number ``retry`` (1, 2, ...): exponential, half jittered."""
        step = min(self.policy.max_backoff, self.policy.backoff * 2.0 ** (retry - 1))
        return step / 2 + step / 2 * self.jitter()

    def fetch(self, url: str, dest: Path) -> Download:
        """Save the body of ``url`` to ``dest``; FetchError (and no ``dest``) if it cannot."""
        started = self.clock()
        deadline = started + self.policy.budget
        last, server_wait = "no attempt was made", 0.0
        for attempt in range(1, self.policy.attempts + 1):
            try:
                return self._attempt(url, dest, deadline, attempt)
            except _Retry as e:
                last, server_wait = e.reason, e.wait
            if attempt == self.policy.attempts:
                break
            wait = max(self.backoff(attempt), server_wait)
            if self.clock() + wait > deadline:
                if server_wait > 0:
                    last += f"; the server asked to wait {server_wait:.0f} s (Retry-After)"
                break
            if self.on_retry:
                self.on_retry(f"{host_of(url)}: {last}; retrying in {wait:.1f} s")
            self.sleep(wait)
        spent = self.clock() - started
        raise FetchError(
            f"Could not download from {host_of(url)}.",
            f"{url}\n{last} (gave up after {attempt} attempt(s) in {spent:.0f} s; the limit is "
            f"{self.policy.attempts} attempts or {self.policy.budget:.0f} s).",
        )

    def _attempt(self, url: str, dest: Path, deadline: float, attempt: int) -> Download:
        remaining = deadline - self.clock()
        if remaining <= 0:
            raise _Retry("the time limit was reached")
        timeout = (
            min(self.policy.connect_timeout, remaining),
            min(self.policy.read_timeout, remaining),
        )
        part = dest.with_name(dest.name + ".part")
        try:
            with self.session.get(url, stream=True, timeout=timeout) as response:
                status = response.status_code
                if status == 429 or status >= 500:
                    raise _Retry(
                        f"HTTP {status} {response.reason or ''}".strip(),
                        retry_after(response.headers.get("Retry-After")),
                    )
                if status >= 400:
                    raise FetchError(
                        f"{host_of(url)} refused the request (HTTP {status}).",
                        f"{url}\nHTTP {status} {response.reason or ''}: the address may have "
                        "changed; check it in a browser.",
                    )
                digest, size = hashlib.sha256(), 0
                with open(part, "wb") as handle:
                    for block in response.iter_content(CHUNK):
                        digest.update(block)
                        size += len(block)
                        handle.write(block)
                        if self.clock() > deadline:
                            raise _Retry(f"the body was still arriving after {size:,} bytes")
                expected = response.headers.get("Content-Length")
                encoded = response.headers.get("Content-Encoding", "identity") != "identity"
                if expected and expected.isdigit() and not encoded and int(expected) != size:
                    raise _Retry(
                        f"the response was cut short ({size:,} of {int(expected):,} bytes)"
                    )
                content_type = response.headers.get("Content-Type", "")
            part.replace(dest)
        except requests.exceptions.ChunkedEncodingError as e:
            raise _Retry(f"the response was cut short ({_short(e)})") from e
        except requests.exceptions.Timeout as e:
            raise _Retry(f"no answer within the timeout ({_short(e)})") from e
        except requests.exceptions.ConnectionError as e:
            if "timed out" in str(e):  # a read timeout inside the body arrives as this
                raise _Retry(f"no answer within the timeout ({_short(e)})") from e
            raise _Retry(f"the connection failed ({_short(e)})") from e
        except requests.exceptions.RequestException as e:
            raise FetchError(f"Could not download from {host_of(url)}.", f"{url}\n{e}") from e
        finally:
            part.unlink(missing_ok=True)
        return Download(
            url,
            dest,
            dt.datetime.now(dt.UTC).replace(microsecond=0),
            digest.hexdigest(),
            size,
            content_type,
            attempt,
        )


def _short(error: Exception) -> str:
    """The last, most specific sentence of a requests error."""
    text = str(error)
    for marker in ("Caused by ", "(Caused by "):
        if marker in text:
            text = text.split(marker)[-1]
    return text.strip("()'\" ")[:200]
