"""Deaths by setting: where people died, against a comparator, over time, among peers.

Selections of the made-safe frames of ``queries.deaths`` for the Deaths by setting page:
the five places of death and deaths in usual place of residence (home or care home, as
Fingertips reports it), labelled and in a fixed order, plus the shapes to map them.
"""

from __future__ import annotations

import polars as pl

from peolc.breakdowns import BreakdownKey, group_labels
from peolc.measures import MEASURE_BY_KEY, SETTING_KEYS, MeasureKey
from peolc.vocabulary import PLACES_OF_DEATH
from queries import deaths, maps
from queries.places import ENGLAND, Place
from queries.runner import Db, memo

SHARE_KEYS: tuple[str, ...] = (*SETTING_KEYS, MeasureKey.USUAL_RESIDENCE)
LABELS: dict[str, str] = {
    **PLACES_OF_DEATH,
    MeasureKey.USUAL_RESIDENCE: "Usual place of residence (home or care home)",
}


def _labelled(frame: pl.DataFrame) -> pl.DataFrame:
    """Only the setting shares, labelled and in SHARE_KEYS order."""
    order = {key: i for i, key in enumerate(SHARE_KEYS)}
    return (
        frame.filter(pl.col("measure").is_in(SHARE_KEYS))
        .with_columns(
            pl.col("measure").replace_strict(LABELS).alias("setting"),
            pl.col("measure").replace_strict(order).alias("_order"),
        )
        .sort("_order", maintain_order=True)
        .drop("_order")
    )


@memo
def shares(place: Place, year: int, compare: str, db: Db = None) -> pl.DataFrame:
    """The place's share of deaths in each setting, with the comparator's value and label.

    Columns of ``queries.deaths.summary`` plus ``setting``. England against itself is
    labelled 'not compared'.
    """
    frame = _labelled(deaths.summary(place, year, compare, db))
    if deaths.comparator(place, compare, db).code == place.code:
        frame = frame.with_columns(pl.lit("not compared").alias("benchmark"))
    return frame


@memo
def trends(place: Place, compare: str, db: Db = None) -> pl.DataFrame:
    """Each share by year for the place and its comparator (column ``area``)."""
    other = deaths.comparator(place, compare, db)
    areas = [place] if other.code == place.code else [place, other]
    return pl.concat(
        _labelled(deaths.trend(area, db)).with_columns(pl.lit(area.name).alias("area"))
        for area in areas
    )


def unique_labels(frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``label``: the area's name, with its code where two areas share a name."""
    clash = pl.col("area_name").is_duplicated()
    return frame.with_columns(
        pl.when(clash)
        .then(pl.format("{} ({})", "area_name", "area_code"))
        .otherwise("area_name")
        .alias("label")
    )


@memo
def peer_shares(place: Place, year: int, compare: str, measure: str, db: Db = None) -> pl.DataFrame:
    """One share for the place and its peers, benchmarked, with a unique ``label`` per area."""
    frame = deaths.peers(place, year, compare, db)
    if frame.is_empty():
        return frame
    return unique_labels(frame.filter(pl.col("measure") == measure))


@memo
def by_cause(place: Place, year: int, db: Db = None) -> pl.DataFrame:
    """The five setting shares within each cause group (``cause``: its label)."""
    labels = group_labels(BreakdownKey.CAUSE_GROUP)
    order = {value: i for i, value in enumerate(labels)}
    frame = _labelled(deaths.values(place, year, BreakdownKey.CAUSE_GROUP, db))
    frame = frame.filter(pl.col("measure").is_in(SETTING_KEYS))
    return (
        frame.with_columns(
            pl.col("group_value")
            .replace_strict(labels, default=pl.col("group_value"))
            .alias("cause"),
            pl.col("group_value").replace_strict(order, default=len(order)).alias("_cause"),
        )
        .sort("_cause", maintain_order=True)
        .drop("_cause")
    )


@memo
def map_of(
    place: Place, year: int, compare: str, measure: str, db: Db = None
) -> tuple[pl.DataFrame, pl.DataFrame, str]:
    """(shapes, values, level) for a map of one share across the place's peers.

    England maps its ICBs. Shapes are empty where the level has no boundaries loaded.
    """
    if place.is_england:
        level = maps.map_level(ENGLAND.level)
        values = deaths.level_values(level, year, db).filter(pl.col("measure") == measure)
    else:
        level = place.level
        values = peer_shares(place, year, compare, measure, db)
    shapes = maps.boundaries(level, db)
    if not values.is_empty():
        shapes = shapes.filter(pl.col("area_code").is_in(values["area_code"].implode()))
    return shapes, values, level


def definition(measure: str) -> str:
    """The catalogue's definition of a share (for captions)."""
    return MEASURE_BY_KEY[measure].definition
