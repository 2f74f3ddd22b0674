"""Figures for the Deaths by setting and Equity audit pages, in ``ui.charts``' conventions.

Benchmark colours are Fingertips' and always come with words (legend, hover) and a bar
pattern; lines use the Okabe-Ito colour-blind-safe palette, the comparator is black and
dashed; every value carries its 95% confidence interval.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from queries.stats import BENCHMARK_TEXT
from ui import charts
from ui.colours import BENCHMARK_COLOURS


def legend_on_top(fig: go.Figure) -> go.Figure:
    """Legend between the title and the plot, clear of the x-axis title."""
    fig.update_layout(
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
        margin={"t": 90},
    )
    return fig


def share_bars(frame: pl.DataFrame, *, title: str, comparator: str) -> go.Figure:
    """Each setting's share as a bar with its 95% interval, the comparator as a black tick.

    ``frame``: setting, value, lower, upper, benchmark, benchmark_value (as
    ``queries.deaths_by_setting.shares``); bars are coloured by the comparison.
    """
    fig = go.Figure()
    order = frame["setting"].to_list()
    drawn = frame.filter(pl.col("value").is_not_null())
    for label, colour, part in charts.legend_groups(drawn, "benchmark", BENCHMARK_COLOURS):
        fig.add_trace(
            go.Bar(
                x=part["value"].to_list(),
                y=part["setting"].to_list(),
                orientation="h",
                name=BENCHMARK_TEXT[label].format(benchmark=comparator),
                marker={
                    "color": colour,
                    "pattern": charts.benchmark_pattern(label),
                    "line": {"color": "#333333", "width": 0.5},
                },
                error_x=charts.interval_errors(part, thickness=2),  # plotly's default
                customdata=list(zip(part["lower"], part["upper"], strict=True)),
                hovertemplate="%{y}: %{x:.1f}% (95% CI %{customdata[0]:.1f} to "
                "%{customdata[1]:.1f})<extra>%{fullData.name}</extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=frame["benchmark_value"].to_list(),
            y=order,
            mode="markers",
            name=comparator,
            marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": "#000000"}},
            hovertemplate=f"{comparator}: %{{x:.1f}}%<extra></extra>",
        )
    )
    fig.update_yaxes(categoryorder="array", categoryarray=order[::-1], automargin=True)
    fig.update_xaxes(title="% of deaths (95% confidence interval)", rangemode="tozero")
    return legend_on_top(charts.layout(fig, title, 120 + 50 * len(order)))


def trend_grid(frame: pl.DataFrame, *, title: str, place: str) -> go.Figure:
    """One small panel per setting: the place's share by year with its 95% band, and the
    comparator's line (``frame``: area, setting, year, value, lower, upper)."""
    settings = frame["setting"].unique(maintain_order=True).to_list()
    columns = 3
    rows = -(-len(settings) // columns)
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=settings, vertical_spacing=0.16)
    rows_of = charts.split_by(frame.sort("year"), "setting", "area")
    areas = frame["area"].unique(maintain_order=True).to_list()
    for i, setting in enumerate(settings):
        row, col = i // columns + 1, i % columns + 1
        for area in areas:
            own = area == place
            colour = charts.OKABE_ITO[0] if own else charts.ENGLAND_LINE
            data = rows_of(setting, area)
            years, lower, upper = data["year"].to_list(), data["lower"], data["upper"]
            if own:
                fig.add_trace(
                    go.Scatter(
                        x=years + years[::-1],
                        y=upper.to_list() + lower.to_list()[::-1],
                        fill="toself",
                        fillcolor=colour,
                        opacity=0.18,
                        line={"width": 0},
                        hoverinfo="skip",
                        showlegend=False,
                    ),
                    row=row,
                    col=col,
                )
            fig.add_trace(
                go.Scatter(
                    x=years,
                    y=data["value"].to_list(),
                    name=area,
                    legendgroup=area,
                    showlegend=i == 0,
                    mode="lines+markers",
                    line={"color": colour, "width": 2, "dash": "solid" if own else "dash"},
                    customdata=list(zip(lower, upper, strict=True)),
                    hovertemplate=f"{area} %{{x}}: %{{y:.1f}}%<br>95% CI "
                    "%{customdata[0]:.1f} to %{customdata[1]:.1f}<extra></extra>",
                ),
                row=row,
                col=col,
            )
    fig.update_xaxes(dtick=1)
    fig.update_yaxes(rangemode="tozero", ticksuffix="%")
    return charts.layout(fig, title, 300 * rows + 60)


def in_order(fig: go.Figure, categories: list[str]) -> go.Figure:
    """Horizontal bars listed top to bottom in ``categories``' order (not by value)."""
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=categories[::-1])
    return legend_on_top(fig)
