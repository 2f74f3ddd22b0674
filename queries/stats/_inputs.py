"""Input handling shared by the statistics functions.

Every public function takes numpy arrays, polars Series, lists or scalars, and turns a bad
cell (None, NaN, infinity, text) into NaN instead of raising for the whole column. The
confidence level and z value are computed here once so that every method uses the same
arithmetic as PHEindicatormethods (`confidence + (1 - confidence) / 2`), which keeps our
limits identical to the package's to the last bit or two.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import NormalDist
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import polars as pl

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.intp]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
TextArray: TypeAlias = npt.NDArray[np.object_]
#: Anything a statistics function accepts as a column of numbers. Cells that are not
#: finite numbers (None, NaN, text) become NaN.
Numbers: TypeAlias = float | int | None | Sequence[object] | npt.NDArray[Any] | pl.Series
#: Group keys: one key per row (a Series, array or list) or several key columns (a frame).
Groups: TypeAlias = pl.Series | pl.DataFrame | Sequence[object] | npt.NDArray[Any]

_STANDARD_NORMAL = NormalDist()


def _cell(value: object) -> float:
    """One cell as a float; anything that is not a finite number becomes NaN."""
    if value is None:
        return float("nan")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")
    return number if np.isfinite(number) else float("nan")


def as_float(values: Numbers | object) -> FloatArray:
    """A float64 copy of `values`; None, NaN, infinities and non-numbers become NaN."""
    if isinstance(values, pl.Series):
        out = values.cast(pl.Float64, strict=False).to_numpy().astype(np.float64, copy=True)
    else:
        arr = np.asarray(values)
        if arr.dtype.kind in "biuf":
            out = arr.astype(np.float64, copy=True)
        else:
            flat = [_cell(v) for v in arr.ravel().tolist()]
            out = np.array(flat, dtype=np.float64).reshape(arr.shape)
    out[~np.isfinite(out)] = np.nan
    return out


def confidence_level(confidence: float) -> float:
    """A confidence level as a fraction: 0.95 and 95 both mean 95%.

    Raises ValueError for levels outside (0, 1) after scaling: a wrong parameter is a
    programming error, unlike a bad data cell.
    """
    level = float(confidence)
    if level > 1:
        level = level / 100
    if not 0 < level < 1:
        raise ValueError(f"confidence must be between 0 and 1 (or 0 and 100), not {confidence}")
    return level


def upper_tail(confidence: float) -> float:
    """The normal quantile's probability for a two-sided level, as PHEindicatormethods writes it."""
    level = confidence_level(confidence)
    return level + (1 - level) / 2


def lower_tail(confidence: float) -> float:
    """The lower-tail probability of a two-sided level: (1 - confidence) / 2."""
    return (1 - confidence_level(confidence)) / 2


def z_value(confidence: float) -> float:
    """Exact two-sided z for a confidence level (1.959963984540054 for 95%)."""
    return _STANDARD_NORMAL.inv_cdf(upper_tail(confidence))


def normal_quantile(probability: float) -> float:
    """The standard normal quantile, exact to double precision."""
    return _STANDARD_NORMAL.inv_cdf(probability)


def group_index(groups: Groups | None, n_rows: int) -> tuple[tuple[object, ...], IntArray]:
    """Group keys in order of first appearance, and each row's group number.

    None means one group holding every row. A frame gives tuple keys, one per row.
    """
    if groups is None:
        return (None,), np.zeros(n_rows, dtype=np.intp)
    if isinstance(groups, np.ndarray) and groups.ndim == 1 and groups.dtype.kind in "iu":
        if groups.size != n_rows:
            raise ValueError(f"groups has {groups.size} rows but the data have {n_rows}")
        unique, first, inverse = np.unique(groups, return_index=True, return_inverse=True)
        appearance = np.argsort(first, kind="stable")
        number = np.empty(unique.size, dtype=np.intp)
        number[appearance] = np.arange(unique.size, dtype=np.intp)
        return tuple(unique[appearance].tolist()), number[inverse.ravel()]
    if isinstance(groups, pl.DataFrame):
        keys: list[object] = list(groups.rows())
    elif isinstance(groups, pl.Series):
        keys = groups.to_list()
    elif isinstance(groups, np.ndarray):
        keys = [tuple(k) if isinstance(k, list) else k for k in groups.tolist()]
    else:
        keys = [tuple(k) if isinstance(k, list) else k for k in groups]
    if len(keys) != n_rows:
        raise ValueError(f"groups has {len(keys)} rows but the data have {n_rows}")
    seen: dict[object, int] = {}
    index = np.fromiter((seen.setdefault(k, len(seen)) for k in keys), np.intp, len(keys))
    return tuple(seen), index


def position_in_group(index: IntArray, n_groups: int) -> tuple[IntArray, IntArray]:
    """Each row's position within its group (0, 1, ...) and each group's row count."""
    counts = np.bincount(index, minlength=n_groups).astype(np.intp)
    order = np.argsort(index, kind="stable")
    starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.intp)
    position = np.empty_like(index)
    position[order] = np.arange(index.size, dtype=np.intp) - np.repeat(starts, counts)
    return position, counts


def per_row(values: Numbers, index: IntArray, n_groups: int) -> tuple[FloatArray, BoolArray]:
    """Spread a per-category vector over grouped rows, or take per-row values as given.

    A vector as long as the data is used row for row (PHEindicatormethods' "field"). A
    shorter vector is matched by position within each group, youngest band first (its
    "vector"); a group whose row count differs gets NaN rows and is flagged, so one
    incomplete area does not stop the others being computed.
    """
    vector = as_float(values).ravel()
    if vector.size == index.size:
        return vector, np.zeros(n_groups, dtype=np.bool_)
    if vector.size == 0:
        raise ValueError("the standard or reference population is empty")
    position, counts = position_in_group(index, n_groups)
    out = vector[np.minimum(position, vector.size - 1)]
    mismatched = counts != vector.size
    out[mismatched[index]] = np.nan
    return out, mismatched


def group_sum(values: FloatArray, index: IntArray, n_groups: int) -> FloatArray:
    """Sum of `values` per group (NaN propagates, as a missing value should)."""
    return np.bincount(index, weights=values, minlength=n_groups).astype(np.float64)


def group_any(flags: BoolArray, index: IntArray, n_groups: int) -> BoolArray:
    """True for each group where any row is flagged."""
    counted = np.bincount(index, weights=flags.astype(np.float64), minlength=n_groups)
    return np.asarray(counted > 0, dtype=np.bool_)
