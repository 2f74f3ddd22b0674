"""Shared links: the URL's query parameters to and from the sidebar's selection, safely.

The URL carries ``level``, ``place``, ``year``, ``compare`` and ``breakdown``. On a
session's first run they seed the sidebar widgets; after every run the widgets' values are
written back, so the URL always reproduces the view and survives page switches (Streamlit
clears query parameters on navigation). A place may be given by its current code, its
ODS code or a code from before a boundary change, with or without its level. Everything
from the URL is treated as data: checked against a pattern, an allow-list or the
warehouse, never put into SQL text or HTML.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, MutableMapping
from dataclasses import dataclass

from peolc.levels import LEVEL_KEYS

CODE_PATTERN = re.compile(r"[A-Za-z0-9]{1,12}")
YEAR_PATTERN = re.compile(r"[0-9]{4}")
MAX_PARAM_LENGTH = 64
KNOWN_PARAMS = ("level", "place", "year", "compare", "breakdown")


@dataclass(frozen=True)
class Resolved:
    """What a code resolved to: the current code and its level."""

    code: str
    level: str


# (code, level or None) -> the area, or None; a code with a level is resolved as an area of
# that level (a unitary authority is both a county/UA and a district)
Resolver = Callable[[str, str | None], Resolved | None]


def _first(value: object) -> str | None:
    if isinstance(value, str):
        return value[: MAX_PARAM_LENGTH + 1]
    if isinstance(value, list | tuple) and value and isinstance(value[0], str):
        return value[0][: MAX_PARAM_LENGTH + 1]
    return None


def prepare(
    params: Mapping[str, object],
    state: MutableMapping[str, object],
    resolve: Resolver,
    *,
    years: Collection[int] = (),
    comparators: Collection[str] = (),
    breakdowns: Collection[str] = (),
) -> list[str]:
    """Seed ``state`` (the sidebar's widget values) from a shared link; return notes.

    Only values that pass their check are copied; each rejected one gives a short note
    that never echoes markup. The place wins over the level when they disagree, except
    for a unitary authority, which is both a county/UA and a district.
    """
    notes: list[str] = []
    raw_level = _first(params.get("level"))
    if raw_level is not None:
        if raw_level in LEVEL_KEYS:
            state["level"] = raw_level
        else:
            notes.append("The link's level was not recognised, so it was ignored.")
    _seed_place(_first(params.get("place")), raw_level, state, resolve, notes)
    raw_year = _first(params.get("year"))
    if raw_year is not None:
        if YEAR_PATTERN.fullmatch(raw_year) and int(raw_year) in years:
            state["year"] = int(raw_year)
        else:
            notes.append("The link's year has no data, so the latest year is shown.")
    for key, allowed in (("compare", comparators), ("breakdown", breakdowns)):
        raw = _first(params.get(key))
        if raw is not None:
            if raw in allowed:
                state[key] = raw
            else:
                notes.append(f"The link's {key} was not recognised, so it was ignored.")
    return notes


def _seed_place(
    raw_place: str | None,
    raw_level: str | None,
    state: MutableMapping[str, object],
    resolve: Resolver,
    notes: list[str],
) -> None:
    if raw_place is None:
        return
    if len(raw_place) > MAX_PARAM_LENGTH or not CODE_PATTERN.fullmatch(raw_place):
        notes.append("The link's place is not a valid area code, so England is shown.")
        state.pop("level", None)
        return
    found = resolve(raw_place, None)
    if found is None:
        notes.append(f"No place has the code {raw_place}, so England is shown.")
        state.pop("level", None)
        return
    if raw_level in LEVEL_KEYS and raw_level != found.level and found.code == raw_place.upper():
        # a unitary authority is both a county/UA and a district: keep the link's level
        found = resolve(raw_place, raw_level) or found
    state["level"] = found.level
    state["place"] = found.code
    if found.code != raw_place:
        notes.append(f"{raw_place} refers to {found.code}; showing that area.")


def to_params(
    level: str, place: str, year: int | None, compare: str, breakdown: str
) -> dict[str, str]:
    """The query parameters that reproduce a selection."""
    params = {"level": level, "place": place, "compare": compare, "breakdown": breakdown}
    if year is not None:
        params["year"] = str(year)
    return params
