"""The health equity audit: every measure split by one dimension, and the gap in words.

NHS England asks ICBs to show that access to palliative care is fair. For one place and
year this module gives each group's figure (made safe by ``queries.deaths``), compares
it with the place as a whole (Fingertips' rule, 95% interval, the measure's polarity),
and states the gap in one plain sentence: the slope index of inequality for deprivation,
otherwise the highest against the lowest group with a Newcombe 95% interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from peolc import breakdowns
from peolc.breakdowns import BREAKDOWN_BY_KEY, EQUITY_BREAKDOWNS, BreakdownKey
from peolc.measures import INDICATORS
from queries import deaths
from queries.equity_gap import gap_sentence
from queries.places import Place
from queries.runner import Db, memo
from queries.stats import BENCHMARK_TEXT, POLARITIES, benchmark

DIMENSIONS: dict[str, str] = EQUITY_BREAKDOWNS
# the splits record-level deaths give; the audit adds a published-only split where a source
# gives it for the place
RECORD_LEVEL_DIMENSIONS: dict[str, str] = {
    k: v for k, v in DIMENSIONS.items() if BREAKDOWN_BY_KEY[k].record_level
}
ORDERED = deaths.ORDERED_DIMENSIONS
UNKNOWN_LABEL = breakdowns.UNKNOWN_LABEL
group_labels = breakdowns.group_labels


def _label_and_compare(split: pl.DataFrame, overall: pl.DataFrame, dimension: str) -> pl.DataFrame:
    """Add group labels, the place's overall value and each group's benchmark label."""
    labels = group_labels(dimension)
    order = {value: i for i, value in enumerate(labels)}
    frame = split.join(
        overall.select("measure", pl.col("value").alias("overall_value")), on="measure", how="left"
    ).with_columns(
        pl.col("group_value").replace_strict(labels, default=pl.col("group_value")).alias("group"),
        pl.col("group_value").replace_strict(order, default=len(order)).alias("_order"),
        pl.col("measure").replace_strict({m.key: i for i, m in enumerate(INDICATORS)}).alias("_m"),
    )
    polarity = frame["measure"].replace_strict({m.key: m.polarity for m in INDICATORS}).to_numpy()
    compared = np.full(frame.height, "not compared", dtype=object)
    for kind in POLARITIES:
        rows = polarity == kind
        if rows.any():
            compared[rows] = benchmark(
                frame["lower"].to_numpy()[rows],
                frame["upper"].to_numpy()[rows],
                frame["overall_value"].to_numpy()[rows],
                kind,
            )
    return (
        frame.with_columns(pl.Series("benchmark", compared.tolist(), dtype=pl.String))
        .sort("_m", "_order")
        .drop("_m", "_order")
    )


@memo
def split(place: Place, year: int, dimension: str, db: Db = None) -> pl.DataFrame:
    """Every measure for the place split by ``dimension``, each group compared with the place.

    Columns of ``queries.deaths.values`` plus group (label), overall_value (the place's
    value) and benchmark (Fingertips label of the group against the place as a whole).
    """
    return _label_and_compare(
        deaths.values(place, year, dimension, db),
        deaths.values(place, year, BreakdownKey.ALL, db),
        dimension,
    )


@memo
def groups(place: Place, year: int, measure: str, dimension: str, db: Db = None) -> pl.DataFrame:
    """One measure's groups for the place (see ``split``)."""
    return split(place, year, dimension, db).filter(pl.col("measure") == measure)


# --------------------------------------------------------------------------------------
# The whole audit (the report)
# --------------------------------------------------------------------------------------

INDEX_COLUMNS = ("sii", "sii_lower", "sii_upper", "rii", "rii_lower", "rii_upper")


@dataclass(frozen=True)
class Audit:
    """Every measure by every dimension for one place and year, with the gaps stated.

    ``tables``: dimension -> ``split`` frame; ``gaps``: one row per measure and dimension
    (measure, label, polarity, dimension, dimension_label, sentence and, for IMD splits,
    SII/RII with 95% limits).
    """

    place: Place
    year: int
    overall: pl.DataFrame
    tables: dict[str, pl.DataFrame]
    gaps: pl.DataFrame


@memo
def audit(place: Place, year: int, db: Db = None) -> Audit:
    """The full equity audit behind the downloadable report."""
    overall = deaths.values(place, year, BreakdownKey.ALL, db)
    tables: dict[str, pl.DataFrame] = {}
    rows: list[dict[str, object]] = []
    for dimension, dimension_label in DIMENSIONS.items():
        split = deaths.values(place, year, dimension, db)
        if split.is_empty() and not BREAKDOWN_BY_KEY[dimension].record_level:
            continue  # a published-only split no source gives for this place
        frame = _label_and_compare(split, overall, dimension)
        tables[dimension] = frame
        given = set(frame["measure"].to_list())
        for m in (m for m in INDICATORS if m.record_level or m.key in given):
            index = deaths.inequality(frame, m.key, dimension)
            rows.append(
                {
                    "measure": m.key,
                    "label": m.label,
                    "polarity": m.polarity,
                    "dimension": dimension,
                    "dimension_label": dimension_label,
                    "sentence": gap_sentence(frame, m.key, dimension, place.name, index),
                    **{k: (index or {}).get(k) for k in INDEX_COLUMNS},
                }
            )
    text = ("measure", "label", "polarity", "dimension", "dimension_label", "sentence")
    schema: dict[str, type[pl.DataType]] = {k: pl.String for k in text}
    schema |= {k: pl.Float64 for k in INDEX_COLUMNS}
    gaps = pl.DataFrame(rows, schema=schema).with_columns(pl.col(INDEX_COLUMNS).fill_nan(None))
    return Audit(place, year, overall, tables, gaps)


def table(frame: pl.DataFrame) -> pl.DataFrame:
    """Groups as people read them (page table, downloads, report): counts as shown.

    Counts are the made-safe text (``*`` where hidden); percentages and limits are
    rounded to one decimal place; the comparison is with the place as a whole.
    """
    labels = {m.key: m.label for m in INDICATORS}
    compared = {k: v.format(benchmark="the area overall") for k, v in BENCHMARK_TEXT.items()}
    return frame.select(
        pl.col("measure").replace_strict(labels, default=pl.col("measure")).alias("Measure"),
        pl.col("group").alias("Group"),
        pl.col("numerator_shown").alias("Numerator"),
        pl.col("denominator_shown").alias("Denominator"),
        pl.col("value").round(1).alias("%"),
        pl.col("lower").round(1).alias("Lower 95% CI"),
        pl.col("upper").round(1).alias("Upper 95% CI"),
        pl.col("benchmark").replace_strict(compared, default=None).alias("Compared with the area"),
        pl.col("overall_value").round(1).alias("Area %"),
    )
