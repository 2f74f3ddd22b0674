"""Directly standardised rates (Dobson) and indirectly standardised ratios and rates.

Reimplemented from the formulas behind PHEindicatormethods `calculate_dsr` (and the older
`phe_dsr`), `calculate_ISRatio` and `calculate_ISRate`. Input is long: one row per
standardisation category (age band) per group (area, year, ...), with `groups` giving
each row's group. Both 95% and 99.8% limits are always returned, because Fingertips
publishes both and the benchmark colours use either.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import Literal

import numpy as np
import polars as pl

from queries.stats._inputs import (
    FloatArray,
    Groups,
    Numbers,
    as_float,
    group_any,
    group_index,
    group_sum,
    per_row,
)
from queries.stats.intervals import byars_ci, poisson_ci

#: The 2013 European Standard Population, 19 bands as PHEindicatormethods `esp2013`
#: (Eurostat 2013; per 100,000, summing to 100,000). Rows must be in this order.
ESP2013_BANDS: tuple[str, ...] = (
    "0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49",
    "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+",
)  # fmt: skip
ESP2013_WEIGHTS: FloatArray = np.array(
    [5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000,
     7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000],
    dtype=np.float64,
)  # fmt: skip
ESP2013_WEIGHTS.setflags(write=False)
ESP2013 = MappingProxyType(dict(zip(ESP2013_BANDS, ESP2013_WEIGHTS.tolist(), strict=True)))

#: DSRs are not published when fewer events than this occurred (PHEindicatormethods, Fingertips).
DSR_MIN_COUNT = 10


@dataclass(frozen=True)
class _Limits:
    """Value with 95% and 99.8% limits per group, in the order groups first appear."""

    groups: tuple[object, ...]
    value: FloatArray
    lower_95: FloatArray
    upper_95: FloatArray
    lower_998: FloatArray
    upper_998: FloatArray

    def to_frame(self, by: str | Sequence[str] = "group") -> pl.DataFrame:
        """One row per group; tuple keys are split over the names in `by`."""
        names = [by] if isinstance(by, str) else list(by)
        if len(names) == 1:
            keys: dict[str, list[object]] = {names[0]: list(self.groups)}
        else:
            keys = {
                name: [k[i] if isinstance(k, tuple) else None for k in self.groups]
                for i, name in enumerate(names)
            }
        numbers = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "groups"}
        frame = pl.DataFrame({**keys, **numbers}, strict=False)
        return frame.with_columns(pl.col(list(numbers)).fill_nan(None))


@dataclass(frozen=True)
class DsrResult(_Limits):
    """Directly standardised rates per `multiplier`, with the totals they came from."""

    total_count: FloatArray
    total_population: FloatArray


@dataclass(frozen=True)
class IsrResult(_Limits):
    """Indirectly standardised ratios (× multiplier) or rates (per multiplier)."""

    observed: FloatArray
    expected: FloatArray
    reference_rate: FloatArray


def dsr(
    count: Numbers,
    population: Numbers,
    standard_population: Numbers | None = None,
    *,
    groups: Groups | None = None,
    multiplier: float = 100_000,
    count_squares: Numbers | None = None,
    min_count: int = DSR_MIN_COUNT,
) -> DsrResult:
    """Directly standardised rate with Dobson limits, per `multiplier` (100,000 by default).

    DSR = Σᵢ wᵢ xᵢ/nᵢ / Σᵢ wᵢ × multiplier, over categories i (age bands) with standard
    weights wᵢ. var = Σᵢ qᵢ (wᵢ/nᵢ)² / (Σᵢ wᵢ)², where qᵢ = xᵢ for independent events.
    Limits: DSR + √(var/X) (B(X) − X) × multiplier, with X = Σ xᵢ and B Byar's lower or
    upper limit of X (Dobson et al., Stat Med 1991;10:457-62; PHEindicatormethods
    `calculate_dsr`).

    `standard_population` defaults to ESP2013: rows within each group must then be the 19
    ESP2013 bands, youngest first. A shorter vector is matched by position in each group;
    a vector as long as the data is used row by row. `count_squares` handles non-independent
    events (e.g. repeat admissions): per row, Σ over people of (events per person)²; the
    variance then uses it instead of x (Fingertips technical guidance, DSR chapter).

    A missing count counts as 0 (as the package does). A group gets NaN when any of its
    rows has a negative count, a missing or non-positive population, a missing or negative
    standard weight, or the wrong number of rows, and when it has fewer than `min_count`
    events in total (DSRs are not published below 10).
    """
    x = as_float(count).ravel()
    n = as_float(population).ravel()
    if n.size != x.size:
        raise ValueError("count and population must have the same length")
    keys, index = group_index(groups, x.size)
    k = len(keys)
    weights, bad = per_row(
        ESP2013_WEIGHTS if standard_population is None else standard_population, index, k
    )
    q = x if count_squares is None else as_float(count_squares).ravel()
    if q.size != x.size:
        raise ValueError("count_squares must have one value per row")
    bad_row = (x < 0) | (q < 0) | ~(n > 0) | ~(weights >= 0)
    bad = bad | group_any(bad_row, index, k)
    with np.errstate(all="ignore"):
        ratio = weights / n
        total = group_sum(np.nan_to_num(x), index, k)
        total_weight = group_sum(weights, index, k)
        value = group_sum(np.nan_to_num(x) * ratio, index, k) / total_weight * multiplier
        variance = 1 / total_weight**2 * group_sum(np.nan_to_num(q) * ratio**2, index, k)
        limits = []
        for level in (0.95, 0.998):
            byar_lower, byar_upper = byars_ci(total, level)
            spread = np.sqrt(variance / total)
            limits.append(value + spread * (byar_lower - total) * multiplier)
            limits.append(value + spread * (byar_upper - total) * multiplier)
    hidden = bad | ~(total >= min_count)
    value, *limits = (np.where(hidden, np.nan, v) for v in (value, *limits))
    return DsrResult(
        groups=keys,
        value=value,
        lower_95=limits[0],
        upper_95=limits[1],
        lower_998=limits[2],
        upper_998=limits[3],
        total_count=total,
        total_population=group_sum(n, index, k),
    )


def isr(
    count: Numbers | None,
    population: Numbers,
    reference_count: Numbers,
    reference_population: Numbers,
    *,
    groups: Groups | None = None,
    observed: Numbers | None = None,
    kind: Literal["ratio", "rate"] = "ratio",
    multiplier: float | None = None,
) -> IsrResult:
    """Indirectly standardised ratio (kind="ratio") or rate (kind="rate") with limits.

    E = Σᵢ nᵢ Xᵢ/Nᵢ (expected events from the reference rates Xᵢ/Nᵢ per category);
    ratio = O/E × multiplier (1 by default; 100 for an SMR-style figure);
    rate = O/E × R with R = ΣXᵢ/ΣNᵢ × multiplier (100,000 by default), the crude
    reference rate. Limits are those of the observed count O (exact Poisson below 10,
    Byar's from 10: `poisson_ci`) divided by E and scaled the same way. Source:
    PHEindicatormethods `calculate_ISRatio` / `calculate_ISRate`; Breslow & Day (1987).

    The reference arrays are per row or a per-category vector matched by position within
    each group (as for `dsr`). `observed` gives the observed totals per group, in order of
    first appearance, when the count has no category breakdown (pass count=None). Missing
    counts, populations and reference counts count as 0 (as the package does); a negative
    count or population, a non-positive reference population, or zero expected events
    gives NaN for that group.
    """
    n = as_float(population).ravel()
    keys, index = group_index(groups, n.size)
    k = len(keys)
    ref_x, bad_x = per_row(reference_count, index, k)
    ref_n, bad_n = per_row(reference_population, index, k)
    bad = bad_x | bad_n | group_any((n < 0) | (ref_x < 0) | ~(ref_n > 0), index, k)
    if observed is not None:
        obs = as_float(observed).ravel()
        if obs.size != k:
            raise ValueError(f"observed needs one total per group ({k}), not {obs.size}")
    elif count is not None:
        x = as_float(count).ravel()
        if x.size != n.size:
            raise ValueError("count and population must have the same length")
        bad = bad | group_any(x < 0, index, k)
        obs = group_sum(np.nan_to_num(x), index, k)
    else:
        raise ValueError("give either count (per row) or observed (per group)")
    with np.errstate(all="ignore"):
        expected = group_sum(np.nan_to_num(ref_x) / ref_n * np.nan_to_num(n), index, k)
        if kind == "ratio":
            factor = np.full(k, 1.0 if multiplier is None else float(multiplier))
            reference_rate = np.full(k, np.nan)
        elif kind == "rate":
            scale = 100_000.0 if multiplier is None else float(multiplier)
            factor = group_sum(np.nan_to_num(ref_x), index, k) / group_sum(ref_n, index, k)
            factor = factor * scale
            reference_rate = factor
        else:
            raise ValueError(f"kind must be 'ratio' or 'rate', not {kind!r}")
        value = obs / expected * factor
        limits = []
        for level in (0.95, 0.998):
            lower, upper = poisson_ci(obs, level)
            limits += [lower / expected * factor, upper / expected * factor]
    hidden = bad | ~(expected > 0) | ~(obs >= 0)
    value, *limits = (np.where(hidden, np.nan, v) for v in (value, *limits))
    return IsrResult(
        groups=keys,
        value=value,
        lower_95=limits[0],
        upper_95=limits[1],
        lower_998=limits[2],
        upper_998=limits[3],
        observed=obs,
        expected=expected,
        reference_rate=reference_rate,
    )
