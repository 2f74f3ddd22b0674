"""The place picker and the selection every page reads.

The sidebar is drawn by the entry script on every page, so its widgets keep the place,
year, comparator and breakdown across pages; ``ui.url_state`` mirrors them in the URL so a
shared link reproduces the view.
Pages call ``current()`` and never read widgets or the URL themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st

from peolc.breakdowns import EQUITY_BREAKDOWNS
from peolc.errors import QueryError
from peolc.levels import COMPARATORS, ENGLAND, LEVEL_BY_KEY, LEVEL_KEYS, Place
from queries import places
from ui import url_state

BREAKDOWNS: dict[str, str] = EQUITY_BREAKDOWNS


@dataclass(frozen=True)
class Selection:
    """What the user is looking at: place, year, comparator and breakdown."""

    place: Place
    year: int | None
    compare: str
    breakdown: str


def _resolver(code: str, level: str | None) -> url_state.Resolved | None:
    try:
        place = places.resolve(code, level=level)
    except QueryError:
        return None
    return url_state.Resolved(place.code, place.level)


def _place_options(level: str) -> list[Place]:
    """The places of ``level`` people can pick, ordered by name.

    Today's areas; a former one (replaced since) only when a shared link named it, first.
    """
    if level == ENGLAND.level:
        return [ENGLAND]
    frame = places.areas(level)
    options = [
        Place(str(code), level, str(name))
        for code, name in frame.select("area_code", "area_name").iter_rows()
    ]
    linked = st.session_state.get("linked_former")
    if isinstance(linked, Place) and linked.level == level:
        options.insert(0, linked)
    return options


def _place_labeller() -> Callable[[Place], str]:
    """The picker's label of a place: name (code), a linked former area marked so.

    Session state is read once here, not once for each of the thousands of options.
    """
    former = st.session_state.get("linked_former")

    def label(place: Place) -> str:
        if place.is_england:
            return place.name
        return f"{place.name} ({place.code}{', former' if place == former else ''})"

    return label


def _remember_linked_former(level: object, code: object) -> None:
    """A link's place that has been replaced since stays pickable (as it was), for this session."""
    if not isinstance(level, str) or not isinstance(code, str):
        return
    place = places.resolve(code, level=level)
    if places.replaced_note(place) is not None:
        st.session_state["linked_former"] = place


def _remember_place(options: list[Place]) -> None:
    """Keep the remembered place if it is one of ``options``; a code (from a link) becomes
    the option with that code."""
    remembered = st.session_state.get("place")
    if isinstance(remembered, str):
        found = next((p for p in options if p.code == remembered), None)
        if found is None:
            del st.session_state["place"]
        else:
            st.session_state["place"] = found
    _keep_if_valid("place", options)


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
    if "place" in seeded:
        _remember_linked_former(seeded.get("level"), seeded["place"])


def _keep_if_valid(key: str, options: Sequence[object] | dict[str, str]) -> None:
    """Forget a remembered value that is not among the widget's options any more."""
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]


def sidebar() -> Selection:
    """Draw the picker in the sidebar, mirror it in the URL, return (and remember) it."""
    year_options = places.period_years()
    _seed_from_url(year_options)
    for note in st.session_state["url_notes"]:
        st.sidebar.warning(note)
    levels = [k for k in LEVEL_KEYS if k == ENGLAND.level or not places.areas(k).is_empty()]
    with st.sidebar:
        st.subheader("Place")
        _keep_if_valid("level", list(levels))
        level = st.selectbox(
            "Level", levels, format_func=lambda k: LEVEL_BY_KEY[k].label, key="level"
        )
        options = _place_options(level)
        _remember_place(options)
        place = st.selectbox(
            LEVEL_BY_KEY[level].label,
            options,
            format_func=_place_labeller(),
            key="place",
            help="Type to search by name or code.",
        )
        _keep_if_valid("year", list(year_options))
        latest = places.latest_year()  # the latest year with death figures first
        if "year" not in st.session_state and latest in year_options:
            st.session_state["year"] = latest
        year = st.selectbox(
            "Year",
            year_options,
            key="year",
            help="Calendar year of death registration (population: mid-year; QOF: the "
            "financial year starting in it). Defaults to the latest year with death figures.",
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
    st.query_params.from_dict(
        url_state.to_params(level, place.code, year_value, compare, breakdown)
    )
    replaced = places.replaced_note(place)
    if replaced:
        st.warning(replaced, icon=":material/history:")
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
