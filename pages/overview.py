"""Overview: headline figures, a map of one measure, and the spine chart against England."""

from __future__ import annotations

import polars as pl
import streamlit as st

import pages
from peolc.levels import LEVEL_BY_KEY
from peolc.measures import INDICATORS, MEASURE_BY_KEY
from queries import deaths, maps, overview, spine, warehouse_info
from ui import charts, downloads, exhibit, missing, selection, tiles

pages.through_entry_point()
chosen = selection.current()
place = chosen.place
synthetic = warehouse_info.is_synthetic()
st.title(place.name)
st.caption(f"{place.level_label} · {place.code}")

headline = overview.headline(place, chosen.year)
if headline.year is None:
    st.info("The warehouse has no deaths, population or QOF data yet.")
    st.stop()
year = headline.year
st.subheader(f"Headline figures, {year}")
tiles.show(headline.tiles)
st.caption(
    "Counts from restricted sources (record-level deaths, ICB extracts) below England level "
    "follow the NHS Digital rule: 1-7 shown as *, others rounded to 5; percentages and Wilson "
    "95% intervals use the rounded counts. Published statistics (Fingertips, QOF, ONS) are "
    "shown exactly as published. Each figure's note names its source."
)
downloads.offer(
    pl.DataFrame([t.__dict__ for t in headline.tiles]).drop("numerator", "denominator"),
    f"headline-{place.code}-{year}",
    title=f"Headline figures: {place.name}, {year}",
    source="peolc-needs warehouse (see Data & methods)",
    synthetic=synthetic,
    key="headline",
)

st.subheader("Map")
if missing.require_death_figures() and missing.require("boundaries"):
    left, right = st.columns(2)
    shown_here = set(deaths.values(place, year)["measure"].to_list())
    options = [m.key for m in INDICATORS if m.statistic == "proportion"]
    measure_key = left.selectbox(
        "Measure",
        options,
        index=next((i for i, k in enumerate(options) if k in shown_here), 0),
        format_func=lambda k: MEASURE_BY_KEY[k].label,
        key="overview_map_measure",
    )
    levels = [lv for lv in maps.MAP_LEVELS if not maps.boundaries(lv).is_empty()]
    default = maps.map_level(place.level)
    level = right.selectbox(
        "Areas",
        levels,
        index=levels.index(default) if default in levels else 0,
        format_func=lambda k: LEVEL_BY_KEY[k].plural[0].upper() + LEVEL_BY_KEY[k].plural[1:],
        key="overview_map_level",
    )
    shapes = maps.boundaries(level)
    values = deaths.level_values(level, year).filter(pl.col("measure") == measure_key)
    measure = MEASURE_BY_KEY[measure_key]
    notes = exhibit.map_notes(shapes)
    figure = charts.choropleth(
        shapes,
        values.select("area_code", "value"),
        title=f"{measure.label}, {LEVEL_BY_KEY[level].plural}, {year}",
        colour_label="%",
        highlight=place.code,
        notes=notes,
    )
    exhibit.figure(
        figure,
        values.select(
            "area_code",
            "area_name",
            "numerator_shown",
            "denominator_shown",
            "value",
            "lower",
            "upper",
        ),
        name=f"map-{measure_key}-{level}-{year}",
        caption=f"{measure.definition} Areas no source covers, or whose counts are hidden, are "
        f"blank. Source: {exhibit.source_line(values)}. {' '.join(notes)}",
        title=f"{measure.label} by {LEVEL_BY_KEY[level].label}, {year}",
        source=exhibit.source_line(values),
        key="overview_map",
    )

st.subheader("Spine chart: key measures against England")
if place.is_england:
    st.info("Pick a region, ICB or other area in the sidebar to compare it with England.")
elif missing.require_death_figures():
    rows = spine.spine(place, year)
    table = rows.select(
        pl.col("label").alias("Measure"),
        pl.col("numerator_shown").alias("Count"),
        pl.col("value").round(1).alias("Value %"),
        pl.col("lower").round(1).alias("Lower 95% CI"),
        pl.col("upper").round(1).alias("Upper 95% CI"),
        pl.col("benchmark").alias("Compared with England"),
        pl.col("england").round(1).alias("England %"),
        pl.col("worst").round(1).alias("Worst %"),
        pl.col("best").round(1).alias("Best %"),
    )
    exhibit.figure(
        charts.spine(
            rows,
            title=f"{place.name} against England and other "
            f"{LEVEL_BY_KEY[place.level].plural}, {year}",
        ),
        table,
        name=f"spine-{place.code}-{year}",
        caption="Marker: this area, coloured by its comparison with England (95% interval; "
        "Fingertips colours, shape also differs). Light bar: range of all "
        f"{LEVEL_BY_KEY[place.level].plural}; dark bar: their middle half. England is the "
        "centre line. Measures with no judgement (e.g. deaths at home) are not coloured "
        f"better or worse. Source: {exhibit.source_line(rows)}.",
        title=f"Key measures: {place.name}, {year}",
        source=exhibit.source_line(rows),
        key="overview_spine",
        show_data=True,
    )
