"""Properties of queries.stats that must hold for any input, checked with hypothesis.

Limits contain the value and widen with confidence; proportions stay within
[0, multiplier]; rate limits are never negative; disclosure control never shows a count
of 1-7 or an unrounded count, and never leaves a single hidden sibling (or a small
hidden sum) to be recovered from its group's total; dirty cells never raise.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from queries.stats import (
    NHS_DIGITAL_RULE,
    benchmark,
    dsr,
    funnel_grid,
    funnel_limits,
    funnel_significance,
    isr,
    proportion_ci,
    rate_ci,
    sii,
    suppress,
    suppress_frame,
)
from tests.disclosive import is_disclosive

PROPERTY = settings(max_examples=150, deadline=None)
confidences = st.floats(min_value=0.5, max_value=0.9999)


@st.composite
def count_and_denominator(draw: st.DrawFn) -> tuple[int, int]:
    denominator = draw(st.integers(min_value=1, max_value=10_000_000))
    count = draw(st.integers(min_value=0, max_value=denominator))
    return count, denominator


@PROPERTY
@given(count_and_denominator(), confidences, st.sampled_from([1, 100, 1000]))
def test_proportion_limits_contain_value_within_range(
    pair: tuple[int, int], confidence: float, multiplier: int
) -> None:
    count, denominator = pair
    lower, upper = proportion_ci(count, denominator, confidence, multiplier)
    value = count / denominator * multiplier
    assert 0 <= lower <= value <= upper <= multiplier


@PROPERTY
@given(count_and_denominator())
def test_proportion_limits_widen_with_confidence(pair: tuple[int, int]) -> None:
    lower_95, upper_95 = proportion_ci(*pair, 0.95)
    lower_998, upper_998 = proportion_ci(*pair, 0.998)
    assert lower_998 <= lower_95 and upper_95 <= upper_998


@PROPERTY
@given(
    st.integers(min_value=0, max_value=5_000_000),
    st.floats(min_value=1, max_value=1e9),
    confidences,
)
def test_rate_limits_contain_value_and_are_not_negative(
    count: int, denominator: float, confidence: float
) -> None:
    lower, upper = rate_ci(count, denominator, confidence)
    value = count / denominator * 100_000
    assert 0 <= lower <= value <= upper
    lower_998, upper_998 = rate_ci(count, denominator, 0.998)
    lower_95, upper_95 = rate_ci(count, denominator, 0.95)
    assert lower_998 <= lower_95 and upper_95 <= upper_998


bands = st.lists(st.tuples(st.integers(0, 500), st.integers(1, 200_000)), min_size=19, max_size=19)


@PROPERTY
@given(bands)
def test_dsr_limits_contain_value_and_widen(rows: list[tuple[int, int]]) -> None:
    counts, pops = zip(*rows, strict=True)
    got = dsr(list(counts), list(pops))
    if sum(counts) < 10:
        assert np.isnan(got.value).all()
        return
    assert got.lower_998 <= got.lower_95 <= got.value <= got.upper_95 <= got.upper_998


@PROPERTY
@given(bands, st.lists(st.integers(1, 1000), min_size=19, max_size=19))
def test_isr_limits_contain_value_and_are_not_negative(
    rows: list[tuple[int, int]], reference_counts: list[int]
) -> None:
    counts, pops = zip(*rows, strict=True)
    reference_pops = [100_000] * 19
    got = isr(list(counts), list(pops), reference_counts, reference_pops, kind="rate")
    assert 0 <= got.lower_998 <= got.lower_95 <= got.value <= got.upper_95 <= got.upper_998


@PROPERTY
@given(st.floats(min_value=1e-4, max_value=0.9999), st.lists(st.integers(1, 10**7), max_size=20))
def test_funnel_limits_nest_and_stay_in_range(baseline: float, denominators: list[int]) -> None:
    limits = funnel_limits(denominators, baseline)
    assert (0 <= limits.lower_998).all() and (limits.upper_998 <= 100).all()
    assert (limits.lower_998 <= limits.lower_95).all()
    assert (limits.lower_95 <= limits.baseline + 1e-9).all()
    assert (limits.baseline - 1e-9 <= limits.upper_95).all()
    assert (limits.upper_95 <= limits.upper_998).all()


# --- disclosure control ------------------------------------------------------------------

group_counts = st.lists(
    st.lists(
        st.one_of(st.integers(0, 12), st.integers(0, 500), st.none(), st.just(-3)),
        min_size=1,
        max_size=8,
    ),
    min_size=1,
    max_size=6,
)


def _flatten(groups: list[list[int | None]]) -> tuple[list[int | None], list[int]]:
    counts = [c for group in groups for c in group]
    keys = [g for g, group in enumerate(groups) for _ in group]
    return counts, keys


@PROPERTY
@given(group_counts)
def test_suppression_never_shows_small_or_unrounded_counts(
    groups: list[list[int | None]],
) -> None:
    counts, keys = _flatten(groups)
    got = suppress(counts, groups=keys)
    for text in got.display.tolist():
        assert not is_disclosive(text)
        if text not in ("*", ""):
            number = int(text)
            assert number == 0 or (number >= 8 and number % 5 == 0)


@PROPERTY
@given(group_counts)
def test_no_hidden_sibling_is_recoverable_from_the_total(
    groups: list[list[int | None]],
) -> None:
    counts, keys = _flatten(groups)
    got = suppress(counts, groups=keys)
    values = np.array([np.nan if c is None or c < 0 else c for c in counts], dtype=float)
    for g in range(len(groups)):
        rows = np.flatnonzero(np.array(keys) == g)
        hidden = rows[got.hidden[rows] & ~np.isnan(values[rows])]
        if got.total_hidden[g]:
            continue
        assert hidden.size != 1, "one hidden sibling = total minus the others"
        total = values[hidden].sum()
        assert not 0 < total < NHS_DIGITAL_RULE.smallest_shown, "hidden cells sum to 1-7"


@PROPERTY
@given(group_counts)
def test_suppress_frame_outputs_are_safe(groups: list[list[int | None]]) -> None:
    counts, keys = _flatten(groups)
    totals_by_group = [sum(c for c in group if c is not None and c > 0) for group in groups]
    frame = pl.DataFrame(
        {"group": keys, "n": counts, "total": [totals_by_group[k] for k in keys]},
        schema={"group": pl.Int64, "n": pl.Int64, "total": pl.Int64},
    )
    out = suppress_frame(frame, ["n"], group_by=["group"], total="total")
    shown = out["n_display"].to_list() + out["total_display"].to_list()
    assert not any(is_disclosive(text) for text in shown)
    assert not any(is_disclosive(v) for v in out["n"].to_list() + out["total"].to_list())
    for n, total, pct in zip(out["n"], out["total"], out["n_pct"], strict=True):
        if pct is not None:
            assert math.isclose(pct, n / total * 100)


# --- dirty cells ---------------------------------------------------------------------

dirty = st.one_of(
    st.none(),
    st.just(float("nan")),
    st.just(float("inf")),
    st.just(0),
    st.integers(-50, 10_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=3),
)


@PROPERTY
@given(st.lists(st.tuples(dirty, dirty), min_size=1, max_size=30))
def test_dirty_cells_never_raise(cells: list[tuple[object, object]]) -> None:
    first = [a for a, _ in cells]
    second = [b for _, b in cells]
    for lower, upper in (proportion_ci(first, second), rate_ci(first, second)):
        assert lower.shape == upper.shape == (len(cells),)
        assert not (lower > upper).any()
    assert suppress(first, groups=[0] * len(cells)).display.shape == (len(cells),)
    assert funnel_significance(first, second).shape == (len(cells),)
    assert set(benchmark(first, second, 5.0).tolist()) <= {
        "higher",
        "lower",
        "similar",
        "not compared",
    }
    result = dsr(first, second, standard_population=[1.0] * len(cells))
    assert result.value.shape == (1,)
    isr(first, second, [1.0] * len(cells), [10.0] * len(cells))
    funnel_grid(first, second)
    slopes = sii(first, second, first, se=second, repetitions=200)
    assert slopes.sii.shape == (1,)
