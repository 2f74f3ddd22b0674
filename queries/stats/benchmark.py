"""Fingertips' comparison of an area's value with a benchmark (England, region, peers).

Fingertips compares the confidence interval of the area's value with the benchmark's
value: if the whole interval lies above it the area is "higher", below it "lower",
otherwise "similar"; with a polarity the first two become "better" or "worse". The level
(95% or 99.8%) is chosen by the caller by passing that level's limits. The labels' colours
are presentation and live in ``ui.colours``; ``BENCHMARK_TEXT`` gives the words that must
always be shown with them.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Literal

import numpy as np

from queries.stats._inputs import Numbers, TextArray, as_float

Polarity = Literal["lower is better", "higher is better", "no judgement"]
POLARITIES: tuple[Polarity, ...] = ("lower is better", "higher is better", "no judgement")

#: Sentences for legends and tooltips; {benchmark} is replaced by its name.
BENCHMARK_TEXT = MappingProxyType(
    {
        "better": "Better than {benchmark}",
        "similar": "Similar to {benchmark}",
        "worse": "Worse than {benchmark}",
        "higher": "Higher than {benchmark}",
        "lower": "Lower than {benchmark}",
        "not compared": "Not compared with {benchmark}",
    }
)


def benchmark(
    lower: Numbers,
    upper: Numbers,
    benchmark_value: Numbers,
    polarity: Polarity = "no judgement",
) -> TextArray:
    """Fingertips label for each area: better/similar/worse, or higher/similar/lower.

    "higher" when lower > benchmark, "lower" when upper < benchmark, else "similar"
    (an interval touching the benchmark is similar). With polarity "lower is better"
    higher → "worse" and lower → "better"; "higher is better" the reverse; "no judgement"
    keeps higher/lower. "not compared" where either limit or the benchmark is missing, or
    the limits are reversed. Pass 95% or 99.8% limits to compare at that level.
    Source: Fingertips technical guidance (comparisons with benchmarks).
    """
    if polarity not in POLARITIES:
        raise ValueError(f"polarity must be one of {POLARITIES}, not {polarity!r}")
    lo, hi, ref = np.broadcast_arrays(as_float(lower), as_float(upper), as_float(benchmark_value))
    above = {"lower is better": "worse", "higher is better": "better"}.get(polarity, "higher")
    below = {"lower is better": "better", "higher is better": "worse"}.get(polarity, "lower")
    labels = np.full(lo.shape, "similar", dtype=object)
    labels[lo > ref] = above
    labels[hi < ref] = below
    labels[~(np.isfinite(lo) & np.isfinite(hi) & np.isfinite(ref)) | (lo > hi)] = "not compared"
    return labels
