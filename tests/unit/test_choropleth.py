"""The map draws each area's rings with gaps between them and shades it by its own value."""

from __future__ import annotations

import json
import math

import polars as pl
from plotly.colors import sample_colorscale

from ui import charts

SQUARE = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]
HOLE = [[0.2, 0.2], [0.4, 0.2], [0.4, 0.4], [0.2, 0.2]]


def _features() -> pl.DataFrame:
    shapes = {
        "A": {"type": "Polygon", "coordinates": [SQUARE, HOLE]},
        "B": {"type": "MultiPolygon", "coordinates": [[SQUARE], [HOLE]]},
        "C": {"type": "Polygon", "coordinates": [SQUARE]},
    }
    return pl.DataFrame(
        {
            "area_code": list(shapes),
            "area_name": ["Area A", "Area B", "Area C"],
            "geometry_json": [json.dumps(g) for g in shapes.values()],
        }
    )


def test_each_area_is_shaded_by_its_own_value_and_unvalued_areas_grey() -> None:
    values = pl.DataFrame({"area_code": ["C", "A"], "value": [30.0, 10.0]})
    fig = charts.choropleth(_features(), values, title="t", colour_label="%", highlight="B")
    areas = {trace.name: trace for trace in fig.data if trace.name}
    low, high = sample_colorscale("Cividis", [0.0, 1.0])
    assert areas["Area A"].fillcolor == low
    assert areas["Area C"].fillcolor == high
    assert areas["Area B"].fillcolor == "#E5E5E5"
    assert areas["Area B"].text == "Area B: no data"
    assert areas["Area B"].line.color == "#000000"  # the chosen place is outlined
    assert areas["Area A"].line.color == "#FFFFFF"


def test_rings_are_separated_by_gaps() -> None:
    fig = charts.choropleth(
        _features(), pl.DataFrame({"area_code": ["A"], "value": [1.0]}), title="t", colour_label="%"
    )
    a = next(trace for trace in fig.data if trace.name == "Area A")
    xs = list(a.x)
    assert len(xs) == len(SQUARE) + len(HOLE) + 2
    assert math.isnan(xs[len(SQUARE)]) and math.isnan(xs[-1])
    assert xs[: len(SQUARE)] == [p[0] for p in SQUARE]
