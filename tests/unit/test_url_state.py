"""Shared links: a place given any way resolves to its current code; junk never passes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ui.url_state import Resolved, prepare

KNOWN = {
    "E54000063": Resolved("E54000063", "icb"),
    "E54000052": Resolved("E54000063", "icb"),  # Surrey Heartlands before April 2023
    "QXU": Resolved("E54000063", "icb"),
    "E06000001": Resolved("E06000001", "cty_ua"),
}


def resolve(code: str, level: str | None) -> Resolved | None:
    found = KNOWN.get(code.upper())
    if found and level and code.upper() == "E06000001":
        return Resolved(found.code, level)
    return found


def test_place_without_level_gets_its_level() -> None:
    state: dict[str, object] = {}
    assert prepare({"place": "E54000063"}, state, resolve) == []
    assert state == {"level": "icb", "place": "E54000063"}


def test_previous_and_ods_codes_resolve_with_a_note() -> None:
    for code in ("E54000052", "QXU"):
        state: dict[str, object] = {}
        notes = prepare({"place": code}, state, resolve)
        assert state == {"level": "icb", "place": "E54000063"}
        assert notes == [f"{code} refers to E54000063; showing that area."]


def test_unitary_authority_keeps_the_links_level() -> None:
    state: dict[str, object] = {}
    prepare({"place": "E06000001", "level": "lad"}, state, resolve)
    assert state == {"level": "lad", "place": "E06000001"}


def test_unknown_and_malformed_codes_leave_state_alone() -> None:
    for bad in ("E54999999", "'; drop table dim_area; --", "<script>alert(1)</script>", "x" * 500):
        state: dict[str, object] = {}
        notes = prepare({"place": bad}, state, resolve)
        assert state == {}
        assert len(notes) == 1 and "England" in notes[0]
        assert bad not in notes[0] or bad == "E54999999"


def test_unknown_level_is_ignored() -> None:
    state: dict[str, object] = {}
    notes = prepare({"level": "galaxy"}, state, resolve)
    assert state == {} and notes == ["The link's level was not recognised, so it was ignored."]


def test_year_compare_and_breakdown_pass_only_their_allow_lists() -> None:
    state: dict[str, object] = {}
    years, comparators, breakdowns = [2022, 2023], ["england", "parent"], ["sex", "imd_quintile"]
    good = {"year": "2022", "compare": "parent", "breakdown": "sex"}
    notes = prepare(
        good, state, resolve, years=years, comparators=comparators, breakdowns=breakdowns
    )
    assert state == {"year": 2022, "compare": "parent", "breakdown": "sex"} and notes == []
    state = {}
    bad = {"year": "1999", "compare": "<b>x</b>", "breakdown": "sex; drop"}
    notes = prepare(
        bad, state, resolve, years=years, comparators=comparators, breakdowns=breakdowns
    )
    assert state == {} and len(notes) == 3
    assert not any("<b>" in n or "drop" in n for n in notes)


@given(st.dictionaries(st.text(max_size=12), st.one_of(st.text(), st.lists(st.text()))))
def test_any_query_string_is_handled(params: dict[str, object]) -> None:
    state: dict[str, object] = {}
    notes = prepare(params, state, resolve)
    assert set(state) <= {"level", "place", "year", "compare", "breakdown"}
    if state:
        assert state["place"] in {r.code for r in KNOWN.values()}
    assert all(isinstance(n, str) for n in notes)
