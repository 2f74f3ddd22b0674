"""The Overview's spine chart: each measure for a place against England and its peers.

Like Fingertips' spine charts: England's value is the centre; the grey bar spans the
values of every area of the same level (darker between the 25th and 75th percentiles);
the place's marker is coloured by its comparison with England. Values are scaled per
measure so the worse end is on the left (for measures with a polarity).
"""

from __future__ import annotations

import polars as pl

from peolc.breakdowns import BreakdownKey
from peolc.levels import Comparator
from peolc.measures import MEASURE_BY_KEY, MeasureKey
from queries import deaths
from queries.places import Place
from queries.runner import Db, memo

M = MeasureKey
SPINE_MEASURES: tuple[str, ...] = (
    M.USUAL_RESIDENCE, M.HOME, M.CARE_HOME, M.HOSPITAL, M.HOSPICE, M.ON_REGISTER,
    M.NEED_IDENTIFIED, M.ADVANCE_CARE_PLAN, M.EPACCS, M.ADMITTED_90D, M.ADMITTED_3PLUS_90D,
    M.DEMENTIA_HOSPITAL,
)  # fmt: skip
del M


@memo
def spine(place: Place, year: int, db: Db = None) -> pl.DataFrame:
    """One row per measure: the place, England and the spread of the place's peers.

    Columns: measure, label, polarity, numerator_shown, value, lower, upper, benchmark,
    england, worst, q25, q75, best, source, and the scaled positions x_value, x_worst, x_q25,
    x_q75, x_best (0 to 1, England at 0.5). Empty for England itself.
    """
    if place.is_england:
        return pl.DataFrame()
    own = deaths.summary(place, year, Comparator.ENGLAND, db)
    own = own.filter(pl.col("group_value") == BreakdownKey.ALL)
    spread = (
        deaths.level_values(place.level, year, db)
        .filter(pl.col("value").is_not_null())
        .group_by("measure")
        .agg(
            pl.col("value").min().alias("low"),
            pl.col("value").quantile(0.25, "linear").alias("q25"),
            pl.col("value").quantile(0.75, "linear").alias("q75"),
            pl.col("value").max().alias("high"),
        )
    )
    rows = (
        own.filter(pl.col("measure").is_in(SPINE_MEASURES))
        .select(
            "measure",
            "label",
            "numerator_shown",
            "value",
            "lower",
            "upper",
            "benchmark",
            pl.col("benchmark_value").alias("england"),
            "source",
        )
        .join(spread, on="measure", how="left")
        .with_columns(
            pl.col("measure")
            .replace_strict({k: MEASURE_BY_KEY[k].polarity for k in SPINE_MEASURES})
            .alias("polarity")
        )
    )
    lower_better = pl.col("polarity") == "lower is better"
    rows = rows.with_columns(
        pl.when(lower_better).then(pl.col("high")).otherwise(pl.col("low")).alias("worst"),
        pl.when(lower_better).then(pl.col("low")).otherwise(pl.col("high")).alias("best"),
    )
    half = pl.max_horizontal(
        (pl.col("high") - pl.col("england")).abs(),
        (pl.col("low") - pl.col("england")).abs(),
        (pl.col("value") - pl.col("england")).abs(),
    )
    sign = pl.when(lower_better).then(-1.0).otherwise(1.0)

    def scaled(column: str) -> pl.Expr:
        return (0.5 + sign * (pl.col(column) - pl.col("england")) / (2 * half)).alias(f"x_{column}")

    order = {key: i for i, key in enumerate(SPINE_MEASURES)}
    return (
        rows.with_columns(
            scaled("value"), scaled("worst"), scaled("q25"), scaled("q75"), scaled("best")
        )
        .with_columns(pl.col("measure").replace_strict(order).alias("order"))
        .sort("order")
        .drop("order", "low", "high")
    )
