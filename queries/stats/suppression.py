"""Statistical disclosure control for counts shown on pages or exported.

The default rule is NHS Digital's for sub-national counts: 1 to 7 are shown as "*",
8 and over are rounded to the nearest 5, zero is shown as 0, and percentages are
computed from the rounded figures. Primary suppression alone is not enough when a group
of sibling cells adds up to a published total (deaths by place of death for an area, say):
one hidden cell could be recovered as the total minus the others. Secondary suppression
therefore hides more siblings, smallest first, until the hidden cells of each group are at
least two and add up to at least the smallest count that may be shown (so their sum
is not itself disclosive). If that cannot be reached because every sibling is already
hidden, the group's total is hidden too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import polars as pl

from queries.stats._inputs import (
    BoolArray,
    FloatArray,
    Groups,
    IntArray,
    Numbers,
    TextArray,
    as_float,
    group_index,
)


@dataclass(frozen=True)
class SuppressionRule:
    """A documented disclosure rule for counts; frozen so a page cannot change it by accident.

    Counts from 1 up to `smallest_shown - 1` are hidden and shown as `symbol`; counts of
    `smallest_shown` and over are rounded half-up to the nearest `round_to`; zero is shown
    as 0 when `show_zero`, else hidden; missing or negative counts are shown as `missing`.
    With `secondary`, siblings are hidden too so a hidden cell cannot be recovered from a
    total (see the module docstring).
    """

    name: str = "NHS Digital: 1-7 suppressed, others rounded to the nearest 5"
    smallest_shown: int = 8
    round_to: int = 5
    show_zero: bool = True
    symbol: str = "*"
    missing: str = ""
    secondary: bool = True


NHS_DIGITAL_RULE = SuppressionRule()


class Suppressed(NamedTuple):
    """Counts after disclosure control, row for row with the input.

    `values`: rounded counts, NaN where hidden or missing; `display`: the text to show;
    `hidden`: all suppressed cells; `secondary`: those hidden only to protect a sibling;
    `total_hidden`: per group (in order of first appearance), True where the group's total
    must also be hidden because every sibling is hidden and their sum is still small.
    """

    values: FloatArray
    display: TextArray
    hidden: BoolArray
    secondary: BoolArray
    total_hidden: BoolArray


def round_count(values: Numbers, rule: SuppressionRule = NHS_DIGITAL_RULE) -> FloatArray:
    """Counts rounded half-up to the nearest `rule.round_to` (NaN stays NaN)."""
    x = as_float(values)
    base = max(rule.round_to, 1)
    return np.asarray(np.floor(x / base + 0.5) * base, np.float64)


def _primary(x: FloatArray, rule: SuppressionRule) -> BoolArray:
    small = (x > 0) & (x < rule.smallest_shown)
    if not rule.show_zero:
        small |= x == 0
    return np.asarray(small, np.bool_)


def _secondary(
    x: FloatArray,
    index: IntArray,
    n_groups: int,
    hidden: BoolArray,
    secondary: BoolArray,
    rank: FloatArray,
    rule: SuppressionRule,
) -> BoolArray:
    """Hide siblings until every group is safe; marks ``hidden`` and ``secondary`` in place.

    Round by round, every unsafe group hides its smallest shown sibling (lowest ``rank``
    first, positive counts before zeros, then the smaller, then the earlier row), as one
    group at a time would: groups share no cells, so the order between them does not
    matter, and a round is a few array operations however many groups there are. Returns
    per group whether its total must be hidden too (every sibling hidden, still unsafe).
    """
    total_hidden = np.zeros(n_groups, dtype=np.bool_)
    finite = np.isfinite(x)
    position = np.arange(x.size)
    while True:
        shut = hidden & finite
        count = np.bincount(index, weights=shut.astype(np.float64), minlength=n_groups)
        total = np.bincount(index, weights=np.where(shut, x, 0.0), minlength=n_groups)
        unsafe = ((count == 1) | ((total > 0) & (total < rule.smallest_shown))) & ~total_hidden
        if not unsafe.any():
            return total_hidden
        free = np.flatnonzero(finite & ~hidden & unsafe[index])
        has_free = np.bincount(index[free], minlength=n_groups) > 0
        total_hidden |= unsafe & ~has_free
        if free.size == 0:
            return total_hidden
        order = free[np.lexsort((position[free], x[free], x[free] == 0, rank[free], index[free]))]
        _, first = np.unique(index[order], return_index=True)
        pick = order[first]
        hidden[pick] = secondary[pick] = True


def hidden_cells(
    counts: Numbers,
    *,
    groups: Groups | None = None,
    rule: SuppressionRule = NHS_DIGITAL_RULE,
    already_hidden: Sequence[bool] | BoolArray | None = None,
    priority: Numbers | None = None,
) -> BoolArray:
    """``suppress(...).hidden`` without the text: for callers that only decide what to hide."""
    return _hide(counts, groups, rule, already_hidden, priority)[1]


def _hide(
    counts: Numbers,
    groups: Groups | None,
    rule: SuppressionRule,
    already_hidden: Sequence[bool] | BoolArray | None,
    priority: Numbers | None,
) -> tuple[FloatArray, BoolArray, BoolArray, BoolArray]:
    """The counts as floats (negative as NaN), hidden, secondary and groups' total_hidden."""
    x = as_float(counts).ravel()
    x[x < 0] = np.nan
    primary = _primary(x, rule)
    before = (
        np.zeros(x.size, np.bool_) if already_hidden is None else np.array(already_hidden, np.bool_)
    )
    if before.shape != x.shape:
        raise ValueError(f"already_hidden has {before.size} cells, the counts {x.size}")
    hidden = primary | (before & np.isfinite(x))
    secondary = hidden & ~primary
    rank = np.zeros(x.size) if priority is None else as_float(priority).ravel()
    if rank.shape != x.shape:
        raise ValueError(f"priority has {rank.size} cells, the counts {x.size}")
    keys, index = (None, None) if groups is None else group_index(groups, x.size)
    total_hidden = np.zeros(0 if keys is None else len(keys), dtype=np.bool_)
    if index is not None and rule.secondary:
        total_hidden = _secondary(x, index, len(keys or ()), hidden, secondary, rank, rule)
    return x, hidden, secondary, total_hidden


