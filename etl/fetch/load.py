"""Load what a fetch saved as one atomic load, or leave the warehouse exactly as it was.

The files go through the loaders ``peolc load`` uses (``etl.loading.load_source``), each
as its kind, inside one write transaction (``etl.warehouse.transaction``) that ends with
``etl.loading.finish``: all of them are in, with the derived tables rebuilt, or none is.
A file a loader refuses fails the whole load with the loader's own words, plus where the
downloaded files are and how to load them by hand once the problem is fixed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from etl import schema
from etl.loading import finish, load_source
from etl.sources import sniff
from etl.warehouse import transaction
from peolc.errors import LoadError, LoadSummary

Progress = Callable[[str], None]


def by_hand(files: Sequence[tuple[str, Path]], folder: Path) -> str:
    """What to run to load ``files`` without the fetch."""
    lines = [f"The downloaded files are kept in {folder} (manifest.json: URLs, times, sha256)."]
    lines.append("To load them by hand once the problem is fixed:")
    for kind in dict.fromkeys(k for k, _ in files):
        paths = " ".join(str(p) for k, p in files if k == kind)
        lines.append(f"  peolc load {kind} {paths}")
    return "\n".join(lines)


def load_fetched(
    target: Path,
    files: Sequence[tuple[str, Path]],
    folder: Path,
    progress: Progress | None = None,
) -> list[LoadSummary]:
    """Load ``files`` (kind, path) into ``target`` all together; LoadError changes nothing."""
    summaries: list[LoadSummary] = []
    if not files:
        return summaries
    try:
        sources = [(kind, sniff(path)) for kind, path in files]
        with transaction(target, setup=schema.ensure) as tx:
            for kind, source in sources:
                if progress:
                    progress(f"loading {kind}: {source.name} ({source.size / 1e6:,.1f} MB)")
                summaries.append(load_source(tx, kind, source))
            finish(tx, progress, summaries)
    except LoadError as e:
        detail = "\n\n".join(
            part
            for part in (e.detail, "Nothing was loaded: the warehouse is as it was.",
                         by_hand(files, folder))
            if part
        )  # fmt: skip
        raise LoadError(e.title, detail, e.problems) from e
    return summaries
