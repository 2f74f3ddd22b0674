"""Equity audit: one measure by the sidebar's breakdown, the gap in words, the full report."""

from __future__ import annotations

from functools import partial

import polars as pl
import streamlit as st

import pages
from peolc.measures import INDICATORS, MEASURE_BY_KEY
from queries import deaths, equity, runner, warehouse_info
from queries.equity_gap import gap_sentence
from ui import (
    charts,
    deaths_by_setting_charts,
    downloads,
    equity_report,
    exhibit,
    missing,
    selection,
)

pages.through_entry_point()
chosen = selection.current()
place, year, dimension = chosen.place, chosen.year, chosen.breakdown
split_name = equity.DIMENSIONS[dimension][0].lower() + equity.DIMENSIONS[dimension][1:]
st.title(f"Equity audit: {place.name}")
st.caption(
    f"{place.level_label} · {place.code} · split by {split_name} "
    "(change it under Breakdown in the sidebar)"
)
if not missing.require_death_figures() or year is None:
    st.stop()
synthetic = warehouse_info.is_synthetic()

options = [m.key for m in INDICATORS if m.statistic == "proportion"]
split = equity.split(place, year, dimension)  # every indicator's groups, once
split_here = set(split["measure"].to_list())
key = st.selectbox(
    "Measure",
    options,
    index=next((i for i, k in enumerate(options) if k in split_here), 0),
    format_func=lambda k: MEASURE_BY_KEY[k].label,
    key="equity_measure",
)
measure = MEASURE_BY_KEY[key]
rows = split.filter(pl.col("measure") == key)
if rows.is_empty():
    elsewhere = [
        label
        for other, label in equity.DIMENSIONS.items()
        if other != dimension
        and not equity.split(place, year, other).filter(pl.col("measure") == key).is_empty()
    ]
    st.info(
        f"No source loaded gives {measure.label.lower()} for {place.name} in {year} split by "
        f"{split_name}. Record-level deaths (`peolc load deaths`) give every split; Fingertips "
        "publishes some splits (age bands, deprivation deciles) for some areas."
        + (
            f" Loaded for this place, measure and year: split by {', '.join(elsewhere)}; "
            "choose it under Breakdown in the sidebar."
            if elsewhere
            else ""
        )
    )
    st.stop()
source = exhibit.source_line(rows)
index = deaths.inequality(rows, key, dimension)
st.markdown(f"**{gap_sentence(rows, key, dimension, place.name, index)}**")

overall = rows["overall_value"][0]
title = f"{measure.label} by {split_name}: {place.name}, {year}"
figure = charts.benchmark_bars(
    rows, category="group", title=title, benchmark_name="the area overall", benchmark_value=overall
)
exhibit.figure(
    deaths_by_setting_charts.in_order(figure, rows["group"].to_list()),
    equity.table(rows),
    name=f"equity-{key}-{dimension}-{place.code}-{year}",
    caption=f"{measure.definition} Bars show each group's % with its 95% confidence interval, "
    f"coloured by comparison with {place.name} as a whole (dashed line; polarity: "
    f"{measure.polarity}). Groups whose counts are hidden to protect confidentiality are not "
    f"drawn. Source: {source}.",
    title=title,
    source=source,
    key="equity_bars",
    show_data=True,
)

if dimension in deaths.ORDERED_DIMENSIONS:
    st.subheader("Slope and relative index of inequality")
    if index is None:
        st.info("Not calculated: a deprivation group's figure is hidden or has no deaths.")
    else:
        left, right = st.columns(2)
        left.metric(
            "Slope index of inequality (percentage points)",
            f"{index['sii']:.1f}",
            help="Fitted gap between the least and the most deprived ends; positive "
            "means higher in less deprived areas.",
        )
        left.caption(f"95% CI {index['sii_lower']:.1f} to {index['sii_upper']:.1f}")
        right.metric(
            "Relative index of inequality",
            f"{index['rii']:.2f}",
            help="Least deprived end divided by most deprived end (fitted).",
        )
        right.caption(f"95% CI {index['rii_lower']:.2f} to {index['rii_upper']:.2f}")
        downloads.offer(
            pl.DataFrame([index]),
            f"sii-{key}-{dimension}-{place.code}-{year}",
            title=f"SII and RII: {title}",
            source=source,
            synthetic=synthetic,
            key="equity_sii",
        )

st.subheader("The whole audit")
st.caption(
    "Every measure by every split (deprivation, age, sex, ethnicity, cause), with the "
    "gap stated for each and SII/RII for deprivation, as an Excel workbook or a web page."
)
meta = runner.meta()
context = equity_report.Context(synthetic, meta.get("built_at", ""), meta.get("tool_version", ""))
stem = equity_report.file_stem(place, year, synthetic)
left, right, _ = st.columns([1, 1, 4])
for column, (kind, mime) in zip((left, right), equity_report.FORMATS.items(), strict=True):
    column.download_button(
        f"Report ({'Excel' if kind == 'xlsx' else 'HTML'})",
        partial(equity_report.build, place, year, kind, context),  # built when clicked
        f"{stem}.{kind}",
        mime,
        key=f"report_{kind}",
        icon=":material/download:",
        on_click="ignore",
    )
