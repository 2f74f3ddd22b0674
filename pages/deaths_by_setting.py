"""Deaths by setting: where people died, against the comparator, over time, among peers."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
import streamlit as st

import pages
from peolc.levels import LEVEL_BY_KEY
from peolc.measures import MeasureKey
from queries import deaths_by_setting
from queries.stats import BENCHMARK_TEXT
from ui import charts, deaths_by_setting_charts, exhibit, missing, selection

pages.through_entry_point()
chosen = selection.current()
place, year, compare = chosen.place, chosen.year, chosen.compare
st.title(f"Deaths by setting: {place.name}")
st.caption(f"{place.level_label} · {place.code}")
if not missing.require_death_figures() or year is None:
    st.stop()
TABLE = {
    "setting": "Setting",
    "numerator_shown": "Deaths",
    "denominator_shown": "All deaths",
    "value": "%",
    "lower": "Lower 95% CI",
    "upper": "Upper 95% CI",
}


def section(
    fig: go.Figure,
    data: pl.DataFrame,
    name: str,
    title: str,
    caption: str,
    *,
    key: str,
    source: str,
    show_data: bool = False,
) -> None:
    """A chart, its caption and its data (already made safe by queries) to download."""
    exhibit.figure(
        fig,
        data,
        name=f"{name}-{place.code}-{year}",
        caption=f"{caption} Source: {source}.",
        title=f"{title}: {place.name}",
        source=source,
        key=key,
        show_data=show_data,
    )


shares = deaths_by_setting.shares(place, year, compare)
if shares.is_empty() or shares["value"].is_null().all():
    st.info(
        f"No death figures are loaded for {place.name} in {year}: record-level deaths, an ICB "
        "dashboard extract or a Fingertips End of Life Care extract covering it would give "
        "them (see Data & methods)."
    )
    st.stop()
comparator = str(shares["comparator"][0])
source = exhibit.source_line(shares)
diupr_rows = shares.filter(pl.col("measure") == MeasureKey.USUAL_RESIDENCE)
diupr = diupr_rows.row(0, named=True) if not diupr_rows.is_empty() else None
if diupr is not None:
    reference = diupr["benchmark_value"]
    st.metric(
        f"Deaths in usual place of residence, {year}",
        "*" if diupr["value"] is None else f"{diupr['value']:.1f}%",
        None if place.is_england or reference is None else f"{comparator} {reference:.1f}%",
        delta_color="off",
        delta_arrow="off",
        help=deaths_by_setting.definition(MeasureKey.USUAL_RESIDENCE),
    )
if diupr is not None and diupr["value"] is not None:
    compared = BENCHMARK_TEXT[diupr["benchmark"]].format(benchmark=comparator)
    against = "" if place.is_england else f"; {compared[0].lower()}{compared[1:]}"
    st.caption(f"95% CI {diupr['lower']:.1f} to {diupr['upper']:.1f}{against}.")

st.subheader(f"Where people died, {year}")
table = shares.select(
    *[pl.col(k).alias(v) for k, v in TABLE.items()],
    pl.col("benchmark_value").alias(f"{comparator} %"),
    pl.col("benchmark").alias(f"Compared with {comparator}"),
    *(
        [pl.col("source_note").alias("Other sources")]
        if shares["source_note"].is_not_null().any()
        else []
    ),
).with_columns(pl.col(pl.Float64).round(1))
section(
    deaths_by_setting_charts.share_bars(
        shares, title=f"{place.name}: % of deaths by place of death, {year}", comparator=comparator
    ),
    table,
    "deaths-by-setting",
    f"Deaths by place of death, {year}",
    f"Share of all deaths registered in {year} by place of death, with 95% confidence "
    f"intervals; colour and pattern compare each share with {comparator} (black tick). Usual "
    "place of residence is home plus care home (Fingertips' DiUPR; higher is better); the "
    "places of death make no judgement (higher or lower, as Fingertips shows them).",
    key="settings",
    source=source,
    show_data=True,
)

setting = st.selectbox(
    "Setting for the trend, peers and map",
    [k for k in deaths_by_setting.SHARE_KEYS if k in shares["measure"].to_list()],
    format_func=deaths_by_setting.LABELS.__getitem__,
    key="setting_choice",
)
label = deaths_by_setting.LABELS[setting]

st.subheader("Trend")
trends = deaths_by_setting.trends(place, compare)
section(
    deaths_by_setting_charts.trend_grid(
        trends, title=f"{place.name}: % of deaths by setting each year", place=place.name
    ),
    trends.select("area", "year", "setting", *list(TABLE)[1:]),
    "settings-trend",
    "Deaths by setting, each year",
    f"Each panel is one setting's share of deaths by year of registration: {place.name} "
    f"with its 95% interval (shaded), {comparator} dashed.",
    key="trend",
    source=exhibit.source_line(trends),
)

st.subheader(f"{label}: {place.name} among its peers, {year}")
peers = deaths_by_setting.peer_shares(place, year, compare, setting)
if peers.is_empty():
    st.info("England has no peers to compare with; pick an area in the sidebar.")
else:
    group = f"{LEVEL_BY_KEY[place.level].plural} in {peers['peer_group'][0]}"
    own = peers.filter(pl.col("is_selected"))
    figure = charts.benchmark_bars(
        peers,
        category="label",
        title=f"{label}: {group}, {year}",
        benchmark_name=comparator,
        benchmark_value=peers["benchmark_value"][0],
        highlight=None if own.is_empty() else own["label"][0],
    )
    hidden = peers["value"].null_count()
    section(
        deaths_by_setting_charts.legend_on_top(figure),
        peers.select("area_code", "area_name", *list(TABLE)[1:], "benchmark"),
        f"peers-{setting}",
        f"{label} among peers, {year}",
        f"{label} as a % of deaths for every one of the {group} (outlined: {place.name}), with "
        f"95% intervals, coloured by comparison with {comparator} (dashed line), as Fingertips "
        f"does.{f' {hidden} with hidden small counts are not drawn.' if hidden else ''}",
        key="peers",
        source=exhibit.source_line(peers),
    )

st.subheader(f"By cause of death, {year}")
causes = deaths_by_setting.by_cause(place, year)
if causes.is_empty():
    st.info(
        "Place of death by cause needs record-level deaths (`peolc load deaths`): the "
        "published extracts loaded do not split place of death by cause."
    )
else:
    section(
        charts.stacked_shares(
            causes, category="cause", title=f"{place.name}: place of death by cause group, {year}"
        ),
        causes.select("cause", *TABLE),
        "settings-by-cause",
        f"Deaths by setting and cause, {year}",
        "Share of each cause group's deaths by place of death (underlying cause, Etkind et al. "
        "2017 groups). Segments whose counts are hidden to protect confidentiality are drawn "
        "together as one hatched grey segment, so every bar reads as 100%; they are blank in "
        "the download. Intervals are in the download.",
        key="cause",
        source=exhibit.source_line(causes),
    )

st.subheader(f"Map: {label}, {year}")
shapes, values, level = deaths_by_setting.map_of(place, year, compare, setting)
if shapes.is_empty():
    st.info(
        f"Boundaries for {LEVEL_BY_KEY[level].plural} are not loaded, so there is no map. "
        "Boundaries exist for NHS regions, ICBs, sub-ICB locations and local authorities."
    )
else:
    notes = exhibit.map_notes(shapes)
    section(
        charts.choropleth(
            shapes,
            values.select("area_code", "value"),
            title=f"{label}, % of deaths, {year}",
            colour_label="%",
            highlight=place.code,
            notes=notes,
        ),
        values.select("area_code", "area_name", *list(TABLE)[1:]),
        f"map-{setting}",
        f"{label} by area, {year}",
        f"{label} as a % of deaths in each of the {LEVEL_BY_KEY[level].plural} shown "
        f"(outlined: {place.name}); blank where counts are hidden or no source covers the "
        f"area. {' '.join(notes)}",
        key="map",
        source=exhibit.source_line(values),
    )
