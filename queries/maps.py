"""Boundaries for maps: which levels have shapes, and the shapes of one level."""

from __future__ import annotations

import polars as pl

from peolc.attribution import ons_boundaries
from peolc.levels import LevelKey
from queries.runner import Db, memo, run

K = LevelKey
MAP_LEVELS: tuple[str, ...] = (K.NHS_REGION, K.ICB, K.SUB_ICB, K.REGION, K.CTY_UA, K.LAD)
# the levels without shapes are drawn at the nearest level that has them
DRAWN_AT: dict[str, str] = {K.ENGLAND: K.ICB, K.PCN: K.SUB_ICB, K.PRACTICE: K.SUB_ICB}
del K


@memo
def boundaries(level: str, db: Db = None) -> pl.DataFrame:
    """area_code, area_name, geometry_json, synthetic, vintage, estimated, note for every
    one of today's areas of ``level``."""
    if level not in MAP_LEVELS:
        return pl.DataFrame(
            schema={
                "area_code": pl.String,
                "area_name": pl.String,
                "geometry_json": pl.String,
                "synthetic": pl.Boolean,
                "vintage": pl.Int16,
                "estimated": pl.Boolean,
                "note": pl.String,
            }
        )
    return run("boundaries", db, level=level)


def map_level(level: str) -> str:
    """The level a place's map is drawn at: its own, or the nearest level with shapes."""
    return DRAWN_AT.get(level, level)


def attribution(shapes: pl.DataFrame) -> tuple[str, ...]:
    """What a map of ``shapes`` must say about them, a line each: ONS's attribution (the
    year of their latest vintage), or that they are synthetic (generated, not real)."""
    if shapes.is_empty():
        return ()
    if bool(shapes["synthetic"].any()):
        return ("Shapes: SYNTHETIC (generated), not real boundaries.",)
    year = int(shapes["vintage"].max())  # type: ignore[arg-type]
    source, copyright_line = ons_boundaries(year)
    lines = ("Boundaries: ONS, simplified.", source, f"{copyright_line}.")
    estimated = shapes.filter(pl.col("estimated")) if "estimated" in shapes.columns else shapes[:0]
    if estimated.is_empty():
        return lines
    areas = "area" if estimated.height == 1 else "areas"
    return (
        *lines,
        f"{estimated.height} {areas} changed since the boundaries: estimated shapes "
        "(Data & methods).",
    )
