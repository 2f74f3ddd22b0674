"""The place picker and the selection every page reads.

The sidebar is drawn by the entry script on every page, so its widgets (bound to the
URL) keep the place, year, comparator and breakdown across pages and in shared links.
Pages call ``current()`` and never read widgets or the URL themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from peolc.errors import QueryError
from peolc.vocabulary import LEVEL_BY_KEY, LEVEL_KEYS
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


def _resolver(code: str) -> url_state.Resolved | None:
    try:
        place = places.resolve(code)
    except QueryError:
        return None
    return url_state.Resolved(place.code, place.level)


def _area_labels(level: str) -> dict[str, str]:
    frame = places.areas(level)
    return {
        str(code): f"{name} ({code})"
        for code, name in frame.select("area_code", "area_name").iter_rows()
    }


def sidebar() -> Selection:
    """Draw the picker in the sidebar and return (and remember) the selection."""
    if "url_notes" not in st.session_state:
        seeded: dict[str, object] = {}
        st.session_state["url_notes"] = url_state.prepare(
            st.query_params.to_dict(), seeded, _resolver
        )
        for key, value in seeded.items():
            st.session_state[key] = value
    for note in st.session_state["url_notes"]:
        st.sidebar.warning(note)
    levels = [k for k in LEVEL_KEYS if k == "england" or not places.areas(k).is_empty()]
    with st.sidebar:
        st.subheader("Place")
        level = st.selectbox(
            "Level",
            levels,
            format_func=lambda k: LEVEL_BY_KEY[k].label,
            key="level",
            bind="query-params",
        )
        labels = _area_labels(level) if level != "england" else {"E92000001": "England"}
        code = st.selectbox(
            LEVEL_BY_KEY[level].label,
            list(labels),
            format_func=lambda c: labels.get(c, c),
            key="place",
            bind="query-params",
            help="Type to search by name or code.",
        )
        covered = places.years()
        year_options = sorted(
            covered.get("deaths") or covered.get("population") or [], reverse=True
        )
        year = st.selectbox(
            "Year",
            year_options,
            key="year",
            bind="query-params",
            help="Calendar year of death registration (population: mid-year).",
        )
        compare = st.selectbox(
            "Compare with",
            list(COMPARATORS),
            format_func=COMPARATORS.__getitem__,
            key="compare",
            bind="query-params",
        )
        breakdown = st.selectbox(
            "Breakdown",
            list(BREAKDOWNS),
            format_func=BREAKDOWNS.__getitem__,
            key="breakdown",
            bind="query-params",
            help="How the equity audit and breakdown charts split the population.",
        )
    place = places.Place(code, level, labels.get(code, code).rsplit(" (", 1)[0])
    selection = Selection(place, int(year) if year is not None else None, compare, breakdown)
    st.session_state["selection"] = selection
    return selection


def current() -> Selection:
    """The selection made in the sidebar on this run."""
    selection = st.session_state.get("selection")
    if not isinstance(selection, Selection):
        raise QueryError("No place is selected.", "Pick a place in the sidebar.")
    return selection
