"""Record-level death counts as indicator rows made safe: one definition for both users.

The store's build (etl/store.py) protects every record-level cell it keeps with these
functions, and ``queries.deaths`` protects the few splits it counts when asked (PCNs and
practices by age, sex, cause and the like) with the same ones, so a figure is hidden the
same way whichever path produced it. Counts come wide, one column per numerator (the
columns of ``derived.death_area``); rows go out long, one per cell and measure.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from peolc.measures import MEASURES, SETTING_KEYS, USUAL_RESIDENCE_SETTINGS, MeasureKey
from queries.stats import disclosure

DENOMINATOR_OF = "denominator_of"  # which count column a row's denominator is


def long_counts(raw: pl.DataFrame, ids: Sequence[str]) -> pl.DataFrame:
    """Wide counts (one column per numerator) to one row per id and measure."""
    if raw.is_empty():
        schema: dict[str, pl.DataType] = {c: raw.schema[c] for c in ids}
        schema |= {
            "measure": pl.String(),
            "family": pl.String(),
            "numerator": pl.Int64(),
            "denominator": pl.Int64(),
            DENOMINATOR_OF: pl.String(),
        }
        return pl.DataFrame(schema=schema)
    parts = [
        raw.select(
            *ids,
            pl.lit(m.key).alias("measure"),
            pl.lit("setting" if m.key in SETTING_KEYS else m.key).alias("family"),
            pl.col(m.numerator).cast(pl.Int64).alias("numerator"),
            pl.col(m.denominator).cast(pl.Int64).alias("denominator"),
            pl.lit(m.denominator).alias(DENOMINATOR_OF),
        )
        for m in MEASURES
    ]
    return pl.concat(parts)


def measure_sums(
    by: Sequence[str], across: Sequence[str] = (), split: pl.Expr | None = None
) -> disclosure.Cells:
    """The sums between a frame's counts, for ``disclosure.protect``.

    Within each cell of ``by`` (a group of a split of one area and year): the places of
    death add up to the deaths; home and care home add up to the usual place of residence,
    which with hospital, hospice and elsewhere adds up to the deaths again. ``across`` (a
    subset of ``by``: the area and year): the groups of a split add up, measure by measure
    and denominator by denominator, to the place's own figures, which every page
    publishes; ``split`` says which rows are groups of a split (default: all of them).
    """
    item, deaths = disclosure.item, disclosure.item("deaths")
    keys = tuple(by)
    sums = [
        disclosure.Adds(keys, item(*SETTING_KEYS), deaths),
        disclosure.Adds(keys, item(*USUAL_RESIDENCE_SETTINGS), item(MeasureKey.USUAL_RESIDENCE)),
        disclosure.Adds(
            keys,
            item(
                MeasureKey.USUAL_RESIDENCE,
                MeasureKey.HOSPITAL,
                MeasureKey.HOSPICE,
                MeasureKey.ELSEWHERE,
            ),
            deaths,
        ),
    ]
    if across or split is not None:
        parts = disclosure.everything() if split is None else split
        sums.append(disclosure.Adds((*across, disclosure.ITEM), parts))
    return disclosure.Cells(keys, "measure", DENOMINATOR_OF, tuple(sums))


def protected(
    long: pl.DataFrame,
    level: str,
    by: Sequence[str],
    across: Sequence[str] = (),
    split: pl.Expr | None = None,
) -> pl.DataFrame:
    """``long_counts`` rows of one level rounded, hidden and given values and limits.

    Columns added as ``disclosure.proportions``; ``by``, ``across`` and ``split`` as
    ``measure_sums``.
    """
    cells = measure_sums(by, across, split)
    safe = disclosure.proportions(long, "numerator", "denominator", level, cells=cells)
    return safe.drop(DENOMINATOR_OF)
