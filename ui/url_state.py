"""Shared links: turn a URL's query parameters into the starting selection, safely.

The sidebar's widgets are bound to the URL (Streamlit's ``bind="query-params"``), which
already drops values that are not among a widget's options. Before they are drawn, this
module handles what binding cannot: a link that names only a place, or a place by its ODS
code or a code from before a boundary change. Everything from the URL is treated as data:
checked against a pattern and the warehouse, never put into SQL text or HTML.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass

from peolc.vocabulary import LEVEL_KEYS

CODE_PATTERN = re.compile(r"[A-Za-z0-9]{1,12}")
MAX_PARAM_LENGTH = 64

# the URL parameters the dashboard understands (everything else is ignored)
KNOWN_PARAMS = ("level", "place", "year", "compare", "breakdown")


@dataclass(frozen=True)
class Resolved:
    """What a code resolved to: the current code and its level."""

    code: str
    level: str


Resolver = Callable[[str], Resolved | None]


def _first(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple) and value and isinstance(value[0], str):
        return value[0]
    return None


def prepare(
    params: Mapping[str, object], state: MutableMapping[str, object], resolve: Resolver
) -> list[str]:
    """Seed ``state`` (session state) from a shared link; return notes for the user.

    Runs before the bound widgets are created on a session's first run. A place given
    without a level (or with a level it doesn't belong to), by ODS code or by a previous
    code, is resolved to its current code and level. Anything that is not a plausible
    code is rejected with a note; nothing from the URL is trusted further than that.
    """
    notes: list[str] = []
    raw_place = _first(params.get("place"))
    raw_level = _first(params.get("level"))
    if raw_level is not None and raw_level not in LEVEL_KEYS:
        notes.append("The link's level was not recognised, so it was ignored.")
        raw_level = None
    if raw_place is None:
        return notes
    if len(raw_place) > MAX_PARAM_LENGTH or not CODE_PATTERN.fullmatch(raw_place):
        notes.append("The link's place is not a valid area code, so England is shown.")
        return notes
    found = resolve(raw_place)
    if found is None:
        notes.append(f"No place has the code {raw_place}, so England is shown.")
        return notes
    if raw_level is not None and raw_level != found.level and found.code == raw_place.upper():
        # a unitary authority is both a county/UA and a district: keep the link's level
        found = Resolved(found.code, raw_level)
    state["level"] = found.level
    state["place"] = found.code
    if found.code != raw_place:
        notes.append(f"{raw_place} is now {found.code}; showing the current area.")
    return notes
