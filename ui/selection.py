"""The place picker and the selection every page reads.

The sidebar is drawn by the entry script on every page, so its widgets keep the place,
year, comparator and breakdown across pages; ``ui.url_state`` mirrors them in the URL so a
shared link reproduces the view.
Pages call ``current()`` and never read widgets or the URL themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from peolc.errors import QueryError
from peolc.vocabulary import ENGLAND_CODE, LEVEL_BY_KEY, LEVEL_KEYS
from queries import places
from ui import url_state

BREAKDOWNS: dict[str, str] = {
    "imd_quintile": "Deprivation (IMD quintile)",
    "imd_decile": "Deprivation (IMD decile)",
    "age_band": "Age band",
    "sex": "Sex",
    "ethnic_group": "Ethnic group",
    "cause_group": "Cause of death group",
}
COMPARATORS: dict[str, str] = {"england": "England", "parent": "Parent area"}


@dataclass(frozen=True)
class Selection:
    """What the user is looking at: place, year, comparator and breakdown."""

    place: places.Place
    year: int | None
    compare: str
    breakdown: str


def _resolver(text: str) -> url_state.Resolved | None:
    code, _, level = text.partition("@")
    try:
        place = places.resolve(code, level=level or None)
    except QueryError:
        return None
    return url_state.Resolved(place.code, place.level)


def _area_labels(level: str) -> dict[str, str]:
    if level == "england":
        return {ENGLAND_CODE: "England"}
    frame = places.areas(level)
    return {
        str(code): f"{name} ({code})"
        for code, name in frame.select("area_code", "area_name").iter_rows()
    }


def _seed_from_url(year_options: list[int]) -> None:
    """On a session's first run, take the selection from the link it was opened with."""
    if "url_notes" in st.session_state:
        return
    seeded: dict[str, object] = {}
    st.session_state["url_notes"] = url_state.prepare(
        st.query_params.to_dict(),
        seeded,
        _resolver,
        years=year_options,
        comparators=COMPARATORS,
        breakdowns=BREAKDOWNS,
    )
    for key, value in seeded.items():
        st.session_state[key] = value


def _keep_if_valid(key: str, options: list[object] | dict[str, str]) -> None:
    """Forget a remembered value that is not among the widget's options any more."""
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]


def sidebar() -> Selection:
    """Draw the picker in the sidebar, mirror it in the URL, return (and remember) it."""
    covered = places.years()
    year_options = sorted(covered.get("deaths") or covered.get("population") or [], reverse=True)
    _seed_from_url(year_options)
    for note in st.session_state["url_notes"]:
        st.sidebar.warning(note)
    levels = [k for k in LEVEL_KEYS if k == "england" or not places.areas(k).is_empty()]
    with st.sidebar:
        st.subheader("Place")
        _keep_if_valid("level", list(levels))
        level = st.selectbox(
            "Level", levels, format_func=lambda k: LEVEL_BY_KEY[k].label, key="level"
        )
        labels = _area_labels(level)
        _keep_if_valid("place", labels)
        code = st.selectbox(
            LEVEL_BY_KEY[level].label,
            list(labels),
            format_func=lambda c: labels.get(c, c),
            key="place",
            help="Type to search by name or code.",
        )
        _keep_if_valid("year", list(year_options))
        year = st.selectbox(
            "Year",
            year_options,
            key="year",
            help="Calendar year of death registration (population: mid-year).",
        )
        compare = st.selectbox(
            "Compare with", list(COMPARATORS), format_func=COMPARATORS.__getitem__, key="compare"
        )
        breakdown = st.selectbox(
            "Breakdown",
            list(BREAKDOWNS),
            format_func=BREAKDOWNS.__getitem__,
            key="breakdown",
            help="How the equity audit and breakdown charts split the population.",
        )
    year_value = int(year) if year is not None else None
    st.query_params.from_dict(url_state.to_params(level, code, year_value, compare, breakdown))
    place = places.Place(code, level, labels.get(code, code).rsplit(" (", 1)[0])
    selection = Selection(place, year_value, compare, breakdown)
    st.session_state["selection"] = selection
    return selection


def current() -> Selection:
    """The selection made in the sidebar on this run.

    ``dashboard.py`` draws the sidebar before it runs the page, and every page first makes
    sure it runs through ``dashboard.py`` (``pages.through_entry_point``), so there is one.
    """
    selection = st.session_state.get("selection")
    if not isinstance(selection, Selection):
        raise RuntimeError("No selection: the page ran without dashboard.py's sidebar")
    return selection
