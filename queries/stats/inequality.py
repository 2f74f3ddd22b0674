"""Slope and relative index of inequality across ordered groups (deprivation quantiles).

Reimplemented from the method of PHEindicatormethods `phe_sii` (Low & Low, J Public
Health 2004;26:388-395). Quantiles are ranked by the midpoint of their share of the
cumulative population; a weighted (√a) regression of the value on that rank gives the
SII as the slope, and confidence limits come from simulating the quantile values from
their standard errors. The simulation is vectorised (one matrix product per block of
repetitions) and seeded per group, so results are reproducible and independent of which
other groups are in the call.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl

from queries.stats._inputs import (
    FloatArray,
    Groups,
    Numbers,
    as_float,
    confidence_level,
    group_index,
    normal_quantile,
)
from queries.stats.intervals import proportion_ci, rate_ci

ValueType = Literal["normal", "rate", "proportion"]
DEFAULT_SEED = 20_130_101
_BLOCK = 20_000


@dataclass(frozen=True)
class SiiResult:
    """SII, RII and intercept per group, with simulated limits per confidence level.

    Limit arrays have shape (groups, levels), levels in the order of `confidence`.
    """

    groups: tuple[object, ...]
    confidence: tuple[float, ...]
    sii: FloatArray
    rii: FloatArray
    intercept: FloatArray
    sii_lower: FloatArray
    sii_upper: FloatArray
    rii_lower: FloatArray
    rii_upper: FloatArray

    def to_frame(self, by: str = "group") -> pl.DataFrame:
        """One row per group; limit columns are suffixed with the level (95, 998, ...)."""
        columns: dict[str, object] = {
            by: list(self.groups),
            "sii": self.sii,
            "rii": self.rii,
            "intercept": self.intercept,
        }
        for j, level in enumerate(self.confidence):
            label = f"{level * 100:g}".replace(".", "")
            columns[f"sii_lower_{label}"] = self.sii_lower[:, j]
            columns[f"sii_upper_{label}"] = self.sii_upper[:, j]
            columns[f"rii_lower_{label}"] = self.rii_lower[:, j]
            columns[f"rii_upper_{label}"] = self.rii_upper[:, j]
        frame = pl.DataFrame(columns, strict=False)
        return frame.with_columns(pl.col(list(columns)[1:]).fill_nan(None))


Transform = Callable[..., FloatArray]


def _transforms(value_type: ValueType) -> tuple[Transform, Transform]:
    """Forward and back transformation: log for rates, logit for proportions."""
    if value_type == "rate":
        return np.log, np.exp
    if value_type == "proportion":
        return (lambda p: np.log(p / (1 - p))), (lambda t: np.exp(t) / (1 + np.exp(t)))
    if value_type == "normal":
        return (lambda v: v), (lambda v: v)
    raise ValueError(f"value_type must be 'normal', 'rate' or 'proportion', not {value_type!r}")


def sii(
    quantile: Numbers,
    population: Numbers,
    value: Numbers | None = None,
    *,
    count: Numbers | None = None,
    se: Numbers | None = None,
    lower_cl: Numbers | None = None,
    upper_cl: Numbers | None = None,
    value_type: ValueType = "normal",
    transform: bool = False,
    multiplier: float = 1,
    confidence: float | Sequence[float] = 0.95,
    repetitions: int = 100_000,
    groups: Groups | None = None,
    seed: int = DEFAULT_SEED,
) -> SiiResult:
    """Slope index of inequality (SII), relative index (RII) and intercept, per group.

    For each group: a = quantile population share, b = midpoint of its cumulative share
    (quantile 1 first, so order quantiles from most to least deprived), and the model
    √a·y = β₀√a + β₁b√a is fitted by least squares. SII = β₁ × multiplier (the fitted
    difference between rank 1 and rank 0), intercept = β₀ (fitted value at rank 0, in the
    value's own units, not multiplied), RII = (β₀ + β₁)/β₀, inverted when the multiplier is
    negative (a change of polarity). With `transform`, y is log(rate) or logit(proportion)
    and the fitted ends are back-transformed: intercept = g⁻¹(β₀), SII = (g⁻¹(β₀ + β₁) −
    g⁻¹(β₀)) × multiplier, RII = g⁻¹(β₀ + β₁)/g⁻¹(β₀).

    Limits: `repetitions` draws of every quantile value from Normal(g(y), se), where g is
    log for rates and logit for proportions; without `transform` the draws are
    back-transformed before the regression. The limits are the draws' order statistics at
    round(R(1 − p)) and round(Rp) with p = c + (1 − c)/2, as in PHEindicatormethods. The
    standard error is `se` (on the transformed scale), or (g(upper) − g(lower))/(2 × 1.96)
    from 95% limits. For proportions and rates given as `count` (no value), the value is
    count/population (a rate per person) and, unless limits or se are given, the limits
    are the Wilson or Poisson 95% limits of `proportion_ci` / `rate_ci`.

    A group gets NaN when it lacks any quantile present in the data, has a missing or
    non-positive population, a missing value or standard error, a negative standard error,
    or a proportion outside (0, 1); or when there are fewer than 5 or more than 100
    quantiles. Source: PHEindicatormethods `phe_sii`; Low & Low (2004).
    """
    wanted = [confidence] if isinstance(confidence, int | float) else list(confidence)
    levels = tuple(confidence_level(c) for c in wanted)
    if repetitions < 1:
        raise ValueError("repetitions must be at least 1")
    if transform and value_type == "normal":
        raise ValueError("transform applies to rates and proportions only")
    forward, back = _transforms(value_type)
    q = as_float(quantile).ravel()
    pop = as_float(population).ravel()
    if value is not None:
        y = as_float(value).ravel()
    elif value_type in ("proportion", "rate") and count is not None:
        with np.errstate(all="ignore"):
            y = as_float(count).ravel() / pop
        if se is None and lower_cl is None and upper_cl is None:
            ci = proportion_ci if value_type == "proportion" else rate_ci
            lower_cl, upper_cl = ci(count, pop, 0.95, multiplier=1)
    else:
        raise ValueError("give value, or count for a proportion or rate")
    with np.errstate(all="ignore"):
        if se is not None:
            sd = as_float(se).ravel()
        elif lower_cl is not None and upper_cl is not None:
            lo, hi = as_float(lower_cl).ravel(), as_float(upper_cl).ravel()
            sd = (forward(hi) - forward(lo)) / normal_quantile(0.975) / 2
        else:
            raise ValueError("give se, or lower_cl and upper_cl (95% limits)")
        yt = forward(y)
    if not q.size == pop.size == y.size == sd.size:
        raise ValueError("quantile, population, value and se must have the same length")
    keys, index = group_index(groups, q.size)
    n_quantiles = np.unique(q[np.isfinite(q)]).size
    shape = (len(keys), len(levels))
    out = {name: np.full(len(keys), np.nan) for name in ("sii", "rii", "intercept")}
    lims = {name: np.full(shape, np.nan) for name in ("sl", "su", "rl", "ru")}
    ok_row = (pop > 0) & np.isfinite(yt) & (sd >= 0) & np.isfinite(q)
    if value_type == "proportion" and lower_cl is not None and upper_cl is not None:
        ok_row &= ~((lo < 0) | (lo > 1) | (hi < 0) | (hi > 1))
    positions = [_positions(level, repetitions) for level in levels]
    kth = sorted({p for pair in positions for p in pair})
    by_group = np.split(np.argsort(index, kind="stable"), np.cumsum(np.bincount(index))[:-1])
    for g, key in enumerate(keys):
        rows = by_group[g]
        rows = rows[np.argsort(q[rows], kind="stable")]
        if not (5 <= n_quantiles <= 100 and rows.size == n_quantiles and ok_row[rows].all()):
            continue
        if np.unique(q[rows]).size != n_quantiles:
            continue
        with np.errstate(all="ignore"):
            share = pop[rows] / pop[rows].sum()
        if not np.isfinite(share).all():
            continue
        cumulative = np.cumsum(share)
        rank = share / 2 + np.concatenate(([0.0], cumulative[:-1]))
        design = np.vstack([np.sqrt(share), rank * np.sqrt(share)])  # 2 x K, as in the package
        solver = np.linalg.solve(design @ design.T, design) * np.sqrt(share)  # 2 x K
        fit_y = yt[rows] if transform else back(yt[rows])
        b0, b1 = solver @ fit_y
        rng = np.random.default_rng([seed, zlib.crc32(str(key).encode())])
        model = (back, transform, multiplier)
        start, slope, ratio = _summaries(np.array([b0]), np.array([b1]), *model)
        out["intercept"][g], out["sii"][g], out["rii"][g] = start[0], slope[0], ratio[0]
        sims = _simulate(rng, yt[rows], sd[rows], solver, model, repetitions)
        sim_sii, sim_rii = np.partition(sims[0], kth), np.partition(sims[1], kth)
        for j, (low_pos, high_pos) in enumerate(positions):
            lims["sl"][g, j], lims["su"][g, j] = sim_sii[low_pos], sim_sii[high_pos]
            lims["rl"][g, j], lims["ru"][g, j] = sim_rii[low_pos], sim_rii[high_pos]
    return SiiResult(
        groups=keys,
        confidence=levels,
        sii=out["sii"],
        rii=out["rii"],
        intercept=out["intercept"],
        sii_lower=lims["sl"],
        sii_upper=lims["su"],
        rii_lower=lims["rl"],
        rii_upper=lims["ru"],
    )


def _positions(level: float, repetitions: int) -> tuple[int, int]:
    """0-based order statistics for a level: round(R(1 − p)) and round(Rp), p = c + (1 − c)/2."""
    top = level + (1 - level) / 2
    low = min(max(round(repetitions * (1 - top)), 1), repetitions) - 1
    high = min(max(round(repetitions * top), 1), repetitions) - 1
    return low, high


def _summaries(
    b0: FloatArray,
    b1: FloatArray,
    back: Transform,
    transform: bool,
    multiplier: float,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Intercept, SII and RII from fitted coefficients (vectorised over simulations)."""
    with np.errstate(all="ignore"):
        if transform:
            start, end = back(b0), back(b0 + b1)
            slope, ratio = end - start, end / start
        else:
            start, slope, ratio = b0, b1, (b0 + b1) / b0
        if multiplier < 0:
            ratio = 1 / ratio
    return start, multiplier * slope, ratio


def _simulate(
    rng: np.random.Generator,
    centre: FloatArray,
    sd: FloatArray,
    solver: FloatArray,
    model: tuple[Transform, bool, float],
    repetitions: int,
) -> tuple[FloatArray, FloatArray]:
    """Simulated SII and RII (unsorted), in blocks to bound memory for many quantiles."""
    back, transform, multiplier = model
    sii_parts, rii_parts = [], []
    for start in range(0, repetitions, _BLOCK):
        size = min(_BLOCK, repetitions - start)
        draws = rng.normal(centre, sd, size=(size, centre.size))
        if not transform:
            draws = back(draws)
        coefs = draws @ solver.T
        _, slope, ratio = _summaries(coefs[:, 0], coefs[:, 1], back, transform, multiplier)
        sii_parts.append(slope)
        rii_parts.append(ratio)
    return np.concatenate(sii_parts), np.concatenate(rii_parts)
