"""Fetched Fingertips CSVs made ready to load: layout checked, codes cleaned, duplicates dropped.

Each ``all_data`` answer must be the API CSV the Fingertips loader reads (its header is
matched to ``etl.loaders.fingertips.API_LAYOUT`` as a file loaded by hand would be): an
HTML page or a changed column layout fails here, naming the file, before the warehouse is
opened. Then, per answer, a cleaned copy is written beside it:

- area and parent codes lose the API's ``n`` prefix (``nE54000008`` -> ``E54000008``);
- rows of a superseded commissioning area type (CCGs, STPs:
  ``peolc.levels.FINGERTIPS_SUPERSEDED_AREA_TYPES``) are dropped where a current area
  type publishes the same indicator, area, period, sex, age and category in any of the
  fetched answers; those that no current row repeats are kept (the store places them by
  code, as a file loaded by hand).

Every value is read and written as text, so numbers keep the API's digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from etl.fetch.fingertips import looks_like_html
from etl.loaders.fingertips import API_LAYOUT
from etl.loading import match_source
from etl.sources import sniff
from peolc.errors import FetchError, LoadError
from peolc.levels import FINGERTIPS_SUPERSEDED_AREA_TYPES

KEY = API_LAYOUT.key  # a published figure: indicator, area, period, sex, age, category
_N_PREFIX = r"^n([A-Z][0-9A-Z]+)$"


def _like_regex(pattern: str) -> str:
    return "^" + ".*".join(re.escape(part) for part in pattern.split("%")) + "$"


SUPERSEDED = "|".join(_like_regex(p) for p in FINGERTIPS_SUPERSEDED_AREA_TYPES)


@dataclass(frozen=True)
class Answer:
    """One fetched ``all_data`` CSV and the columns its header names, by layout column."""

    path: Path
    url: str
    columns: dict[str, str]  # layout column -> the file's header name
    rows: int


def check_answer(path: Path, url: str) -> Answer | None:
    """The answer's header matched to the API layout; None if it has no rows at all."""
    body = path.read_bytes()
    if not body.strip():
        return None
    if looks_like_html(body[:2048].decode("utf-8", errors="replace")):
        raise FetchError(
            "The Fingertips API sent a web page, not CSV data.",
            f"{url}\nfound HTML (an error or maintenance page?), saved as {path}.",
        )
    try:
        source = sniff(path)
        match = match_source("fingertips", source)
    except LoadError as e:
        raise FetchError(
            "The Fingertips API's CSV columns are not the ones this tool reads.",
            f"{url}\n{e.title} {e.detail}".strip() + f"\nsaved as {path}.",
        ) from e
    if match is None or match.layout.name != API_LAYOUT.name:
        fits = "no table layout" if match is None else f"the {match.layout.name} layout"
        raise FetchError(
            "The Fingertips API's CSV columns are not the ones this tool reads.",
            f"{url}\nits header fits {fits}, not the API CSV; saved as {path}.",
        )
    columns = {t: h for t, h in zip(match.targets, source.header, strict=False) if t}
    rows = _read(path).height
    return Answer(path, url, columns, rows) if rows else None


def _read(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")


def _keyed(frame: pl.DataFrame, answer: Answer) -> pl.DataFrame:
    """The key columns under their layout names, codes cleaned, and whether superseded."""
    cols = answer.columns
    area_type = cols.get("area_type")
    return frame.select(
        *[
            pl.col(cols[k]).str.replace(_N_PREFIX, "$1").alias(k)
            if k == "area_code"
            else pl.col(cols[k]).fill_null("").alias(k)
            for k in KEY
        ],
        (
            pl.col(area_type).fill_null("").str.to_lowercase().str.contains(SUPERSEDED)
            if area_type
            else pl.lit(False)
        ).alias("superseded"),
    )


@dataclass(frozen=True)
class Cleaned:
    path: Path
    source: Path
    rows: int
    dropped: int


def clean_answers(answers: list[Answer], out_dir: Path) -> list[Cleaned]:
    """Write each answer's cleaned copy to ``out_dir`` (see the module's docstring)."""
    frames = [_read(a.path) for a in answers]
    keyed = [_keyed(f, a) for f, a in zip(frames, answers, strict=True)]
    current = (
        pl.concat([k.filter(~pl.col("superseded")).select(KEY) for k in keyed])
        .unique()
        .with_columns(pl.lit(True).alias("_current"))
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    cleaned = []
    for frame, keys, answer in zip(frames, keyed, answers, strict=True):
        repeated = keys.join(current, on=list(KEY), how="left", nulls_equal=True)
        drop = repeated["superseded"] & repeated["_current"].fill_null(False)
        kept = frame.filter(~drop)
        codes = [answer.columns[c] for c in ("area_code", "parent_code") if c in answer.columns]
        kept = kept.with_columns(pl.col(c).str.replace(_N_PREFIX, "$1") for c in codes)
        target = out_dir / answer.path.name
        kept.write_csv(target)
        cleaned.append(Cleaned(target, answer.path, kept.height, int(drop.sum())))
    return cleaned
