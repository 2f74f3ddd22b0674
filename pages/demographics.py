"""Demographics: population by age and sex, older-age shares, deprivation and deaths by age."""

from __future__ import annotations

import polars as pl
import streamlit as st

from peolc.vocabulary import AGE_BANDS_5Y
from queries import demographics, sources, warehouse_info
from queries.measures import DEATHS_SOURCE
from ui import charts, downloads, missing, selection
from ui import demographics_charts as dcharts

chosen = selection.current()
place, year = chosen.place, chosen.year
synthetic = warehouse_info.is_synthetic()
POPULATION_SOURCE = "ONS population estimates or NHS England registered patients, as loaded"
st.title(f"Demographics: {place.name}")
st.caption(f"{place.level_label} · {place.code}")

st.subheader("Population by age and sex")
pyramid = demographics.pyramid(place, year)
own = pyramid.filter(pl.col("area") == "place")
basis = demographics.BASIS_TEXT.get(str(demographics.basis_of(own)), "not loaded")
if own.is_empty():
    loaded = ", ".join(
        demographics.BASIS_TEXT[k] for k in demographics.bases()["base_kind"].to_list()
    )
    st.info(
        f"No population is attributed to {place.name} ({place.level_label}). "
        + (f"The warehouse holds only {loaded}, which do not fit this level. " if loaded else "")
        + sources.missing_message("population")
    )
else:
    england = pyramid.filter(pl.col("area") == "England")
    pop_year = int(own["year"][0])
    charts.show(
        charts.pyramid(
            own,
            None if england.is_empty() else england,
            title=f"{place.name}: % of population by age and sex, {pop_year}",
        ),
        f"pyramid-{place.code}-{pop_year}",
        key="demo_pyramid",
    )
    england_note = (
        ""
        if england.is_empty()
        else f" England (outline): {demographics.BASIS_TEXT[str(england['basis'][0])]}, "
        f"{int(england['year'][0])}."
    )
    st.caption(
        f"Each bar is the share of the whole population (males left, females right) in a "
        f"five-year band. Population basis: {basis}, {pop_year}.{england_note} "
        f"Source: {POPULATION_SOURCE}."
    )
    downloads.offer(
        pyramid,
        f"population-pyramid-{place.code}-{pop_year}",
        title=f"Population by age and sex: {place.name}, {pop_year}",
        source=POPULATION_SOURCE,
        synthetic=synthetic,
        key="demo_pyramid_dl",
    )

    st.subheader("Older people")
    shares = demographics.older_shares(place)
    now = shares.filter(pl.col("year") == pop_year)
    columns = st.columns(2)
    for column, group in zip(columns, ("65+", "85+"), strict=True):
        mine = now.filter((pl.col("area") == "place") & (pl.col("group") == group))
        ref = now.filter((pl.col("area") == "England") & (pl.col("group") == group))
        column.metric(
            f"Aged {group}, {pop_year}",
            f"{float(mine['percent'][0]):.1f}%",
            None if ref.is_empty() else f"England {float(ref['percent'][0]):.1f}%",
            delta_color="off",
            delta_arrow="off",
        )
    charts.show(
        dcharts.share_lines(
            shares, title=f"{place.name}: % aged 65+ and 85+", place_name=place.name
        ),
        f"older-shares-{place.code}",
        key="demo_older",
    )
    st.caption(
        "Share of the population aged 65 and over and 85 and over each year (England "
        f"dashed). Older populations need more palliative care. Basis: {basis}. "
        f"Source: {POPULATION_SOURCE}."
    )
    downloads.offer(
        shares,
        f"older-shares-{place.code}",
        title=f"Aged 65+ and 85+: {place.name}",
        source=POPULATION_SOURCE,
        synthetic=synthetic,
        key="demo_older_dl",
    )

st.subheader("Population by deprivation")
imd = demographics.imd_profile(place, year)
if imd.is_empty():
    st.info(
        "The population by IMD decile needs small-area (LSOA) population estimates: this "
        f"place's population is {basis}. " + sources.missing_message("population")
    )
