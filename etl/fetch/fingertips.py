"""The Fingertips API: which URLs ``peolc fetch fingertips`` asks, and what their answers mean.

Three endpoints (the ones fingertipsR and fingertips_py call):

- ``indicator_metadata/by_profile_id?profile_id=P``: JSON, an object keyed by indicator
  id (the shape of ``indicator_metadata/all``); the profile's indicators.
- ``area_types?profile_ids=P``: JSON, a list of ``{"Id": ..., "Name": ..., ...}``; the
  profile's area types, of which the fetch keeps those a level of ours is
  (``peolc.levels.FINGERTIPS_AREA_TYPE_IDS``).
- ``all_data/csv/by_indicator_id?indicator_ids=I,...&child_area_type_id=A
  &parent_area_type_id=15&include_sortable_time_periods=yes``: the API CSV, at most 100
  indicator ids a call; England's rows come with every area type.

With ``--indicators`` and ``--area-types`` both given, only the last is called.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from peolc.errors import FetchError
from peolc.levels import FINGERTIPS_AREA_TYPE_IDS, LevelKey

DEFAULT_API = "https://fingertips.phe.org.uk/api"
API_ENV_VAR = "PEOLC_FINGERTIPS_API"
MAX_IDS_PER_CALL = 100
ENGLAND_AREA_TYPE = next(k for k, v in FINGERTIPS_AREA_TYPE_IDS.items() if v == LevelKey.ENGLAND)


def api_base(explicit: str | None = None) -> str:
    """The API's base URL: ``--api``, else $PEOLC_FINGERTIPS_API, else the public API."""
    return (explicit or os.environ.get(API_ENV_VAR) or DEFAULT_API).rstrip("/")


def profile_indicators_url(api: str, profile: int) -> str:
    return f"{api}/indicator_metadata/by_profile_id?{urlencode({'profile_id': profile})}"


def profile_area_types_url(api: str, profile: int) -> str:
    return f"{api}/area_types?{urlencode({'profile_ids': profile})}"


@dataclass(frozen=True)
class DataCall:
    """One ``all_data`` request: a batch of indicators at one area type."""

    indicator_ids: tuple[int, ...]
    area_type: int
    url: str

    @property
    def label(self) -> str:
        first, last = self.indicator_ids[0], self.indicator_ids[-1]
        ids = str(first) if first == last else f"{first}-{last}"
        return f"area-type-{self.area_type}_indicators-{ids}.csv"


def data_calls(api: str, indicators: Sequence[int], area_types: Sequence[int]) -> list[DataCall]:
    """The ``all_data`` requests for every area type, 100 indicator ids at a time."""
    ids = sorted(set(indicators))
    calls = []
    for area_type in dict.fromkeys(area_types):
        for start in range(0, len(ids), MAX_IDS_PER_CALL):
            batch = tuple(ids[start : start + MAX_IDS_PER_CALL])
            query = urlencode(
                {
                    "indicator_ids": ",".join(str(i) for i in batch),
                    "child_area_type_id": area_type,
                    "parent_area_type_id": ENGLAND_AREA_TYPE,
                    "include_sortable_time_periods": "yes",
                },
                safe=",",
            )
            calls.append(DataCall(batch, area_type, f"{api}/all_data/csv/by_indicator_id?{query}"))
    return calls


def by_hand(api: str, profile: int) -> str:
    """How to get and load the data without the fetch."""
    return (
        "To load by hand: open the all_data address above in a browser (or download the "
        f"profile's data from https://fingertips.phe.org.uk/profile/ (profile {profile}), or "
        f"{api}/all_data/csv/by_profile_id?profile_id={profile}&child_area_type_id=ID&"
        f"parent_area_type_id={ENGLAND_AREA_TYPE}), save the CSV and run\n"
        "  peolc load fingertips FILE.csv"
    )


def _json(path: Path, url: str) -> object:
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    if looks_like_html(text):
        raise FetchError(
            "The Fingertips API sent a web page, not data.",
            f"{url}\nexpected JSON, found HTML (an error or maintenance page?); saved as {path}.",
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise FetchError(
            "The Fingertips API sent something that is not JSON.",
            f"{url}\nline {e.lineno}, column {e.colno}: {e.msg}; saved as {path}.",
        ) from e


def read_profile_indicators(path: Path, url: str) -> list[int]:
    """Indicator ids of an ``indicator_metadata/by_profile_id`` answer."""
    found = _json(path, url)
    if not isinstance(found, dict) or not found or not all(str(k).isdigit() for k in found):
        raise FetchError(
            "The Fingertips API's list of the profile's indicators has changed shape.",
            f'{url}\nexpected an object keyed by indicator id such as {{"93474": {{...}}}}; '
            f"saved as {path}. Give the ids with --indicators instead.",
        )
    return sorted(int(k) for k in found)


def read_profile_area_types(path: Path, url: str) -> list[int]:
    """The area type ids of an ``area_types`` answer that a level of ours is."""
    found = _json(path, url)
    if not isinstance(found, list) or not all(isinstance(t, dict) and "Id" in t for t in found):
        raise FetchError(
            "The Fingertips API's list of the profile's area types has changed shape.",
            f'{url}\nexpected a list of objects with an Id such as [{{"Id": 221, ...}}]; '
            f"saved as {path}. Give the ids with --area-types instead.",
        )
    ids = [int(t["Id"]) for t in found]
    known = [i for i in ids if i in FINGERTIPS_AREA_TYPE_IDS]
    if not known:
        raise FetchError(
            "The profile has none of the area types this tool shows.",
            f"{url}\nfound area types {', '.join(map(str, ids)) or 'none'}; known: "
            + known_area_types(),
        )
    return known


def known_area_types() -> str:
    return ", ".join(f"{i} ({level})" for i, level in FINGERTIPS_AREA_TYPE_IDS.items())


def parse_ids(text: str | None, what: str) -> list[int] | None:
    """``93474,93475`` as ids; None for no option; FetchError naming the bad item."""
    if text is None:
        return None
    items = [t.strip() for t in text.split(",") if t.strip()]
    bad = [t for t in items if not t.isdigit()]
    if bad or not items:
        raise FetchError(
            f"--{what} takes ids separated by commas.",
            f"found {', '.join(bad) if bad else 'nothing'}; expected e.g. 93474,93475",
        )
    return [int(t) for t in items]


def check_area_types(ids: Sequence[int]) -> None:
    unknown = [i for i in ids if i not in FINGERTIPS_AREA_TYPE_IDS]
    if unknown:
        raise FetchError(
            f"Unknown Fingertips area type {', '.join(map(str, unknown))}.",
            "Expected one of: " + known_area_types(),
        )


def looks_like_html(text: str) -> bool:
    head = text.lstrip("\ufeff \t\r\n")[:512].lower()
    return head.startswith(("<!doctype html", "<html", "<head", "<body", "<?xml")) or (
        head.startswith("<") and "<html" in head
    )
