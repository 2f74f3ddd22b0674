"""Published values from the store: what record-level deaths, ICB extracts and Fingertips say.

The frames have the shape of ``queries.deaths.values`` (one row per group and indicator,
with counts, value and limits) plus the source of each row, so every page draws them the
same way whichever source covers the place. Open published statistics (Fingertips) are
shown exactly as published; restricted sources (record-level deaths, ICB extracts) were
protected when the store was built (etl/store.py), so nothing here rounds or hides again.
"""

from __future__ import annotations

import polars as pl

from peolc.measures import INDICATORS, SETTING_KEYS, SOURCE_NAMES, SOURCE_PRECEDENCE
from queries.places import Place
from queries.runner import Db, run

SUPPRESSED_TEXT = "*"
CATALOGUE_ORDER = {m.key: i for i, m in enumerate(INDICATORS)}  # rows in catalogue order


def grouped_digits(number: pl.Expr) -> pl.Expr:
    """Whole numbers with thousands separators (as ``f"{n:,}"``), in polars alone.

    Not ``map_elements``: a Python function inside an expression makes polars' worker
    threads wait for the GIL, and with many dashboard sessions at once that deadlocked the
    server (a thread holding the GIL waited for those same workers). Reversing the digits
    lets a plain regex put a comma after every third one.
    """
    reversed_digits = number.abs().cast(pl.String).str.reverse()
    grouped = reversed_digits.str.replace_all(r"(\d{3})", "${1},").str.strip_chars_end(",")
    sign = pl.when(number < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return pl.concat_str(sign, grouped.str.reverse())


def count_text(count: pl.Expr, suppressed: pl.Expr) -> pl.Expr:
    """A count as published: whole numbers with thousands separators; '*' where the row's
    counts were hidden by the small-number rule and this one is blank, 'n/a' where the
    source gives none (a row's denominator stays shown when only its numerator is hidden).
    """
    text = grouped_digits(count.round(0).cast(pl.Int64))
    return (
        pl.when(count.is_null() & suppressed)
        .then(pl.lit(SUPPRESSED_TEXT))
        .when(count.is_null())
        .then(pl.lit("n/a"))
        .otherwise(text)
    )


def _shaped(raw: pl.DataFrame, ids: list[str]) -> pl.DataFrame:
    """Store rows in the shape of ``queries.deaths`` frames, keyed by ``ids``, the
    indicators in catalogue order (within one, the rows keep the SQL's order)."""
    order = pl.col("measure").replace_strict(
        CATALOGUE_ORDER, default=len(CATALOGUE_ORDER), return_dtype=pl.Int32
    )
    return raw.sort(order, maintain_order=True).select(
        *ids,
        "measure",
        pl.when(pl.col("measure").is_in(SETTING_KEYS))
        .then(pl.lit("setting"))
        .otherwise(pl.col("measure"))
        .alias("family"),
        pl.col("numerator").round(0).cast(pl.Int64),
        pl.col("denominator").round(0).cast(pl.Int64),
        count_text(pl.col("numerator"), pl.col("suppressed")).alias("numerator_shown"),
        count_text(pl.col("denominator"), pl.col("suppressed")).alias("denominator_shown"),
        "value",
        "lower",
        "upper",
        "lower_998",
        "upper_998",
        pl.col("source").replace_strict(SOURCE_NAMES, default=pl.col("source")).alias("source"),
        pl.col("source").alias("source_kind"),
    )


def published(place: Place, year: int, breakdown: str, db: Db = None) -> pl.DataFrame:
    """Every indicator the store has for ``place`` in ``year`` split by ``breakdown``.

    Columns as ``queries.deaths.values`` (group_value, measure, family, numerator,
    denominator, numerator_shown, denominator_shown, value, lower, upper, lower_998,
    upper_998) plus source (its name), source_kind (the load kind) and source_note (other
    sources that disagree beyond their intervals).
    """
    raw = run(
        "store_values",
        db,
        area_code=place.code,
        level=place.level,
        year=year,
        breakdown=breakdown,
        precedence=list(SOURCE_PRECEDENCE),
    )
    shaped = _shaped(raw, ["group_value", "rank"])
    best = shaped.filter(pl.col("rank") == 1).drop("rank")
    return with_disagreement(best, shaped.filter(pl.col("rank") > 1).drop("rank"))


KEYS = ["group_value", "measure"]


def with_disagreement(shown: pl.DataFrame, others: pl.DataFrame) -> pl.DataFrame:
    """Add ``source_note``: the other sources whose 95% interval does not overlap the one
    shown (null where they agree, or no other source has the figure)."""
    if others.is_empty() or shown.is_empty():
        return shown.with_columns(pl.lit(None, pl.String).alias("source_note"))
    apart = (
        others.select(*KEYS, "source", "value", "lower", "upper")
        .join(shown.select(*KEYS, "lower", "upper"), on=KEYS, suffix="_shown")
        .filter(
            (pl.col("lower") > pl.col("upper_shown")) | (pl.col("upper") < pl.col("lower_shown"))
        )
        .with_columns(
            pl.format(
                "{} gives {} (95% CI {} to {}), outside this figure's interval",
                "source",
                pl.col("value").round(1),
                pl.col("lower").round(1),
                pl.col("upper").round(1),
            ).alias("text")
        )
        .group_by(KEYS)
        .agg(pl.col("text").str.join("; ").alias("source_note"))
    )
    return shown.join(apart, on=KEYS, how="left")


def trend(place: Place, db: Db = None) -> pl.DataFrame:
    """Every indicator the store has for ``place``, each year (as ``queries.deaths.trend``)."""
    raw = run(
        "store_trend",
        db,
        area_code=place.code,
        level=place.level,
        precedence=list(SOURCE_PRECEDENCE),
    )
    return _shaped(raw, ["year"])


def areas(level: str, parent: Place, year: int, db: Db = None) -> pl.DataFrame:
    """Every indicator the store has for each area of ``level`` within ``parent``."""
    raw = run(
        "store_areas",
        db,
        peer_level=level,
        parent_code=parent.code,
        parent_level=parent.level,
        year=year,
        precedence=list(SOURCE_PRECEDENCE),
    )
    return _shaped(raw, ["area_code", "area_name"])
