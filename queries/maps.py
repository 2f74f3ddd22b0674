"""Boundaries for maps: which levels have shapes, and the shapes of one level."""

from __future__ import annotations

import polars as pl

from queries.runner import Db, run

MAP_LEVELS: tuple[str, ...] = ("nhs_region", "icb", "sub_icb", "region", "cty_ua", "lad")


def boundaries(level: str, db: Db = None) -> pl.DataFrame:
    """area_code, area_name, geometry_json, synthetic for every area of ``level``."""
    if level not in MAP_LEVELS:
        return pl.DataFrame(
            schema={
                "area_code": pl.String,
                "area_name": pl.String,
                "geometry_json": pl.String,
                "synthetic": pl.Boolean,
            }
        )
    return run("boundaries", db, level=level)


def map_level(level: str) -> str:
    """The level a place's map is drawn at: its own, or the nearest level with shapes."""
    return {"england": "icb", "pcn": "sub_icb", "practice": "sub_icb"}.get(level, level)
