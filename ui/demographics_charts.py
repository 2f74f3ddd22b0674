"""Figures for the Demographics page: population shares over time, deprivation, deaths by age.

Same conventions as ``ui.charts``: Okabe-Ito colours, England in black (dashed line or
outline marker), every value in the hover, and ``charts.show`` for the PNG export.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from ui.charts import ENGLAND_LINE, OKABE_ITO, interval_errors, layout, split_by

# sequential, colour-blind safe (cividis) for ordered bands: young (dark) to old (light)
CIVIDIS = ("#00204D", "#31446B", "#666970", "#958F78", "#CBBA69", "#FFEA46")


def share_lines(frame: pl.DataFrame, *, title: str, place_name: str) -> go.Figure:
    """% of the population in each group (65+, 85+) by year; England dashed in black.

    ``frame``: area ("place"/"England"), group, year, percent (``older_shares``).
    """
    fig = go.Figure()
    groups = frame["group"].unique(maintain_order=True).to_list()
    rows_of = split_by(frame.sort("year"), "group", "area")
    for i, group in enumerate(groups):
        for area in ("place", "England"):
            part = rows_of(group, area)
            if part.is_empty():
                continue
            name = f"{place_name if area == 'place' else 'England'}, {group}"
            colour = OKABE_ITO[i] if area == "place" else ENGLAND_LINE
            # every year on the axis, blank where there is no estimate, so the line breaks
            # instead of drawing a trend between, say, the 2011 and 2022 estimates
            values = dict(zip(part["year"].to_list(), part["percent"].to_list(), strict=True))
            years = list(range(min(values), max(values) + 1))
            fig.add_trace(
                go.Scatter(
                    x=years,
                    y=[values.get(y) for y in years],
                    name=name,
                    mode="lines+markers",
                    line={
                        "color": colour,
                        "width": 2.5,
                        "dash": "solid" if area == "place" else "dash",
                    },
                    marker={"symbol": "circle" if i == 0 else "square"},
                    hovertemplate=f"{name} %{{x}}: %{{y:.1f}}%<extra></extra>",
                )
            )
    fig.update_xaxes(dtick=1, title=None)
    fig.update_yaxes(title="% of population", rangemode="tozero")
    return layout(fig, title)


def share_table(
    frame: pl.DataFrame, *, place_name: str, basis_text: dict[str, str]
) -> pl.DataFrame:
    """``older_shares`` as a reader sees it: the place by name, bases in words, % to 1 dp.

    For the one-year case, where a trend of one point would say nothing and the table is
    the exhibit; the place comes first, then England.
    """
    return frame.sort(pl.col("area") != "place", "group", "year").select(
        pl.when(pl.col("area") == "place")
        .then(pl.lit(place_name))
        .otherwise(pl.lit("England"))
        .alias("Area"),
        pl.col("year").alias("Year"),
        pl.col("group").alias("Age group"),
        pl.col("population").alias("People in the age group"),
        pl.col("total").alias("All ages"),
        pl.col("percent").round(1).alias("% of all ages"),
        pl.col("basis").replace_strict(basis_text, default=pl.col("basis")).alias("Basis"),
    )


def reference_bars(
    frame: pl.DataFrame,
    *,
    category: str,
    title: str,
    x_title: str,
    y_title: str,
    reference: str | None = None,
    error: bool = False,
) -> go.Figure:
    """Vertical bars of ``value`` by category, optional 95% error bars and England markers.

    ``frame``: category, value (and lower/upper with ``error``), and the ``reference``
    column (England's value) drawn as black diamonds. Categories keep the frame's order.
    """
    fig = go.Figure()
    names = [str(c) for c in frame[category].to_list()]
    bar: dict[str, object] = {}
    if error:
        bar["error_y"] = interval_errors(frame)
    fig.add_trace(
        go.Bar(
            x=names,
            y=frame["value"].to_list(),
            name="This area",
            marker={"color": OKABE_ITO[0]},
            hovertemplate="%{x}: %{y:.1f}%<extra></extra>",
            **bar,
        )
    )
    if reference is not None and reference in frame.columns:
        fig.add_trace(
            go.Scatter(
                x=names,
                y=frame[reference].to_list(),
                name="England",
                mode="markers",
                marker={"color": ENGLAND_LINE, "symbol": "diamond", "size": 10},
                hovertemplate="England %{x}: %{y:.1f}%<extra></extra>",
            )
        )
    fig.update_xaxes(title=x_title, type="category")
    fig.update_yaxes(title=y_title, rangemode="tozero")
    return layout(fig, title)


def stacked_counts(
    frame: pl.DataFrame, *, stack: str, order: list[str], title: str, y_title: str
) -> go.Figure:
    """Stacked bars of ``count`` by year, one colour per ``stack`` value (in ``order``).

    Hidden (suppressed) counts are null and left out of their stack; pages say so.
    """
    fig = go.Figure()
    rows_of = split_by(frame.sort("year"), stack)
    for i, value in enumerate(order):
        part = rows_of(value)
        colour = _ramp(i, len(order))
        fig.add_trace(
            go.Bar(
                x=part["year"].to_list(),
                y=part["count"].to_list(),
                name=value,
                marker={"color": colour},
                hovertemplate=f"{value}, %{{x}}: %{{y:,}}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(dtick=1, title=None)
    fig.update_yaxes(title=y_title, rangemode="tozero")
    return layout(fig, title, 460)


def _ramp(i: int, n: int) -> str:
    """Colour i of n along the cividis ramp (linear between its anchor colours)."""
    position = i / max(n - 1, 1) * (len(CIVIDIS) - 1)
    low = int(position)
    high = min(low + 1, len(CIVIDIS) - 1)
    share = position - low
    a, b = CIVIDIS[low], CIVIDIS[high]
    channels = [
        round(int(a[k : k + 2], 16) * (1 - share) + int(b[k : k + 2], 16) * share)
        for k in (1, 3, 5)
    ]
    return "#" + "".join(f"{c:02X}" for c in channels)
