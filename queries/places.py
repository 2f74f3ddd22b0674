"""Places: resolving codes people type, listing the places of a level, their lineage."""

from __future__ import annotations

import polars as pl

from peolc.errors import QueryError
from peolc.levels import ENGLAND, LEVEL_KEYS, Place
from queries.runner import Db, memo, run

__all__ = [
    "ENGLAND",
    "Place",
    "areas",
    "latest_year",
    "lineage",
    "replaced_note",
    "resolve",
    "successors",
    "years",
]


def resolve(code: str, db: Db = None, level: str | None = None) -> Place:
    """The place a code stands for (current or previous ONS code, or ODS code).

    A unitary authority is both a county/UA and a district; ``level`` picks one, else the
    first in the order of ``peolc.levels.LEVELS``.
    """
    if level is not None and level not in LEVEL_KEYS:
        raise QueryError(f"Unknown level {level!r}.", "Expected one of: " + ", ".join(LEVEL_KEYS))
    found = run("resolve_place", db, code=code)
    if level is not None:
        found = found.filter(pl.col("level") == level)
    if found.is_empty():
        raise QueryError(
            f"No place has the code {code!r}.",
            "Use an ONS code (E54000050), an ODS code (QHM, A81001) or a previous code "
            "from before a boundary change; `peolc info` shows what is loaded.",
        )
    row = found.row(0, named=True)
    return Place(str(row["area_code"]), str(row["level"]), str(row["area_name"]))


SHOWN_SHARE = 0.01  # successors taking less are summed as "others"


@memo
def successors(place: Place, db: Db = None) -> pl.DataFrame:
    """What a former area became (empty for today's areas): ``area_successors.sql``."""
    return run("area_successors", db, area_code=place.code, level=place.level)


@memo
def replaced_note(place: Place, db: Db = None) -> str | None:
    """A sentence naming a former area's successors, or None for today's areas.

    Figures for a former area are for it as it was (its practices and small areas in its
    last vintage); the note says so, so a shared link or ``peolc show`` with an old code
    never passes an old area off as today's.
    """
    found = successors(place, db)
    if found.is_empty():
        return None
    shown = found.filter(pl.col("share") >= SHOWN_SHARE)
    parts = [
        f"{name} ({code}, {share:.0%})"
        for code, name, share in shown.select("successor_code", "successor_name", "share").rows()
    ]
    rest = found.filter((pl.col("share") < SHOWN_SHARE) & (pl.col("share") > 0))
    if not rest.is_empty():
        areas_word = "area" if rest.height == 1 else "areas"
        parts.append(
            f"{rest.height} other {areas_word} (under 1% together)"
            if float(rest["share"].sum()) < SHOWN_SHARE
            else f"{rest.height} other {areas_word} ({float(rest['share'].sum()):.0%})"
        )
    as_of, basis = int(found["as_of"][0]), str(found["basis"][0])
    return (
        f"{place.name} ({place.code}) has been replaced: its practices are now in "
        + ", ".join(parts)
        + f" (shares of {basis}). Figures here are for the area as it was, on the "
        f"{as_of} geography."
    )


def areas(level: str, db: Db = None) -> pl.DataFrame:
    """Every place of ``level`` (code, name, ODS code, parent), ordered by name."""
    if level not in LEVEL_KEYS:
        raise QueryError(f"Unknown level {level!r}.", "Expected one of: " + ", ".join(LEVEL_KEYS))
    return run("areas", db, level=level)


def lineage(place: Place, db: Db = None) -> pl.DataFrame:
    """The place and its ancestors (code, level, name)."""
    return run("area_lineage", db, area_code=place.code, level=place.level)


def years(db: Db = None) -> dict[str, list[int]]:
    """Years covered by each source: deaths, population, qof, indicators."""
    frame = run("years", db)
    covered: dict[str, list[int]] = {}
    for source, year in frame.iter_rows():
        covered.setdefault(str(source), []).append(int(year))
    return covered


def period_years(db: Db = None) -> list[int]:
    """The years a person can pick, latest first: those of death figures (record-level or
    published), of populations and of QOF registers."""
    covered = years(db)
    found = {
        y
        for source in ("deaths", "published", "population", "qof")
        for y in covered.get(source, [])
    }
    return sorted(found, reverse=True)


def latest_year(db: Db = None) -> int | None:
    """The latest year of death figures, else of population, else of QOF (None if empty)."""
    covered = years(db)
    for source in ("deaths", "published", "population", "qof", "indicators"):
        if covered.get(source):
            return max(covered[source])
    return None