def suppress(
    counts: Numbers,
    *,
    groups: Groups | None = None,
    rule: SuppressionRule = NHS_DIGITAL_RULE,
    already_hidden: Sequence[bool] | BoolArray | None = None,
    priority: Numbers | None = None,
) -> Suppressed:
    """Apply `rule` to counts; `groups` names sibling cells that add up to a known total.

    Without `groups` every cell stands alone (primary suppression and rounding only).
    With `groups`, each group's total is assumed to be published or derivable, and
    secondary suppression hides the smallest visible siblings (positive counts first,
    then zeros, ties by position) until the group is safe. `already_hidden` marks cells
    hidden for another reason (e.g. to protect another total the cell adds up to): they
    stay hidden and count as hidden siblings, and are flagged `secondary` unless the rule
    hides them anyway. `priority` (lower first) comes before size when choosing which
    sibling to hide, so a caller can steer secondary suppression away from cells that
    would break another total. Never raises on bad cells: missing, non-numeric and
    negative counts are shown as `rule.missing`.
    """
    x, hidden, secondary, total_hidden = _hide(counts, groups, rule, already_hidden, priority)
    rounded = round_count(x, rule)
    values = np.where(hidden | np.isnan(x), np.nan, rounded)
    digits = np.where(np.isnan(rounded), 0, rounded).astype(np.int64).astype(str)
    display = np.where(np.isnan(x), rule.missing, np.where(hidden, rule.symbol, digits)).astype(
        object
    )
    return Suppressed(values, display, hidden, secondary, total_hidden)


def suppress_frame(
    frame: pl.DataFrame,
    count_cols: Sequence[str],
    *,
    group_by: Sequence[str] | None = None,
    total: str | None = None,
    rule: SuppressionRule = NHS_DIGITAL_RULE,
    blank: Mapping[str, Sequence[str]] | None = None,
) -> pl.DataFrame:
    """A copy of `frame` that is safe to show or export under `rule`.

    For each count column c: c becomes the rounded count (null where hidden or missing),
    and `c_display` holds the text to show ("*", "0", "1235"...). `group_by` declares the
    sibling cells (rows of a group add up to the group total; pass [] for the whole
    frame); None means the rows are not additive and only primary suppression applies.
    `total` names a column holding each row's group total (the percentage denominator):
    it is rounded and suppressed too, gets `total_display`, and each count gets `c_pct`,
    the percentage computed from the rounded count and rounded total. `blank` maps a count
    column to derived columns (rates, confidence limits) that are set to null wherever
    that count is hidden. Other columns are returned unchanged, in the same row order.
    """
    keys = (
        None
        if group_by is None
        else (frame.select(group_by) if group_by else pl.Series([0] * frame.height))
    )
    out = frame.clone()
    total_hidden_rows = np.zeros(frame.height, dtype=np.bool_)
    results: dict[str, Suppressed] = {}
    for col in count_cols:
        result = suppress(frame[col], groups=keys, rule=rule)
        results[col] = result
        if keys is not None and result.total_hidden.any():
            _, index = group_index(keys, frame.height)
            total_hidden_rows |= result.total_hidden[index]
    total_values: FloatArray | None = None
    if total is not None:
        shown_total = suppress(frame[total], rule=rule)
        hidden_total = shown_total.hidden | total_hidden_rows
        total_values = np.where(hidden_total, np.nan, shown_total.values)
        total_display = np.where(hidden_total, rule.symbol, shown_total.display)
        out = out.with_columns(
            pl.Series(total, _as_int(total_values)),
            pl.Series(f"{total}_display", total_display.tolist(), dtype=pl.String),
        )
    for col, result in results.items():
        columns = [
            pl.Series(col, _as_int(result.values)),
            pl.Series(f"{col}_display", result.display.tolist(), dtype=pl.String),
        ]
        if total_values is not None:
            with np.errstate(all="ignore"):
                pct = np.where(total_values > 0, result.values / total_values * 100, np.nan)
            columns.append(pl.Series(f"{col}_pct", pct).fill_nan(None))
        out = out.with_columns(columns)
        for dependent in (blank or {}).get(col, ()):
            mask = pl.Series(result.hidden.tolist(), dtype=pl.Boolean)
            out = out.with_columns(
                pl.when(mask).then(None).otherwise(pl.col(dependent)).alias(dependent)
            )
    return out


def _as_int(values: FloatArray) -> pl.Series:
    """Rounded counts as nullable integers."""
    return pl.Series(values).fill_nan(None).cast(pl.Int64)
