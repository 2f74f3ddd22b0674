"""Plotly figures shared by the pages, in Fingertips' conventions.

Benchmark colours are Fingertips' (``ui.colours.BENCHMARK_COLOURS``) and always come
with their words (legend, hover) and a bar pattern, so nobody has to tell green from
amber; other series use the Okabe-Ito colour-blind-safe palette. Every figure draws its
95% confidence interval where one exists. ``show`` adds the PNG export button.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

# plotly imports pandas lazily; importing it here, under Python's import lock, stops the
# first concurrent sessions meeting a half-imported module
import numpy as np
import numpy.typing as npt
import pandas  # noqa: F401
import plotly.graph_objects as go
import polars as pl
import streamlit as st
from plotly.colors import sample_colorscale

from peolc.vocabulary import PLACES_OF_DEATH
from queries.stats import BENCHMARK_TEXT
from ui.colours import BENCHMARK_COLOURS, BENCHMARK_TEXT_COLOURS, SETTING_COLOURS

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
BENCHMARK_PATTERNS = {
    "better": "",
    "similar": ".",
    "worse": "x",
    "higher": "/",
    "lower": "\\",
    "not compared": "",
}
ENGLAND_LINE = "#000000"
FONT = "Arial, sans-serif"
K = TypeVar("K")
V = TypeVar("V")


def benchmark_pattern(label: str) -> dict[str, object]:
    """The benchmark's pattern drawn over its colour (Streamlit's theme would fill it white)."""
    return {
        "shape": BENCHMARK_PATTERNS[label],
        "bgcolor": BENCHMARK_COLOURS[label],
        "fgcolor": BENCHMARK_TEXT_COLOURS[label],
        "fgopacity": 0.45,
        "size": 8,
    }


def legend_groups(
    frame: pl.DataFrame, column: str, legend: Mapping[K, V]
) -> Iterator[tuple[K, V, pl.DataFrame]]:
    """Each key of ``legend``, its value, and the rows of ``frame`` whose ``column`` is it.

    In the legend's order, so every figure lists its series the same way; keys with no
    rows are skipped, as an empty trace would still take a line in the legend.
    """
    rows_of = split_by(frame, column)
    for key, value in legend.items():
        part = rows_of(key)
        if not part.is_empty():
            yield key, value, part


def split_by(frame: pl.DataFrame, *columns: str) -> Callable[..., pl.DataFrame]:
    """The rows of ``frame`` for given values of ``columns`` (an empty frame where none),
    split in one pass: a figure drawing a series per value need not filter per series."""
    parts = frame.partition_by(list(columns), as_dict=True, maintain_order=True)
    empty = frame.clear()

    def rows_of(*values: object) -> pl.DataFrame:
        return parts.get(values, empty)

    return rows_of


def interval_errors(frame: pl.DataFrame, thickness: float = 1.2) -> dict[str, object]:
    """Error bars (``error_x`` or ``error_y``) from each row's value to its 95% limits.

    Plotly takes distances from the value, one array each way: intervals of rates are
    not symmetric.
    """
    return {
        "type": "data",
        "symmetric": False,
        "array": (frame["upper"] - frame["value"]).to_list(),
        "arrayminus": (frame["value"] - frame["lower"]).to_list(),
        "color": "#333333",
        "thickness": thickness,
    }


def benchmark_line(fig: go.Figure, value: float, text: str) -> None:
    """The comparator's value as a dashed black line up the chart, labelled on top."""
    fig.add_vline(
        x=value,
        line={"color": ENGLAND_LINE, "dash": "dash", "width": 1.5},
        annotation_text=text,
        annotation_position="top",
    )


