"""Figures and tables for the Register coverage page: prevalence dots, practice funnel, timing.

Register prevalence is around half a per cent, so these figures show two decimals where
``ui.charts`` shows one. Benchmark colours are Fingertips' and always carry their words
and a marker shape; other series use Okabe-Ito.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import polars as pl

from queries.stats import BENCHMARK_TEXT
from ui import charts
from ui.charts import (
    ENGLAND_LINE,
    OKABE_ITO,
    benchmark_line,
    interval_errors,
    layout,
    legend_groups,
    stacked_percents,
)
from ui.colours import BENCHMARK_COLOURS

SYMBOLS = {
    "better": "circle",
    "similar": "diamond",
    "worse": "square",
    "higher": "triangle-up",
    "lower": "triangle-down",
    "not compared": "circle-open",
}
RULE_COLOUR = "#CC79A7"  # Okabe-Ito reddish purple: the 1% rule of thumb
FUNNEL_POINTS = {
    "above_998": ("Above the 99.8% limit", "#0072B2", "triangle-up"),
    "above_95": ("Above the 95% limit", "#56B4E9", "triangle-up-open"),
    "within": ("Within the 95% limits", "#999999", "circle"),
    "below_95": ("Below the 95% limit", "#E69F00", "triangle-down-open"),
    "below_998": ("Below the 99.8% limit", "#D55E00", "triangle-down"),
}


def _legend_below(fig: go.Figure) -> go.Figure:
    """Put the legend clear of the x-axis title (``layout`` puts it at a fixed fraction)."""
    plot_height = max(int(fig.layout.height or 420) - 60, 100)
    fig.update_layout(legend={"yanchor": "top", "y": -70 / plot_height, "traceorder": "normal"})
    return fig


def prevalence_dots(
    frame: pl.DataFrame,
    *,
    title: str,
    benchmark_name: str,
    rule_value: float,
    highlight: str | None = None,
) -> go.Figure:
    """Register prevalence of each area (dot, 95% interval), Fingertips-coloured by comparison.

    ``frame``: area_name, value, lower, upper, benchmark, benchmark_value. Draws the
    benchmark as a dashed line and the ``rule_value`` (1% of the list) as a dotted one.
    """
    fig = go.Figure()
    data = frame.filter(pl.col("value").is_not_null())
    for label, colour, part in legend_groups(data, "benchmark", BENCHMARK_COLOURS):
        names = part["area_name"].to_list()
        fig.add_trace(
            go.Scatter(
                x=part["value"].to_list(),
                y=names,
                mode="markers",
                name=BENCHMARK_TEXT[label].format(benchmark=benchmark_name),
                marker={
                    "color": colour,
                    "symbol": SYMBOLS[label],
                    "size": [14 if n == highlight else 10 for n in names],
                    "line": {
                        "color": "#000000",
                        "width": [3 if n == highlight else 1 for n in names],
                    },
                },
                error_x=interval_errors(part),
                hovertemplate="%{y}: %{x:.2f}%<extra>%{fullData.name}</extra>",
            )
        )
    reference = data["benchmark_value"].drop_nulls()
    if not reference.is_empty():
        value = float(reference[0])
        benchmark_line(fig, value, f"{benchmark_name} {value:.2f}%")
    fig.add_vline(
        x=rule_value,
        line={"color": RULE_COLOUR, "dash": "dot", "width": 2},
        annotation_text=f"{rule_value:g}% of the list",
        annotation_position="bottom",
    )
    order = data.sort("value")["area_name"].to_list()
    fig.update_yaxes(categoryorder="array", categoryarray=order, automargin=True)
    fig.update_xaxes(title="% of registered patients (95% confidence interval)", rangemode="tozero")
    return _legend_below(layout(fig, title, max(320, 80 + 24 * len(order))))


def _funnel_axes(
    drawn: pl.DataFrame, limits: pl.DataFrame, centre: float
) -> tuple[pl.DataFrame, float, float]:
    """Limits to draw and the axis ends that show most practices.

    The limits for lists far smaller than any practice's, and a few practices with tiny
    lists (care homes, hospices) far above the rest, would otherwise dwarf everyone else.
    """
    if drawn.is_empty() or limits.is_empty():
        return limits, float(limits["denominator"].max() or 1), 3 * centre  # type: ignore[arg-type]
    x_max = float(drawn["list_size"].max() or 1)  # type: ignore[arg-type]
    x_low = float(drawn["list_size"].quantile(0.05) or 1)
    kept = limits.filter(pl.col("denominator") >= x_low / 2)
    kept = limits if kept.is_empty() else kept
    edge = np.interp(x_low, kept["denominator"].to_numpy(), kept["upper_998"].to_numpy())
    y_max = 1.15 * max(float(drawn["value"].quantile(0.99) or 0), float(edge), centre)
    return kept, x_max, y_max


def practice_funnel(
    points: pl.DataFrame,
    limits: pl.DataFrame,
    *,
    title: str,
    centre: float,
    centre_name: str,
    highlight: str | None = None,
) -> go.Figure:
    """Funnel plot of register prevalence against list size, with 95% and 99.8% limits.

    ``points``: area_code, area_name, list_size, value, flag (``registers.funnel``);
    ``limits``: denominator, lower/upper_95, lower/upper_998. Points without a value
    (hidden registers) are not drawn.
    """
    fig = go.Figure()
    drawn = points.filter(pl.col("value").is_not_null())
    limits, x_max, y_max = _funnel_axes(drawn, limits, centre)
    off_chart = drawn.filter(pl.col("value") > y_max).height
    styles = {"95": ("#E69F00", "dash", "95%"), "998": ("#D55E00", "dot", "99.8%")}
    for level, (colour, dash, text) in styles.items():
        for side in ("lower", "upper"):
            fig.add_trace(
                go.Scatter(
                    x=limits["denominator"].to_list(),
                    y=limits[f"{side}_{level}"].to_list(),
                    mode="lines",
                    line={"color": colour, "dash": dash, "width": 1.5},
                    name=f"{text} limits",
                    showlegend=side == "lower",
                    hoverinfo="skip",
                )
            )
    fig.add_hline(
        y=centre,
        line={"color": ENGLAND_LINE, "width": 1.5},
        annotation_text=f"{centre_name} {centre:.2f}%",
        annotation_position="top left",
    )
    for _, (name, colour, symbol), part in legend_groups(drawn, "flag", FUNNEL_POINTS):
        fig.add_trace(
            go.Scatter(
                x=part["list_size"].to_list(),
                y=part["value"].to_list(),
                mode="markers",
                marker={
                    "color": colour,
                    "size": 8,
                    "symbol": symbol,
                    "line": {"width": 1, "color": colour},
                },
                name=name,
                text=part["area_name"].to_list(),
                hovertemplate=(
                    "%{text}<br>%{y:.2f}% of %{x:,} patients<extra>%{fullData.name}</extra>"
                ),
            )
        )
    chosen = drawn.filter(pl.col("area_code") == highlight) if highlight else drawn.clear()
    if not chosen.is_empty():
        fig.add_trace(
            go.Scatter(
                x=chosen["list_size"].to_list(),
                y=chosen["value"].to_list(),
                mode="markers",
                marker={
                    "color": "rgba(0,0,0,0)",
                    "size": 18,
                    "line": {"width": 3, "color": "#000000"},
                },
                name="Selected practice",
                hoverinfo="skip",
            )
        )
    if off_chart:
        fig.add_annotation(
            text=f"{off_chart} practice(s) above {y_max:.1f}% not shown (see the download)",
            xref="paper",
            yref="paper",
            x=1,
            y=1,
            xanchor="right",
            showarrow=False,
        )
    fig.update_xaxes(title="Registered patients (list size)", range=[0, x_max * 1.05])
    fig.update_yaxes(title="% of patients on the register", range=[0, y_max * 1.1])
    return _legend_below(layout(fig, title, 500))


def identification_bars(frame: pl.DataFrame, *, title: str, benchmark_name: str) -> go.Figure:
    """Identification rate by cause group (bars, 95% CI), each against the comparator's
    rate for the same group (black diamonds); bar colours compare the two."""
    fig = charts.benchmark_bars(
        frame, category="label", title=title, benchmark_name=benchmark_name, benchmark_value=None
    )
    reference = frame.filter(pl.col("benchmark_value").is_not_null())
    fig.add_trace(
        go.Scatter(
            x=reference["benchmark_value"].to_list(),
            y=reference["label"].to_list(),
            mode="markers",
            marker={"color": ENGLAND_LINE, "symbol": "diamond", "size": 11},
            name=f"{benchmark_name}, same cause group",
            hovertemplate=f"{benchmark_name} %{{y}}: %{{x:.1f}}%<extra></extra>",
        )
    )
    return _legend_below(fig)


def timing_bands(frame: pl.DataFrame, *, title: str, bands: dict[str, str]) -> go.Figure:
    """100% stacked bars: share of each cause group's people by time on the register.

    ``frame``: label (cause group), band, value (% of the group, null where hidden).
    """
    palette = (OKABE_ITO[3], OKABE_ITO[1], OKABE_ITO[5], OKABE_ITO[0])
    segments = {
        band: (text, colour) for (band, text), colour in zip(bands.items(), palette, strict=True)
    }
    fig = stacked_percents(
        frame,
        column="band",
        segments=segments,
        category="label",
        title=title,
        x_title="% of people identified (with a register date)",
        row_height=45,
    )
    return _legend_below(fig)


def area_table(rows: pl.DataFrame, *, year: int) -> pl.DataFrame:
    """``registers.by_area`` rows as the page shows (and downloads) them."""
    centre = str(rows["comparator"][0]) if rows.height else "England"
    return rows.select(
        pl.col("area_name").alias("Area"),
        pl.col("area_code").alias("Code"),
        pl.col("practices").alias("Practices"),
        pl.col("list_size").alias("List size"),
        pl.col("register_shown").alias("On register"),
        pl.col("value").round(2).alias("Prevalence %"),
        pl.col("lower").round(2).alias("Lower 95% CI"),
        pl.col("upper").round(2).alias("Upper 95% CI"),
        pl.col("benchmark").alias(f"Compared with {centre}"),
        pl.col("expected_list").alias("1% of list"),
        pl.col("register_vs_list").round(0).alias("Register as % of 1% of list"),
        pl.col("with_need_shown").alias(f"Deaths with need {year}"),
        pl.col("need_from_deaths").alias("75% of deaths"),
        pl.col("register_vs_need").round(0).alias("Register as % of deaths with need"),
    )


def funnel_table(points: pl.DataFrame) -> pl.DataFrame:
    """``registers.funnel`` points with the package's label, for the download."""
    return points.select(
        pl.col("area_name").alias("Practice"),
        pl.col("area_code").alias("Code"),
        pl.col("list_size").alias("List size"),
        pl.col("register_shown").alias("On register"),
        pl.col("value").round(2).alias("Prevalence %"),
        pl.col("funnel_label").alias("Funnel (PHE label)"),
    )


def timing_table(summary: pl.DataFrame) -> pl.DataFrame:
    """``registers.timing`` summary: people with a register date and their quartiles."""
    return summary.select(
        pl.col("label").alias("Cause group"),
        pl.col("dated_shown").alias("People with a register date"),
        pl.col("q1_days").alias("Lower quartile (days)"),
        pl.col("median_days").alias("Median (days)"),
        pl.col("q3_days").alias("Upper quartile (days)"),
    )
