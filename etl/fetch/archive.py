"""Where fetched files are kept: ``data/raw/<source>/<UTC time>/`` beside the warehouse.

Every response a fetch saves is a file in one folder per run, listed in that folder's
``manifest.json`` with the URL it came from, when, its size, content type and sha256.
The manifest is rewritten after each file, so a fetch that fails half-way still says what
it had; the files stay after a failed load, for ``peolc load KIND FILE`` by hand. Files
the fetch derives from responses (cleaned Fingertips CSVs, a lookup's pages joined into
one CSV) are listed too, with the responses they came from.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any

from etl.fetch.http import Download
from etl.sources import sha256_of

MANIFEST = "manifest.json"


def raw_root(warehouse: Path) -> Path:
    """The raw folder beside the warehouse file (``data/raw`` for ``data/peolc.duckdb``)."""
    return warehouse.parent / "raw"


def safe_name(text: str) -> str:
    """A file name from free text (a URL's last part, a label)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.")
    return cleaned[:120] or "response"


class RawArchive:
    """One fetch run's folder and its manifest."""

    def __init__(self, root: Path, source: str, now: dt.datetime | None = None) -> None:
        stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
        folder = root / source / stamp
        n = 1
        while folder.exists():
            n += 1
            folder = root / source / f"{stamp}-{n}"
        folder.mkdir(parents=True)
        self.folder = folder
        self.source = source
        self.entries: list[dict[str, Any]] = []

    def path_for(self, name: str) -> Path:
        """A new file's path in the folder, numbered in fetch order."""
        return self.folder / f"{len(self.entries) + 1:03d}-{safe_name(name)}"

    def add(self, download: Download, what: str) -> None:
        self.entries.append(
            {
                "file": download.path.name,
                "what": what,
                "url": download.url,
                "fetched_at": download.fetched_at.isoformat(),
                "bytes": download.size,
                "sha256": download.sha256,
                "content_type": download.content_type,
                "attempts": download.attempts,
            }
        )
        self._write()

    def add_derived(self, path: Path, what: str, made_from: list[str]) -> None:
        self.entries.append(
            {
                "file": path.name,
                "what": what,
                "derived_from": made_from,
                "made_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
                "bytes": path.stat().st_size,
                "sha256": sha256_of(path),
            }
        )
        self._write()

    def discard(self) -> None:
        """Remove the folder if nothing was saved in it (a fetch that failed at once)."""
        if not self.entries and not any(self.folder.iterdir()):
            self.folder.rmdir()

    def _write(self) -> None:
        manifest = {"source": self.source, "files": self.entries}
        temp = self.folder / f".{MANIFEST}.tmp"
        temp.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        os.replace(temp, self.folder / MANIFEST)