def layout(fig: go.Figure, title: str, height: int = 420) -> go.Figure:
    """The house style every figure of every page shares: title, height, font, grid, legend."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        font={"family": FONT, "size": 13},
        plot_bgcolor="white",
        legend={"orientation": "h", "y": -0.15, "x": 0},
        hoverlabel={"font": {"family": FONT}},
    )
    fig.update_xaxes(gridcolor="#E5E5E5", zeroline=False)
    fig.update_yaxes(gridcolor="#E5E5E5", zeroline=False)
    return fig


def show(fig: go.Figure, name: str, key: str) -> None:
    """Draw a figure with a PNG download in its toolbar (named after the chart)."""
    st.plotly_chart(
        fig,
        key=key,
        config={
            "displaylogo": False,
            "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2},
            "modeBarButtonsToRemove": ["lasso2d", "select2d"],
        },
    )


def benchmark_bars(
    frame: pl.DataFrame,
    *,
    category: str,
    title: str,
    benchmark_name: str,
    benchmark_value: float | None,
    highlight: str | None = None,
    unit: str = "%",
) -> go.Figure:
    """Horizontal bars with 95% intervals, coloured and patterned by benchmark label.

    ``frame`` needs ``category``, value, lower, upper and benchmark columns (rows with a
    null value are left out and listed in the hover of nothing: pages say so in text).
    """
    fig = go.Figure()
    data = frame.filter(pl.col("value").is_not_null())
    for label, colour, part in legend_groups(data, "benchmark", BENCHMARK_COLOURS):
        names = part[category].to_list()
        fig.add_trace(
            go.Bar(
                x=part["value"].to_list(),
                y=names,
                orientation="h",
                name=BENCHMARK_TEXT[label].format(benchmark=benchmark_name),
                marker={
                    "color": colour,
                    "pattern": benchmark_pattern(label),
                    "line": {
                        "color": ["#000000" if n == highlight else colour for n in names],
                        "width": [3 if n == highlight else 0.5 for n in names],
                    },
                },
                error_x=interval_errors(part),
                hovertemplate="%{y}: %{x:.1f}" + unit + "<extra>%{fullData.name}</extra>",
            )
        )
    if benchmark_value is not None:
        benchmark_line(fig, benchmark_value, f"{benchmark_name} {benchmark_value:.1f}{unit}")
    order = data.sort("value")[category].to_list()
    fig.update_yaxes(categoryorder="array", categoryarray=order, automargin=True)
    fig.update_xaxes(
        title=unit if unit != "%" else "% (95% confidence interval)", rangemode="tozero"
    )
    height = max(320, 60 + 22 * len(order))
    return layout(fig, title, height)


HIDDEN_LABEL = "Hidden to protect confidentiality"


def stacked_percents(
    frame: pl.DataFrame,
    *,
    column: str,
    segments: Mapping[str, tuple[str, str]],
    category: str,
    title: str,
    x_title: str,
    row_height: int,
) -> go.Figure:
    """100% stacked horizontal bars, one per ``category``, top to bottom in the frame's order.

    ``segments``: each value of ``column`` with its (label, colour), stacked in that order;
    every segment keeps its legend entry even where no bar has it, so the legend does not
    change with the place. A bar with segments hidden to protect confidentiality gets one
    hatched grey segment for the rest, so it still reads as 100%.
    """
    fig = go.Figure()
    hidden = (
        frame.filter(pl.col(column).is_in(list(segments)))
        .group_by(category, maintain_order=True)
        .agg(
            pl.col("value").is_null().any().alias("any_hidden"),
            pl.col("value").sum().alias("shown"),
        )
        .filter(pl.col("any_hidden"))
        .with_columns((100 - pl.col("shown")).clip(lower_bound=0).alias("rest"))
    )
    rows_of = split_by(frame, column)
    for key, (label, colour) in segments.items():
        part = rows_of(key)
        fig.add_trace(
            go.Bar(
                x=part["value"].to_list(),
                y=part[category].to_list(),
                orientation="h",
                name=label,
                marker={"color": colour},
                hovertemplate=f"%{{y}}: {label} %{{x:.1f}}%<extra></extra>",
            )
        )
    if not hidden.is_empty():
        fig.add_trace(
            go.Bar(
                x=hidden["rest"].to_list(),
                y=hidden[category].to_list(),
                orientation="h",
                name=HIDDEN_LABEL,
                marker={
                    "color": "#FFFFFF",
                    "line": {"color": "#767676", "width": 1},
                    "pattern": {"shape": "/", "fgcolor": "#767676", "size": 6},
                },
                hovertemplate=f"%{{y}}: {HIDDEN_LABEL} %{{x:.1f}}%<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title=x_title, range=[0, 100])
    fig.update_yaxes(autorange="reversed", automargin=True)
    return layout(fig, title, max(300, 80 + row_height * frame[category].n_unique()))


def stacked_shares(frame: pl.DataFrame, *, category: str, title: str) -> go.Figure:
    """100% stacked horizontal bars of places of death (measure, value per category)."""
    segments = {key: (label, SETTING_COLOURS[key]) for key, label in PLACES_OF_DEATH.items()}
    return stacked_percents(
        frame,
        column="measure",
        segments=segments,
        category=category,
        title=title,
        x_title="% of deaths",
        row_height=40,
    )


def pyramid(place: pl.DataFrame, england: pl.DataFrame | None, *, title: str) -> go.Figure:
    """Population pyramid as % of the population; England drawn as an outline."""
    fig = go.Figure()
    for sex, sign, colour in (("M", -1, "#0072B2"), ("F", 1, "#E69F00")):
        part = place.filter(pl.col("sex") == sex)
        fig.add_trace(
            go.Bar(
                x=(part["percent"] * sign).to_list(),
                y=part["age_band"].to_list(),
                orientation="h",
                name="Males" if sex == "M" else "Females",
                marker={"color": colour},
                customdata=part["percent"].to_list(),
                hovertemplate="%{y}: %{customdata:.2f}%<extra>%{fullData.name}</extra>",
            )
        )
        if england is not None:
            ref = england.filter(pl.col("sex") == sex)
            fig.add_trace(
                go.Scatter(
                    x=(ref["percent"] * sign).to_list(),
                    y=ref["age_band"].to_list(),
                    mode="lines",
                    line={"color": ENGLAND_LINE, "width": 2, "shape": "hvh"},
                    name="England",
                    showlegend=sex == "M",
                    customdata=ref["percent"].to_list(),
                    hovertemplate="England %{y}: %{customdata:.2f}%<extra></extra>",
                )
            )
    peaks = [place["percent"].max(), None if england is None else england["percent"].max()]
    limit = max(float(p) for p in peaks if isinstance(p, int | float)) * 1.1
    ticks = [round(v, 1) for v in (-limit, -limit / 2, 0, limit / 2, limit)]
    fig.update_layout(barmode="overlay", bargap=0.05)
    fig.update_xaxes(
        range=[-limit, limit],
        tickvals=ticks,
        ticktext=[f"{abs(t):.1f}%" for t in ticks],
        title="% of population",
    )
    fig.update_yaxes(
        categoryorder="array", categoryarray=place["age_band"].unique(maintain_order=True).to_list()
    )
    return layout(fig, title, 520)


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    """Exterior and interior rings of a GeoJSON Polygon or MultiPolygon."""
    coordinates: list[Any] = geometry.get("coordinates") or []
    polygons = [coordinates] if geometry.get("type") == "Polygon" else coordinates
    return [ring for polygon in polygons for ring in polygon]


@functools.lru_cache(maxsize=4096)
def _outline(geometry_json: str) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """An area's rings as longitude and latitude arrays, NaN between rings (a gap to plotly).

    Kept per geometry: every session draws the same few hundred shapes, and plotly checks
    an array at once where it checks a list point by point.
    """
    xs: list[float] = []
    ys: list[float] = []
    for ring in _rings(json.loads(geometry_json)):
        xs.extend(point[0] for point in ring)
        ys.extend(point[1] for point in ring)
        xs.append(math.nan)
        ys.append(math.nan)
    x, y = np.array(xs, dtype=np.float64), np.array(ys, dtype=np.float64)
    x.setflags(write=False)
    y.setflags(write=False)
    return x, y


def choropleth(
    features: pl.DataFrame,
    values: pl.DataFrame,
    *,
    title: str,
    colour_label: str,
    highlight: str | None = None,
    notes: Sequence[str] = (),
) -> go.Figure:
    """A map of areas (features: area_code, area_name, geometry_json) shaded by value.

    ``notes`` are written under the map, a line each, so a saved image keeps them (the
    boundaries' attribution, the synthetic-data label).

    Drawn as filled shapes on plain axes (longitude and latitude, scaled for England's
    latitude) rather than plotly's geo maps, which fetch base maps from the internet and
    draw nothing without it. Areas with no value are light grey; Cividis is colour-blind
    safe.
    """
    data = features.select("area_code", "area_name", "geometry_json").join(
        values.select("area_code", "value"), on="area_code", how="left"
    )
    present = data["value"].drop_nulls()
    low = float(present.min()) if len(present) else 0.0  # type: ignore[arg-type]
    high = float(present.max()) if len(present) else 1.0  # type: ignore[arg-type]
    span = (high - low) or 1.0
    shaded = iter(  # one call for every area: sampling a scale costs the same for one or many
        sample_colorscale("Cividis", [(float(v) - low) / span for v in present.to_list()])
    )
    fig = go.Figure()
    for code, name, geometry, value in data.iter_rows():
        xs, ys = _outline(geometry)
        colour = "#E5E5E5" if value is None else next(shaded)
        selected = code == highlight
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                fill="toself",
                fillcolor=colour,
                line={
                    "color": "#000000" if selected else "#FFFFFF",
                    "width": 2.5 if selected else 0.6,
                },
                name=name,
                hoveron="fills",
                showlegend=False,
                text=f"{name}: {value:.1f}" if value is not None else f"{name}: no data",
                hoverinfo="text",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            showlegend=False,
            hoverinfo="skip",
            marker={
                "colorscale": "Cividis",
                "cmin": low,
                "cmax": high,
                "color": [low],
                "showscale": True,
                "colorbar": {"title": {"text": colour_label}},
            },
        )
    )
    fig.update_xaxes(visible=False)
    # one degree of longitude is cos(53°) ≈ 0.6 of a degree of latitude in England
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1 / 0.6)
    fig.update_layout(hovermode="closest")
    layout(fig, title, 640)
    if notes:
        fig.add_annotation(
            text="<br>".join(notes),
            xref="paper",
            yref="paper",
            x=0,
            y=0,
            xanchor="left",
            yanchor="top",
            align="left",
            showarrow=False,
            font={"size": 10, "color": "#505050"},
        )
        fig.update_layout(margin={"b": 16 + 14 * len(notes)})
    return fig


def spine(frame: pl.DataFrame, *, title: str, benchmark_name: str = "England") -> go.Figure:
    """Fingertips-style spine chart from ``queries.spine.spine`` (England at the centre).

    Each row: a light bar from the worst to the best area of the same level, a darker bar
    between the 25th and 75th percentiles, England's line at 0.5, and the place's marker
    coloured (and labelled in the hover) by its comparison with England.
    """
    fig = go.Figure()
    labels = frame["label"].to_list()
    lo = [min(a, b) for a, b in zip(frame["x_worst"], frame["x_best"], strict=True)]
    hi = [max(a, b) for a, b in zip(frame["x_worst"], frame["x_best"], strict=True)]
    mid_lo = [min(a, b) for a, b in zip(frame["x_q25"], frame["x_q75"], strict=True)]
    mid_hi = [max(a, b) for a, b in zip(frame["x_q25"], frame["x_q75"], strict=True)]
    for base, top, colour, name in (
        (lo, hi, "#E1E1E1", "Range of areas (worst to best)"),
        (mid_lo, mid_hi, "#A6A6A6", "25th to 75th percentile"),
    ):
        fig.add_trace(
            go.Bar(
                y=labels,
                x=[t - b for b, t in zip(base, top, strict=True)],
                base=base,
                orientation="h",
                marker={"color": colour},
                name=name,
                hoverinfo="skip",
                width=0.6,
            )
        )
    for label, colour, part in legend_groups(frame, "benchmark", BENCHMARK_COLOURS):
        fig.add_trace(
            go.Scatter(
                y=part["label"].to_list(),
                x=part["x_value"].to_list(),
                mode="markers",
                marker={
                    "color": colour,
                    "size": 14,
                    "line": {"color": "#000000", "width": 1},
                    "symbol": {"better": "circle", "similar": "diamond", "worse": "square"}.get(
                        label, "circle"
                    ),
                },
                name=BENCHMARK_TEXT[label].format(benchmark=benchmark_name),
                customdata=list(zip(part["value"], part["england"], strict=True)),
                hovertemplate="%{y}: %{customdata[0]:.1f}% (England %{customdata[1]:.1f}%)"
                "<extra>%{fullData.name}</extra>",
            )
        )
    fig.add_vline(
        x=0.5,
        line={"color": ENGLAND_LINE, "width": 2},
        annotation_text=benchmark_name,
        annotation_position="top",
    )
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(
        range=[-0.02, 1.02],
        showticklabels=False,
        title="← worse (or lower)      better (or higher) →",
        showgrid=False,
    )
    fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1], automargin=True)
    return layout(fig, title, max(360, 60 + 34 * len(labels)))