elif missing.require("imd"):
    imd_year = int(imd["year"][0])
    shown = imd.with_columns(
        pl.col("imd_decile").cast(pl.String).fill_null("unknown"), pl.col("percent").alias("value")
    )
    charts.show(
        dcharts.reference_bars(
            shown,
            category="imd_decile",
            reference="england_percent",
            title=f"{place.name}: % of residents by IMD decile, {imd_year}",
            x_title="IMD 2019 decile (1 = most deprived)",
            y_title="% of residents",
        ),
        f"population-imd-{place.code}-{imd_year}",
        key="demo_imd",
    )
    st.caption(
        "Residents by the deprivation decile of the LSOA they live in (Index of Multiple "
        "Deprivation 2019, 1 = most deprived 10% of England); England's shares as diamonds. "
        "Deprived areas have more people dying younger and with more complex needs. "
        "Sources: ONS small-area population estimates; MHCLG IMD 2019."
    )
    downloads.offer(
        imd,
        f"population-imd-{place.code}-{imd_year}",
        title=f"Residents by IMD decile: {place.name}, {imd_year}",
        source="ONS LSOA population estimates; MHCLG IMD 2019",
        synthetic=synthetic,
        key="demo_imd_dl",
    )

st.subheader("Deaths by age")
if missing.require("deaths") and year is not None:
    banding = st.radio(
        "Age bands",
        list(demographics.BANDINGS),
        horizontal=True,
        format_func={
            "broad": "Broad (0-64, 65-74, 75-84, 85+)",
            "five_year": "Five-year",
        }.__getitem__,
        key="demo_banding",
    )
    by_age = demographics.deaths_by_age(place, banding)
    this_year = by_age.filter(pl.col("year") == year)
    if not place.is_england:
        england = demographics.deaths_by_age(demographics.ENGLAND, banding)
        this_year = this_year.join(
            england.filter(pl.col("year") == year).select(
                "age_band", pl.col("value").alias("england")
            ),
            on="age_band",
            how="left",
        )
    charts.show(
        dcharts.reference_bars(
            this_year,
            category="age_band",
            reference="england",
            error=True,
            title=f"{place.name}: % of deaths by age, {year}",
            x_title="Age at death",
            y_title="% of deaths (95% CI)",
        ),
        f"deaths-by-age-{place.code}-{year}",
        key="demo_deaths_age",
    )
    st.caption(
        f"Share of the {this_year['total_shown'][0] if this_year.height else 0} deaths "
        f"registered in {year} in each age band, with 95% intervals; England as diamonds. "
        "Deaths are counted by residence (by registered practice for PCNs and practices). "
        f"Source: {DEATHS_SOURCE}."
    )
    order = list(demographics.BANDINGS[banding])
    charts.show(
        dcharts.stacked_counts(
            by_age.rename({"deaths": "count"}),
            stack="age_band",
            order=order,
            title=f"{place.name}: deaths a year by age",
            y_title="Deaths",
        ),
        f"deaths-by-age-trend-{place.code}",
        key="demo_deaths_trend",
    )
    hidden = by_age.filter(pl.col("deaths").is_null()).height
    st.caption(
        "Deaths registered each year, stacked by age band."
        + (f" {hidden} small counts are hidden (*) and left out of the bars." if hidden else "")
        + " Counts below England are rounded to the nearest 5. "
        f"Source: {DEATHS_SOURCE}."
    )
    downloads.offer(
        by_age.select("year", "age_band", "deaths_shown", "total_shown", "value", "lower", "upper"),
        f"deaths-by-age-{place.code}",
        title=f"Deaths by age: {place.name}",
        source=DEATHS_SOURCE,
        synthetic=synthetic,
        key="demo_deaths_dl",
    )

st.caption(
    f"Five-year bands: {AGE_BANDS_5Y[0]} to {AGE_BANDS_5Y[-1]} (ESP2013). "
    "Residents (LSOA or district estimates) and registered patients (practices, PCNs) are "
    "different populations: lists include people living elsewhere and people who have moved."
)
