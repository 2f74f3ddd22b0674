"""The shapes maps draw: each area's published boundary, or one rebuilt where areas changed.

Boundaries are published for a year's areas; the April 2026 mergers made ICBs that no
boundary file has yet. ``shape_plan.sql`` says how each area is drawn (its own boundary,
a former area's, or the union of its sub-ICB locations'), and this module unions the
parts with shapely, so ``derived.area_shape`` holds one display shape per area, marked
where it is an estimate.
"""

from __future__ import annotations

import duckdb
import polars as pl

from etl import SQL_DIR
from etl.loaders.boundaries import GRID_DEGREES
from peolc.sqlfiles import sql_text

SHAPE_COLUMNS = {
    "level": pl.String,
    "area_code": pl.String,
    "area_name": pl.String,
    "vintage": pl.Int16,
    "synthetic": pl.Boolean,
    "estimated": pl.Boolean,
    "note": pl.String,
    "geometry_json": pl.String,
}


def _union(parts: list[str]) -> str:
    """One GeoJSON geometry covering ``parts`` (on the display grid, so edges meet)."""
    import shapely

    if len(parts) == 1:
        return parts[0]
    shapes = shapely.from_geojson(parts)
    return str(shapely.to_geojson(shapely.union_all(shapes, grid_size=GRID_DEGREES)))


def derive_shapes(con: duckdb.DuckDBPyConnection) -> int:
    """Replace ``derived.area_shape`` from the loaded boundaries; return the shapes kept."""
    plan = con.sql(sql_text(SQL_DIR, "shape_plan")).pl()
    shapes = pl.DataFrame(
        {
            **{c: plan[c] for c in SHAPE_COLUMNS if c != "geometry_json"},
            "geometry_json": [_union(list(parts)) for parts in plan["parts"]],
        },
        schema=SHAPE_COLUMNS,
    )
    con.execute("delete from derived.area_shape")
    con.register("new_shapes", shapes)
    try:
        con.execute("insert into derived.area_shape by name select * from new_shapes")
    finally:
        con.unregister("new_shapes")
    return shapes.height
