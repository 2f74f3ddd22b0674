"""The dashboard's disclosure policy, applied through ``queries.stats.suppress``.

Sub-national counts follow the NHS Digital rule (``queries.stats.NHS_DIGITAL_RULE``:
1-7 hidden, others rounded to the nearest 5, percentages and intervals computed from the
rounded figures, siblings hidden so a hidden cell cannot be recovered from a total).
National (England) figures are published in full, as ONS and Fingertips do. Every count
a page shows or a file exports comes through here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from queries.stats import NHS_DIGITAL_RULE, proportion_ci, suppress, suppress_frame

RULE = NHS_DIGITAL_RULE
RULE_TEXT = (
    "Counts for areas below England: 1 to 7 are shown as '*', 8 and over are rounded to the "
    "nearest 5, and percentages and confidence intervals are computed from the rounded "
    "figures; where one hidden count could be worked out from a total, more are hidden. "
    "England figures are shown in full."
)


@dataclass(frozen=True)
class Shown:
    """A single count as it may be shown: the text, the (rounded) number, hidden or not."""

    display: str
    value: int | None
    suppressed: bool


def applies(level: str) -> bool:
    """Whether counts for places of this level are sub-national (and so controlled)."""
    return level != "england"


def count(value: int | None, level: str) -> Shown:
    """One count under the policy (tiles, single figures)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return Shown("n/a", None, False)
    if not applies(level):
        return Shown(f"{int(value):,}", int(value), False)
    result = suppress([value], rule=RULE)
    shown = result.values[0]
    if result.hidden[0]:
        return Shown(RULE.symbol, None, True)
    number = int(shown)
    return Shown(f"{number:,}", number, False)


def proportions(
    frame: pl.DataFrame,
    numerator: str,
    denominator: str,
    level: str,
    *,
    group_by: list[str] | None = None,
    multiplier: float = 100,
) -> pl.DataFrame:
    """Counts made safe and turned into percentages with Wilson 95% and 99.8% limits.

    Adds ``numerator_shown``/``denominator_shown`` (text), ``value``, ``lower``, ``upper``,
    ``lower_998``, ``upper_998``, and replaces the two count columns by their rounded
    values (null where hidden). ``group_by`` names rows that add up to a total (e.g. the
    places of death of one area) so secondary suppression can protect them.
    """
    if applies(level):
        safe = suppress_frame(frame, [numerator], group_by=group_by, total=denominator, rule=RULE)
        num = safe[numerator].cast(pl.Float64).to_numpy()
        den = safe[denominator].cast(pl.Float64).to_numpy()
        num_text = safe[f"{numerator}_display"]
        den_text = safe[f"{denominator}_display"]
        safe = safe.drop(f"{numerator}_display", f"{denominator}_display", f"{numerator}_pct")
    else:
        safe = frame
        num = frame[numerator].cast(pl.Float64).fill_null(float("nan")).to_numpy()
        den = frame[denominator].cast(pl.Float64).fill_null(float("nan")).to_numpy()
        num_text = pl.Series([_fmt(v) for v in num], dtype=pl.String)
        den_text = pl.Series([_fmt(v) for v in den], dtype=pl.String)
    num = np.where(np.isnan(num), np.nan, num)
    with np.errstate(all="ignore"):
        value = np.where(den > 0, num / den * multiplier, np.nan)
    lower, upper = proportion_ci(num, den, confidence=0.95, multiplier=multiplier)
    lower_998, upper_998 = proportion_ci(num, den, confidence=0.998, multiplier=multiplier)
    return safe.with_columns(
        pl.Series("numerator_shown", num_text, dtype=pl.String),
        pl.Series("denominator_shown", den_text, dtype=pl.String),
        pl.Series("value", value).fill_nan(None),
        pl.Series("lower", np.asarray(lower, np.float64)).fill_nan(None),
        pl.Series("upper", np.asarray(upper, np.float64)).fill_nan(None),
        pl.Series("lower_998", np.asarray(lower_998, np.float64)).fill_nan(None),
        pl.Series("upper_998", np.asarray(upper_998, np.float64)).fill_nan(None),
    )


def _fmt(value: float) -> str:
    return "" if np.isnan(value) else f"{int(value):,}"
