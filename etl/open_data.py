"""Build a warehouse from the official open files in a folder (``peolc open-data DIR``).

The folder is laid out like ``shared/data``: one sub-folder per kind of file. Every file
there whose header (or GeoJSON properties) a loader recognises is loaded into a fresh
warehouse, all or nothing; files it does not recognise are listed, not guessed at. Its
last steps, before the swap, rebuild the areas and then the derived sums of what it loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from etl import schema
from etl.loading import finish, load_source, match_source
from etl.sources import SourceFile, sniff
from etl.warehouse import transaction
from peolc.errors import LoadError, LoadSummary

# sub-folder -> kind, in load order (names and links before the facts that use them)
FOLDERS: tuple[tuple[str, str], ...] = (
    ("boundaries", "boundaries"),
    ("lookups", "lookups"),
    ("qof", "qof"),
    ("imd", "imd"),
    ("population", "population"),
    ("fingertips", "fingertips"),
)
# a .zip is read when it holds one file the folder's loader reads (etl.sources.sniff)
SUFFIXES = {
    "boundaries": (".geojson", ".json", ".geojson.gz", ".zip"),
    "default": (".csv", ".csv.gz", ".xlsx", ".txt", ".zip"),
}

Progress = Callable[[str], None]


def _not_loaded(path: Path, folder: Path, reason: str) -> LoadSummary:
    summary = LoadSummary(str(path.relative_to(folder)), "-", "", skipped=True)
    summary.notes.append(reason)
    return summary


def _recognised(kind: str, path: Path) -> SourceFile | str:
    """The sniffed file if a ``kind`` loader reads it, else why not."""
    if not path.name.lower().endswith(SUFFIXES.get(kind, SUFFIXES["default"])):
        return f"not a {kind} file type ({path.suffix or 'no extension'})"
    source = sniff(path)
    if kind == "boundaries":
        return source if source.format == "geojson" else "not GeoJSON"
    try:
        match_source(kind, source)
    except LoadError as e:
        return f"not a layout the {kind} loader knows: {e.title}"
    return source


def _plan(folder: Path) -> tuple[list[tuple[str, SourceFile]], list[LoadSummary]]:
    """Files to load (kind, source) in load order, and the files left out."""
    plan: list[tuple[str, SourceFile]] = []
    skipped: list[LoadSummary] = []
    known = {name for name, _ in FOLDERS}
    for name, kind in FOLDERS:
        sub = folder / name
        if not sub.is_dir():
            continue
        for path in sorted(p for p in sub.rglob("*") if p.is_file()):
            if path.name.startswith("."):
                continue
            found = _recognised(kind, path)
            if isinstance(found, str):
                skipped.append(_not_loaded(path, folder, found))
            else:
                plan.append((kind, found))
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        top = path.relative_to(folder).parts[0]
        if top not in known and not path.name.startswith("."):
            where = "the top folder" if top == path.name else f"{top}/"
            skipped.append(_not_loaded(path, folder, f"in {where}, which open-data does not read"))
    return plan, skipped


def build_open_data(
    target: Path, folder: Path, progress: Progress | None = None
) -> list[LoadSummary]:
    """Replace the warehouse at ``target`` with one built from the files in ``folder``."""
    folder = Path(folder)
    if not folder.is_dir():
        raise LoadError(f"{folder} is not a folder.", "Give the folder that holds boundaries/, ...")
    plan, skipped = _plan(folder)
    if not plan:
        expected = ", ".join(f"{name}/" for name, _ in FOLDERS)
        raise LoadError(
            f"{folder} has none of the open data files this tool reads.",
            f"Expected files in {expected} as described in docs/data-formats.md.",
        )
    summaries: list[LoadSummary] = []
    with transaction(Path(target), setup=schema.ensure, fresh=True) as tx:
        for kind, source in plan:
            if progress:
                progress(f"loading {kind}: {source.name} ({source.size / 1e6:,.1f} MB)")
            summaries.append(load_source(tx, kind, source))
        finish(tx, progress, summaries)
    return summaries + skipped
