"""What ``peolc fetch`` does, end to end: download, save, check, then one atomic load.

Nothing is loaded until every download has arrived whole and been checked (a web page
instead of data, a changed column layout): a failure before then leaves the warehouse
untouched and says what failed, where the files already fetched are, and how to get and
load the files by hand. Then every file goes in as one load (``etl.fetch.load``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from etl.fetch import fingertips as ft
from etl.fetch import publishers
from etl.fetch.archive import RawArchive, raw_root
from etl.fetch.fingertips_rows import check_answer, clean_answers
from etl.fetch.http import Download, Downloader
from etl.fetch.load import load_fetched
from peolc.errors import FetchError, LoadSummary
from peolc.measures import FINGERTIPS_PROFILE

# (what is happening, files fetched, files to fetch or None while unknown)
Progress = Callable[[str, int, int | None], None]


@dataclass
class FetchResult:
    folder: Path
    downloads: list[Download] = field(default_factory=list)
    summaries: list[LoadSummary] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _quiet(text: str, done: int, total: int | None) -> None:
    """The default progress: none."""


class _Run:
    """One fetch: its raw folder, its downloads, and the progress bar they move."""

    def __init__(
        self,
        target: Path,
        source: str,
        raw_dir: Path | None,
        downloader: Downloader | None,
        progress: Progress,
    ) -> None:
        self.archive = RawArchive(raw_dir or raw_root(target), source)
        self.result = FetchResult(self.archive.folder)
        self.client = downloader or Downloader()
        self.own_client = downloader is None
        self.progress = progress
        self.total: int | None = None

    def get(self, url: str, name: str, what: str) -> Download:
        done = len(self.result.downloads)
        total = None if self.total is None else max(self.total, done + 1)
        self.progress(f"fetching {what}", done, total)
        got = self.client.fetch(url, self.archive.path_for(name))
        self.archive.add(got, what)
        self.result.downloads.append(got)
        return got

    def fetched(self) -> None:
        done = len(self.result.downloads)
        self.progress("fetched", done, done)

    def failed(self, error: FetchError, manual: str) -> FetchError:
        """``error`` with what it means: nothing loaded, where the files are, what to do."""
        saved = ""
        if self.archive.entries:
            saved = f"Files fetched before the failure: {self.archive.folder} (manifest.json)."
        else:
            self.archive.discard()
        parts = [error.detail, "Nothing was loaded: the warehouse is as it was.", saved, manual]
        return FetchError(error.title, "\n\n".join(p for p in parts if p))

    def close(self) -> None:
        if self.own_client:
            self.client.close()


def fetch_fingertips(
    target: Path,
    *,
    profile: int = FINGERTIPS_PROFILE,
    indicators: Sequence[int] | None = None,
    area_types: Sequence[int] | None = None,
    api: str | None = None,
    raw_dir: Path | None = None,
    downloader: Downloader | None = None,
    progress: Progress = _quiet,
) -> FetchResult:
    """Fetch a profile's (or the given) indicators at the given area types and load them."""
    base = ft.api_base(api)
    if area_types is not None:
        ft.check_area_types(area_types)
    run = _Run(target, "fingertips", raw_dir, downloader, progress)
    try:
        if indicators is None:
            url = ft.profile_indicators_url(base, profile)
            got = run.get(url, f"profile-{profile}-indicators.json", "the profile's indicators")
            indicators = ft.read_profile_indicators(got.path, url)
        if area_types is None:
            url = ft.profile_area_types_url(base, profile)
            got = run.get(url, f"profile-{profile}-area-types.json", "the profile's area types")
            area_types = ft.read_profile_area_types(got.path, url)
        calls = ft.data_calls(base, indicators, area_types)
        run.total = len(run.result.downloads) + len(calls)
        answers = []
        for call in calls:
            what = f"{len(call.indicator_ids)} indicator(s) at area type {call.area_type}"
            got = run.get(call.url, call.label, what)
            answer = check_answer(got.path, call.url)
            if answer is None:
                run.result.notes.append(f"no rows for {what}")
            else:
                answers.append(answer)
        run.fetched()
        if not answers:
            raise FetchError(
                "The Fingertips API had no rows for what was asked.",
                f"indicators {', '.join(map(str, indicators))} at area types "
                f"{', '.join(map(str, area_types))}",
            )
        cleaned = clean_answers(answers, run.archive.folder / "cleaned")
    except FetchError as e:
        raise run.failed(e, ft.by_hand(base, profile)) from e
    finally:
        run.close()
    files = []
    for c in cleaned:
        run.archive.add_derived(c.path, "cleaned for loading", [c.source.name])
        if c.dropped:
            run.result.notes.append(
                f"{c.source.name}: {c.dropped:,} CCG/STP rows dropped (a current ICB or "
                "sub-ICB row publishes the same figure)"
            )
        if c.rows:
            files.append(("fingertips", c.path))
    run.result.summaries = load_fetched(
        target, files, run.archive.folder, lambda t: progress(t, 0, None)
    )
    return run.result


def fetch_publisher(
    target: Path,
    source: str,
    *,
    option: str | None = None,
    urls: Sequence[str] = (),
    raw_dir: Path | None = None,
    downloader: Downloader | None = None,
    progress: Progress = _quiet,
) -> FetchResult:
    """Fetch one of ``publishers.SOURCES`` (for ``option``: a year, a month) and load it."""
    items = publishers.plan(source, option, list(urls))
    run = _Run(target, source, raw_dir, downloader, progress)
    run.total = len(items)
    files: list[tuple[str, Path]] = []
    pages: dict[str, str] = {}
    try:
        for item in items:
            paths = publishers.fetch_item(run.get, run.archive, item, pages)
            if item.kind is None:
                run.result.notes.append(
                    f"{item.what}: saved, not loaded (no loader reads this file yet)"
                )
            files.extend((item.kind, p) for p in paths if item.kind)
        run.fetched()
    except FetchError as e:
        raise run.failed(e, publishers.by_hand(items)) from e
    finally:
        run.close()
    run.result.summaries = load_fetched(
        target, files, run.archive.folder, lambda t: progress(t, 0, None)
    )
    return run.result


__all__ = ["FetchResult", "Progress", "fetch_fingertips", "fetch_publisher"]
