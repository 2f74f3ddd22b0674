"""Edge cases of queries.stats: zeros, full proportions, empty denominators, nulls, negatives.

Bad cells give NaN (or a blank label), never an exception for the column; bad parameters
(a confidence of 3, an unknown polarity) raise ValueError because they are programming
errors.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
import polars as pl
import pytest
from scipy import stats

from queries.stats import (
    ESP2013,
    ESP2013_WEIGHTS,
    NHS_DIGITAL_RULE,
    SuppressionRule,
    benchmark,
    byars_ci,
    dsr,
    exact_poisson_ci,
    funnel_grid,
    funnel_limits,
    funnel_significance,
    isr,
    poisson_ci,
    proportion_ci,
    rate_ci,
    sii,
    suppress,
    suppress_frame,
)
from tests.disclosive import is_disclosive

NAN = float("nan")


# --- proportions -------------------------------------------------------------------------


def test_proportion_zero_and_full() -> None:
    lower, upper = proportion_ci([0, 50], [50, 50], 0.95, 100)
    assert lower[0] == 0.0 and 0 < upper[0] < 10
    assert upper[1] == 100.0 and 90 < lower[1] < 100


@pytest.mark.parametrize(
    ("count", "denominator"),
    [(5, 0), (-1, 10), (11, 10), (None, 10), (5, None), (NAN, 10), (5, -3), ("x", 10)],
)
def test_proportion_bad_cells_are_nan(count: object, denominator: object) -> None:
    lower, upper = proportion_ci([count, 3], [denominator, 10])
    assert math.isnan(lower[0]) and math.isnan(upper[0])
    assert 0 < lower[1] < 0.3 < upper[1] < 1


def test_proportion_scalars_series_and_percent_confidence() -> None:
    lower, upper = proportion_ci(65, 100, 95)
    assert lower.shape == () and float(lower) == pytest.approx(0.5525444329688797, rel=1e-12)
    series_lower, _ = proportion_ci(pl.Series([65, None]), pl.Series([100, 100]))
    assert series_lower[0] == lower and math.isnan(series_lower[1])
    assert float(upper) == pytest.approx(0.7363575175690247, rel=1e-12)


@pytest.mark.parametrize("confidence", [0, 1, 100, 150, -0.5])
def test_bad_confidence_raises(confidence: float) -> None:
    with pytest.raises(ValueError, match="confidence"):
        proportion_ci(1, 10, confidence)


# --- counts and rates --------------------------------------------------------------------


def test_rate_zero_count_has_exact_limits() -> None:
    lower, upper = rate_ci(0, 1000, 0.95, multiplier=1000)
    assert float(lower) == 0.0
    assert float(upper) == pytest.approx(-math.log(0.025), rel=1e-12)  # chi2(0.975; 2)/2


def test_rate_switches_from_exact_to_byar_at_ten() -> None:
    exact_lower, _ = exact_poisson_ci(9)
    byar_lower, _ = byars_ci(10)
    lower, _ = poisson_ci([9, 10])
    assert lower[0] == exact_lower and lower[1] == byar_lower


@pytest.mark.parametrize(("count", "denominator"), [(3, 0), (-2, 100), (None, 100), (4, None)])
def test_rate_bad_cells_are_nan(count: object, denominator: object) -> None:
    lower, upper = rate_ci([count], [denominator])
    assert np.isnan(lower).all() and np.isnan(upper).all()


def test_byar_lower_is_nan_where_it_goes_negative() -> None:
    lower, upper = byars_ci([0, 1], 0.998)
    assert np.isnan(lower).all() and (upper > 0).all()


# --- standardised rates ------------------------------------------------------------------


def _area(count: int, *, key: str = "a") -> dict[str, list[object]]:
    return {"area": [key] * 19, "count": [count] * 19, "pop": [1000] * 19}


def test_esp2013_is_the_19_band_standard() -> None:
    assert len(ESP2013) == 19 and sum(ESP2013.values()) == 100_000
    assert ESP2013["90+"] == 1000 and not ESP2013_WEIGHTS.flags.writeable


def test_dsr_small_total_is_suppressed_and_other_groups_survive() -> None:
    frame = pl.DataFrame(_area(0, key="tiny")).vstack(pl.DataFrame(_area(5, key="ok")))
    result = dsr(frame["count"], frame["pop"], groups=frame["area"])
    assert np.isnan(result.value[0]) and result.total_count[0] == 0
    assert result.value[1] == pytest.approx(500.0)  # 5 per 1,000 in every band
    assert result.lower_998[1] < result.lower_95[1] < 500 < result.upper_95[1] < result.upper_998[1]


@pytest.mark.parametrize(
    ("row", "column", "bad"), [(3, "pop", 0), (3, "pop", None), (4, "count", -1)]
)
def test_dsr_bad_row_spoils_only_its_group(row: int, column: str, bad: object) -> None:
    good = _area(20, key="good")
    spoiled = _area(20, key="bad")
    spoiled[column][row] = bad
    frame = pl.DataFrame({k: good[k] + spoiled[k] for k in good}, strict=False)
    result = dsr(frame["count"], frame["pop"], groups=frame["area"])
    assert not np.isnan(result.value[0]) and np.isnan(result.value[1])


def test_dsr_missing_count_counts_as_zero_and_missing_band_spoils_group() -> None:
    with_null = _area(20)
    with_null["count"][0] = None
    result = dsr(pl.Series(with_null["count"]), with_null["pop"])
    assert result.total_count[0] == 20 * 18 and not np.isnan(result.value[0])
    short = dsr([20] * 18, [1000] * 18)  # 18 rows cannot take the 19 ESP2013 weights
    assert np.isnan(short.value[0])


def test_isr_zero_expected_and_observed_totals() -> None:
    got = isr(None, [100, 100], [0, 0], [1000, 1000], observed=[3])
    assert np.isnan(got.value[0])
    got = isr(None, [100, 100], [10, 10], [1000, 1000], observed=[3])
    assert got.expected[0] == pytest.approx(2.0) and got.value[0] == pytest.approx(1.5)
    lower, upper = exact_poisson_ci(3)
    assert got.lower_95[0] == pytest.approx(float(lower) / 2) and got.upper_95[0] == pytest.approx(
        float(upper) / 2
    )
    negative = isr([-1, 2], [100, 100], [10, 10], [1000, 1000])
    assert np.isnan(negative.value[0])


def test_frames_show_missing_as_null() -> None:
    frame = dsr([0] * 18 + [5], [100] * 19).to_frame()  # 5 events: below 10
    assert frame["value"].null_count() == 1 and frame["value"].is_nan().sum() == 0


# --- inequality --------------------------------------------------------------------------


def test_sii_perfect_gradient() -> None:
    quantile = np.arange(1, 11)
    got = sii(quantile, np.full(10, 100.0), 70 + quantile, se=np.full(10, 0.5), repetitions=2000)
    assert got.sii[0] == pytest.approx(10.0)  # one unit per decile over ranks 0.05..0.95
    assert got.intercept[0] == pytest.approx(70.5) and got.rii[0] == pytest.approx(80.5 / 70.5)
    assert got.sii_lower[0, 0] < 10 < got.sii_upper[0, 0]


def test_sii_incomplete_group_is_nan_and_too_few_quantiles() -> None:
    quantile = np.concatenate([np.arange(1, 11), np.arange(1, 10)])
    groups = ["full"] * 10 + ["short"] * 9
    got = sii(
        quantile, np.ones(19), np.arange(19.0), se=np.ones(19), groups=groups, repetitions=1000
    )
    assert not np.isnan(got.sii[0]) and np.isnan(got.sii[1])
    four = sii([1, 2, 3, 4], [1, 1, 1, 1], [1, 2, 3, 4], se=[1, 1, 1, 1], repetitions=1000)
    assert np.isnan(four.sii).all()


def test_sii_from_counts_uses_wilson_or_poisson_limits() -> None:
    quantile = np.arange(1, 11)
    population = np.full(10, 5000.0)
    count = np.linspace(400, 200, 10)
    kinds: tuple[tuple[Literal["proportion", "rate"], Any], ...] = (
        ("proportion", proportion_ci),
        ("rate", rate_ci),
    )
    for value_type, ci in kinds:
        lower, upper = ci(count, population, 0.95, multiplier=1)
        from_counts = sii(
            quantile, population, count=count, value_type=value_type, repetitions=5000
        )
        explicit = sii(
            quantile,
            population,
            count / population,
            lower_cl=lower,
            upper_cl=upper,
            value_type=value_type,
            repetitions=5000,
        )
        assert from_counts.sii[0] == explicit.sii[0] and from_counts.sii[0] < 0
        assert from_counts.sii_lower[0, 0] == explicit.sii_lower[0, 0]


def test_sii_parameter_errors_raise() -> None:
    with pytest.raises(ValueError, match="transform"):
        sii([1, 2, 3, 4, 5], [1] * 5, [1] * 5, se=[1] * 5, transform=True)
    with pytest.raises(ValueError, match="se"):
        sii([1, 2, 3, 4, 5], [1] * 5, [1] * 5)


# --- funnels -----------------------------------------------------------------------------


def test_funnel_limits_bad_denominators_and_rate_funnel() -> None:
    limits = funnel_limits([0, None, 1000], 0.2)
    assert np.isnan(limits.lower_95[:2]).all() and 0 < limits.lower_95[2] < 20 < limits.upper_95[2]
    rate = funnel_limits([10_000.0], 0.001, statistic="rate", multiplier=100_000)
    # 10 events expected. The upper funnel is the (continuous) count whose exact lower
    # limit is 10; the lower funnel the count whose exact upper limit is 10.
    upper_events = float(rate.upper_95[0]) / 100_000 * 10_000
    lower_events = float(rate.lower_95[0]) / 100_000 * 10_000
    assert stats.chi2.ppf(0.025, 2 * upper_events) / 2 == pytest.approx(10, rel=1e-9)
    assert stats.chi2.ppf(0.975, 2 * lower_events + 2) / 2 == pytest.approx(10, rel=1e-9)
    assert float(rate.lower_998[0]) < float(rate.lower_95[0]) < 100 < float(rate.upper_95[0])


def test_funnel_significance_blanks_bad_points() -> None:
    labels = funnel_significance([5, None, -1, 12, 50], [100, 100, 100, 10, 100])
    assert labels[1] == labels[2] == labels[3] == ""
    assert labels[4] in {"High (0.001)", "High (0.025)"}


def test_funnel_grid_of_nothing_is_empty() -> None:
    assert funnel_grid([None], [0]).denominator.size == 0


# --- benchmark ---------------------------------------------------------------------------


def test_benchmark_labels() -> None:
    lower = [1.0, 3.0, 5.0, 2.0, NAN, 3.0]
    upper = [2.0, 4.0, 6.0, 4.0, 4.0, 1.0]
    got = benchmark(lower, upper, 4.0, "lower is better").tolist()
    assert got == ["better", "similar", "worse", "similar", "not compared", "not compared"]
    assert benchmark(lower, upper, 4.0, "higher is better").tolist()[:3] == [
        "worse",
        "similar",
        "better",
    ]
    assert benchmark(lower, upper, 4.0).tolist()[:3] == ["lower", "similar", "higher"]
    assert benchmark(1.0, 2.0, None).tolist() == "not compared"
    with pytest.raises(ValueError, match="polarity"):
        benchmark(1, 2, 3, "bigger is better")  # type: ignore[arg-type]


# --- disclosure control ------------------------------------------------------------------


def test_nhs_digital_rule_display() -> None:
    got = suppress([0, 1, 7, 8, 12, 13, 1234, None, -4, "x"])
    assert got.display.tolist() == ["0", "*", "*", "10", "10", "15", "1235", "", "", ""]
    assert np.isnan(got.values[[1, 2, 7, 8, 9]]).all() and got.values[3] == 10


def test_secondary_suppression_hides_next_smallest() -> None:
    got = suppress([3, 40, 25, 60], groups=["a"] * 4)
    assert got.hidden.tolist() == [True, False, True, False]
    assert got.secondary.tolist() == [False, False, True, False]


def test_secondary_suppression_hides_the_total_when_nothing_is_left() -> None:
    got = suppress([3, 0, 0], groups=["a"] * 3)
    assert got.hidden.all() and got.total_hidden.tolist() == [True]
    frame = pl.DataFrame(
        {"place": ["home", "care home", "hospital"], "n": [3, 0, 0], "all": [3] * 3}
    )
    out = suppress_frame(frame, ["n"], group_by=[], total="all")
    assert out["all_display"].to_list() == ["*"] * 3 and out["n_pct"].null_count() == 3


def test_suppress_frame_rounds_recomputes_percentages_and_blanks() -> None:
    frame = pl.DataFrame(
        {
            "icb": ["A"] * 4 + ["B"] * 2,
            "setting": ["home", "hospital", "hospice", "care home", "home", "hospital"],
            "deaths": [123, 251, 4, 62, 0, 18],
            "all_deaths": [440] * 4 + [18] * 2,
            "rate": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    out = suppress_frame(
        frame, ["deaths"], group_by=["icb"], total="all_deaths", blank={"deaths": ["rate"]}
    )
    assert out["deaths_display"].to_list() == ["125", "250", "*", "*", "0", "20"]
    assert out["deaths"].to_list() == [125, 250, None, None, 0, 20]
    assert out["deaths_pct"][0] == pytest.approx(125 / 440 * 100)
    assert out["rate"].to_list() == [1.0, 2.0, None, None, 5.0, 6.0]
    assert out["all_deaths"].to_list() == [440] * 4 + [20] * 2
    assert out["setting"].to_list() == frame["setting"].to_list()


def test_suppress_frame_without_groups_is_primary_only() -> None:
    out = suppress_frame(pl.DataFrame({"n": [3, 40, None]}), ["n"])
    assert out["n_display"].to_list() == ["*", "40", ""]


def test_is_disclosive() -> None:
    assert is_disclosive(3) and is_disclosive("7") and is_disclosive(12)
    assert not any(is_disclosive(v) for v in (0, 10, "1,235", "*", "", None, "n/a", NAN, True))
    strict = SuppressionRule(show_zero=False, round_to=1, smallest_shown=10)
    assert is_disclosive(0, strict) and not is_disclosive(12, strict)
    assert NHS_DIGITAL_RULE.smallest_shown == 8
    with pytest.raises(AttributeError):
        NHS_DIGITAL_RULE.round_to = 10  # type: ignore[misc]
