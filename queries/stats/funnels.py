"""Funnel plot control limits and outlier labels for practices, PCNs and areas.

Proportions follow PHEindicatormethods `phe_funnels` / `phe_funnel_significance`: the
limits at denominator n are the observed proportions whose Wilson score interval just
reaches the baseline (the pooled proportion), at 95% (two-sided, "0.025") and 99.8%
("0.001"). Rates follow the package's Poisson funnels: the limits at population n are
the rates whose exact Poisson interval just reaches the expected count, and points are
labelled by comparing their own rate interval (exact below 10 events, Byar's above)
with the baseline, as `phe_funnel_significance(statistic = "rate")` does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Literal

import numpy as np
import polars as pl
from scipy import special

from queries.stats._inputs import FloatArray, Numbers, TextArray, as_float, normal_quantile
from queries.stats.intervals import rate_ci

Statistic = Literal["proportion", "rate"]
#: One-sided tail probabilities of the two funnels, as the package labels them.
TAILS = {"95": 0.025, "998": 0.001}
LABELS = ("High (0.001)", "High (0.025)", "Low (0.001)", "Low (0.025)", "Not significant")


@dataclass(frozen=True)
class FunnelLimits:
    """Control limits at each denominator, in the units of value × multiplier."""

    denominator: FloatArray
    lower_95: FloatArray
    upper_95: FloatArray
    lower_998: FloatArray
    upper_998: FloatArray
    baseline: FloatArray

    def to_frame(self) -> pl.DataFrame:
        """The limits as a frame, one row per denominator."""
        frame = pl.DataFrame({f.name: getattr(self, f.name) for f in fields(self)})
        return frame.with_columns(pl.all().fill_nan(None))


def _proportion_limit(n: FloatArray, p: float, tail: float, upper: bool) -> FloatArray:
    """Observed proportion at n whose one-sided Wilson limit at `tail` equals p.

    Solves (p(1 + k) − k/2 − x)² = k(x(1 − x) + k/4) for x with k = z²/n, the Wilson bound
    equation rearranged: (1 + k)x² − (2A + k)x + A² − k²/4 = 0 with A = p(1 + k) − k/2. The
    smaller root is the lower limit. This gives the package's `sigma_adjustment` values.
    """
    z = normal_quantile(1 - tail)
    with np.errstate(all="ignore"):
        k = z**2 / n
        a = p * (1 + k) - k / 2
        b = 2 * a + k
        disc = np.sqrt(b**2 - 4 * (1 + k) * (a**2 - k**2 / 4))
        root = (b + disc) / (2 * (1 + k)) if upper else (b - disc) / (2 * (1 + k))
    return np.asarray(root, np.float64)


def _rate_limit(n: FloatArray, rate: float, tail: float, upper: bool) -> FloatArray:
    """Events per person at population n whose exact Poisson limit equals the expected count.

    With μ = rate × n expected events, the lower funnel is the count E with upper exact
    limit μ, i.e. P(X ≤ E | μ) = tail, so E + 1 solves the regularised gamma
    P(E + 1, μ) = 1 − tail; the upper funnel is E with lower exact limit μ, P(E, μ) = tail.
    `special.gdtrib` inverts the gamma CDF in its shape, which gives E without a search.
    """
    with np.errstate(all="ignore"):
        mu = rate * n
        if upper:
            events = special.gdtrib(1.0, tail, mu)
        else:
            events = special.gdtrib(1.0, 1 - tail, mu) - 1
        return np.asarray(np.maximum(events, 0.0) / n, np.float64)


def funnel_limits(
    denominator: Numbers,
    baseline: float,
    *,
    statistic: Statistic = "proportion",
    multiplier: float = 100,
) -> FunnelLimits:
    """95% and 99.8% funnel limits at each denominator, times `multiplier`.

    `baseline` is the target as a fraction or rate per person (the pooled value
    Σ numerators / Σ denominators, not multiplied). Proportions: limits from the Wilson
    bound (see `_proportion_limit`), clipped to [0, multiplier] as the package clips to
    [0, 100]. Rates: exact Poisson limits (see `_rate_limit`), in events per `multiplier`
    of population (set multiplier=100_000 for a rate per 100,000). NaN for a missing or
    non-positive denominator.
    """
    n = as_float(denominator)
    n = np.where(n > 0, n, np.nan)
    out = {}
    for label, tail in TAILS.items():
        for side in ("lower", "upper"):
            if statistic == "proportion":
                limit = np.clip(_proportion_limit(n, baseline, tail, side == "upper"), 0, 1)
            elif statistic == "rate":
                limit = _rate_limit(n, baseline, tail, side == "upper")
            else:
                raise ValueError(f"statistic must be 'proportion' or 'rate', not {statistic!r}")
            out[f"{side}_{label}"] = limit * multiplier
    return FunnelLimits(
        denominator=n,
        lower_95=out["lower_95"],
        upper_95=out["upper_95"],
        lower_998=out["lower_998"],
        upper_998=out["upper_998"],
        baseline=np.full(n.shape, baseline * multiplier),
    )


def funnel_significance(
    numerator: Numbers,
    denominator: Numbers,
    *,
    statistic: Statistic = "proportion",
    baseline: float | None = None,
) -> TextArray:
    """Label each point "High (0.001)", "High (0.025)", "Low (0.001)", "Low (0.025)" or
    "Not significant" (the package's labels), and "" where it cannot be assessed.

    The baseline defaults to Σ numerator / Σ denominator over the points that can be
    assessed. Proportions: the point's proportion against the unclipped Wilson funnel at
    its denominator. Rates: the point's own 99.8% and 95% rate limits (exact below 10
    events, Byar's above) against the baseline rate. Points with a missing or negative
    numerator, a non-positive denominator, or (proportions) a numerator above its
    denominator get "".
    """
    x = as_float(numerator)
    n = as_float(denominator)
    x, n = np.broadcast_arrays(x, n)
    valid = (x >= 0) & (n > 0)
    if statistic == "proportion":
        valid &= x <= n
    if baseline is None:
        with np.errstate(all="ignore"):
            total = float(n[valid].sum())
            baseline = float(x[valid].sum()) / total if total > 0 else math.nan
    labels = np.full(x.shape, "Not significant", dtype=object)
    with np.errstate(all="ignore"):
        if statistic == "proportion":
            p = x / n
            tests = [
                (p < _proportion_limit(n, baseline, 0.001, False), "Low (0.001)"),
                (p < _proportion_limit(n, baseline, 0.025, False), "Low (0.025)"),
                (p > _proportion_limit(n, baseline, 0.001, True), "High (0.001)"),
                (p > _proportion_limit(n, baseline, 0.025, True), "High (0.025)"),
            ]
        elif statistic == "rate":
            low_998, high_998 = rate_ci(x, n, 0.998, multiplier=1)
            low_95, high_95 = rate_ci(x, n, 0.95, multiplier=1)
            tests = [
                (low_998 > baseline, "High (0.001)"),
                (low_95 > baseline, "High (0.025)"),
                (high_998 < baseline, "Low (0.001)"),
                (high_95 < baseline, "Low (0.025)"),
            ]
        else:
            raise ValueError(f"statistic must be 'proportion' or 'rate', not {statistic!r}")
    decided = np.zeros(x.shape, dtype=bool)
    for hit, label in tests:
        labels[hit & ~decided] = label
        decided |= hit
    labels[~valid | ~np.isfinite(baseline)] = ""
    return labels


def _floor_neat(x: float) -> float:
    """Round 95% of x down to its leading digit, as the package does for the axis start."""
    try:
        digits = len(str(math.floor(x * 0.95))) - 1
        return 0.0 if x == 0 else float(math.floor(x * 0.95 / 10**digits) * 10**digits)
    except OverflowError:  # beyond any real population: no neat rounding
        return x


def _ceiling_neat(x: float) -> float:
    """Round 105% of x up to two significant figures, as the package does for the axis end."""
    try:
        digits = len(str(math.ceil(x * 1.05))) - 2
        return 0.0 if x == 0 else float(math.ceil(x * 1.05 / 10**digits) * 10**digits)
    except OverflowError:
        return x


def funnel_grid(
    numerator: Numbers,
    denominator: Numbers,
    *,
    statistic: Statistic = "proportion",
    multiplier: float = 100,
    points: int = 100,
) -> FunnelLimits:
    """The funnel lines to draw: limits at `points` denominators spread geometrically.

    The axis runs from 1 (or 95% of the smallest denominator rounded down, when the
    largest is under twice the smallest) to 105% of the largest rounded up, each step
    max(round((end/previous)^(1/(points + 1 − j)) × previous), previous + 1), as in
    `phe_funnels`; the baseline is the pooled value of the valid points.
    """
    x = as_float(numerator).ravel()
    n = as_float(denominator).ravel()
    valid = (x >= 0) & (n > 0)
    if not valid.any():
        empty = np.array([], dtype=np.float64)
        return FunnelLimits(empty, empty, empty, empty, empty, empty)
    with np.errstate(all="ignore"):
        baseline = float(x[valid].sum() / n[valid].sum())
    low, high = float(n[valid].min()), float(n[valid].max())
    start = 0.0 if high > 2 * low else _floor_neat(low)
    end = _ceiling_neat(high)
    grid = [max(1.0, start)]
    with np.errstate(all="ignore"):  # absurd denominators near the float limit give inf
        for j in range(2, points + 1):
            step = (end / grid[-1]) ** (1 / (points + 1 - j)) * grid[-1]
            grid.append(max(float(np.round(step)), grid[-1] + 1))
    return funnel_limits(np.array(grid), baseline, statistic=statistic, multiplier=multiplier)
