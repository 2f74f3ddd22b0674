"""Property tests of the shared-link parser (``ui.url_state.prepare``) on hostile input.

Query strings arrive from anyone: any keys, lists, unicode, megabyte values, SQL, HTML and
path payloads, values that are not text at all. Whatever comes, ``prepare`` returns notes
and never raises; it sets only the five known keys, each to a value from its allow-list
or the resolver; it hands the resolver only strings that look like area codes; and its
notes never echo markup. A link written by ``to_params`` reads back as the same view.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from peolc.levels import LEVEL_KEYS
from ui.url_state import CODE_PATTERN, KNOWN_PARAMS, Resolved, prepare, to_params

BOUNDED = settings(max_examples=400, deadline=500, derandomize=True, database=None)

AREAS = {
    "E54000063": Resolved("E54000063", "icb"),
    "E54000052": Resolved("E54000063", "icb"),
    "QXU": Resolved("E54000063", "icb"),
    "E06000001": Resolved("E06000001", "cty_ua"),
    "A81001": Resolved("A81001", "practice"),
}
YEARS = (2021, 2022, 2023)
COMPARATORS = ("england", "parent")
BREAKDOWNS = ("sex", "imd_quintile", "age_band")
PAYLOADS = (
    "'; drop table fact_death; --",
    "E54000063' or '1'='1",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "%3Cscript%3E",
    "E54000063\n<b>",
    "E54000063@icb",
    "QXU@galaxy",
    "2023 ",
    "２０２３",  # full-width digits
    "E５4000063",
    "\u202eE54000063",
    "\x00",
    "icb\x00",
    "sex; drop",
    "{{7*7}}",
    "${jndi:ldap://x}",
)
MARKUP = re.compile(r"[<>\"&`\\/\x00-\x1f\x7f]")


class Recorder:
    """A resolver over ``AREAS`` that records what it was asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str | None]] = []

    def __call__(self, code: str, level: str | None) -> Resolved | None:
        self.asked.append((code, level))
        found = AREAS.get(code.upper())
        if found and level and found.level == "cty_ua" and level in ("cty_ua", "lad"):
            return Resolved(found.code, level)
        return found


texts = st.one_of(
    st.text(max_size=30),
    st.sampled_from(PAYLOADS),
    st.sampled_from([*AREAS, *LEVEL_KEYS, *map(str, YEARS), *COMPARATORS, *BREAKDOWNS]),
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=4), st.integers(10, 300_000)),
)
values = st.one_of(
    texts,
    st.lists(texts, max_size=4),
    st.tuples(texts, texts),
    st.integers(),
    st.none(),
    st.binary(max_size=8),
    st.dictionaries(st.text(max_size=3), texts, max_size=2),
    st.lists(st.integers(), max_size=2),
)
keys = st.one_of(st.sampled_from(KNOWN_PARAMS), st.text(max_size=12), st.sampled_from(PAYLOADS))


@BOUNDED
@given(params=st.dictionaries(keys, values, max_size=8))
def test_any_query_string_is_safe(params: dict[str, object]) -> None:
    state: dict[str, object] = {"unrelated": "kept"}
    resolver = Recorder()
    notes = prepare(
        params,
        state,
        resolver,
        years=YEARS,
        comparators=COMPARATORS,
        breakdowns=BREAKDOWNS,
    )

    assert set(state) <= {*KNOWN_PARAMS, "unrelated"} and state["unrelated"] == "kept"
    if "level" in state:
        assert state["level"] in LEVEL_KEYS
    if "place" in state:
        assert state["place"] in {r.code for r in AREAS.values()}
        assert "level" in state
    if "year" in state:
        assert type(state["year"]) is int and state["year"] in YEARS
    assert state.get("compare", "england") in COMPARATORS
    assert state.get("breakdown", "sex") in BREAKDOWNS

    # only code-shaped text reaches the warehouse's resolver
    for code, level in resolver.asked:
        assert CODE_PATTERN.fullmatch(code) and (level is None or level in LEVEL_KEYS)

    # one short, plain sentence per rejected value at most
    assert isinstance(notes, list) and len(notes) <= len(KNOWN_PARAMS)
    for note in notes:
        assert isinstance(note, str) and len(note) < 200
        assert not MARKUP.search(note), note
        assert note.isascii()


@BOUNDED
@given(
    params=st.fixed_dictionaries(
        {k: st.sampled_from(PAYLOADS) for k in KNOWN_PARAMS},
    )
)
def test_payloads_in_every_known_key_change_nothing(params: dict[str, object]) -> None:
    state: dict[str, object] = {}
    notes = prepare(params, state, Recorder(), years=YEARS, comparators=COMPARATORS)
    assert state == {}
    assert len(notes) == len(KNOWN_PARAMS)  # one note for each rejected value
    assert not any(MARKUP.search(n) for n in notes)


@BOUNDED
@given(
    code=st.sampled_from(sorted(AREAS)),
    year=st.sampled_from(YEARS),
    compare=st.sampled_from(COMPARATORS),
    breakdown=st.sampled_from(BREAKDOWNS),
)
def test_a_link_the_app_writes_reads_back_as_the_same_view(
    code: str, year: int, compare: str, breakdown: str
) -> None:
    place = AREAS[code]
    link = to_params(place.level, place.code, year, compare, breakdown)
    state: dict[str, object] = {}
    notes = prepare(
        link, state, Recorder(), years=YEARS, comparators=COMPARATORS, breakdowns=BREAKDOWNS
    )
    assert notes == []
    assert state == {
        "level": place.level,
        "place": place.code,
        "year": year,
        "compare": compare,
        "breakdown": breakdown,
    }
