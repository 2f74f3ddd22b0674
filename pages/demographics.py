"""Demographics: population by age and sex, older-age shares, deprivation and deaths by age."""

from __future__ import annotations

import polars as pl
import streamlit as st

import pages
from peolc.levels import APPORTIONED_NOTE, ENGLAND, POPULATION_BASE_BY_KIND
from peolc.measures import DEATHS_SOURCE
from queries import demographics, sources
from ui import charts, exhibit, missing, selection
from ui import demographics_charts as dc


def _sentence(text: str) -> str:
    """``text`` with a capital first letter, the rest as written (ONS stays ONS)."""
    return text[:1].upper() + text[1:]


pages.through_entry_point()
chosen = selection.current()
place, year = chosen.place, chosen.year
POPULATION = "ONS population estimates or NHS England registered patients, as loaded"
IMD_SOURCE = "ONS small-area population estimates; MHCLG English Indices of Deprivation 2019"
st.title(f"Demographics: {place.name}")
st.caption(
    f"{place.level_label} · {place.code}. Residents (ONS estimates for small areas, districts "
    "or sub-ICB locations) and registered patients (GP lists) are different populations: "
    "lists include people living elsewhere and people who have moved away."
)

st.subheader("Population by age and sex")
kinds = demographics.place_bases(place)
chosen_basis = None  # the place's best base
if len(kinds) > 1:
    picked = st.radio(
        "Count the population as",
        kinds,
        format_func=lambda kind: _sentence(POPULATION_BASE_BY_KIND[kind].short),
        horizontal=True,
        key="demo_basis",
        help="ONS residents (where people live) or patients on the area's GP lists: both "
        "are published for NHS areas and differ. The first is the one other pages use.",
    )
    chosen_basis = None if picked == kinds[0] else picked
pyramid = demographics.pyramid(place, year, basis=chosen_basis)
own = pyramid.filter(pl.col("area") == "place")
basis = demographics.BASIS_TEXT.get(str(demographics.basis_of(own)), "not loaded")
if demographics.basis_of(own) in demographics.estimated_bases(place):
    basis += f" ({APPORTIONED_NOTE})"
if own.is_empty():
    loaded = [demographics.BASIS_TEXT[k] for k in demographics.bases()["base_kind"]]
    st.info(
        f"No population is attributed to {place.name} ({place.level_label}). "
        + (
            f"The warehouse holds only {', '.join(loaded)}, which do not fit this level. "
            if loaded
            else ""
        )
        + sources.missing_message("population")
    )
else:
    england = pyramid.filter(pl.col("area") == "England")
    pop_year = int(own["year"][0])
    exhibit.figure(
        charts.pyramid(
            own,
            None if england.is_empty() else england,
            title=f"{place.name}: % of population by age and sex, {pop_year}",
        ),
        pyramid,
        name=f"population-pyramid-{place.code}-{pop_year}",
        key="demo_pyramid",
        caption="Share of the whole population in each five-year band (males left, females "
        f"right). {place.name}: {basis}, {pop_year}."
        + (
            ""
            if england.is_empty()
            else " England (outline): "
            f"{demographics.BASIS_TEXT[str(england['basis'][0])]}, {int(england['year'][0])}."
        )
        + f" Source: {POPULATION}.",
        title=f"Population by age and sex: {place.name}, {pop_year}",
        source=POPULATION,
    )

    st.subheader("Older people")
    shares = demographics.older_shares(place, basis=chosen_basis)
    now = shares.filter(pl.col("year") == pop_year)
    for column, group in zip(st.columns(2), ("65+", "85+"), strict=True):
        mine = now.filter((pl.col("area") == "place") & (pl.col("group") == group))["percent"]
        ref = now.filter((pl.col("area") == "England") & (pl.col("group") == group))["percent"]
        column.metric(
            f"Aged {group}, {pop_year}",
            f"{float(mine[0]):.1f}%",
            None if ref.is_empty() else f"England {float(ref[0]):.1f}%",
            delta_color="off",
            delta_arrow="off",
        )
    own_years = shares.filter(pl.col("area") == "place")["year"].n_unique()
    if own_years > 1:
        exhibit.figure(
            dc.share_lines(
                shares, title=f"{place.name}: % aged 65+ and 85+", place_name=place.name
            ),
            shares,
            name=f"older-shares-{place.code}",
            key="demo_older",
            caption="Share of the population aged 65 and over and 85 and over each year "
            "(England dashed); older populations need more palliative care. Basis: "
            f"{basis}. Source: {POPULATION}.",
            title=f"Aged 65+ and 85+: {place.name}",
            source=POPULATION,
        )
    else:  # one year loaded: a trend of one point says nothing, the table says it all
        exhibit.table(
            dc.share_table(shares, place_name=place.name, basis_text=demographics.BASIS_TEXT),
            name=f"older-shares-{place.code}",
            key="demo_older",
            caption=f"Only {pop_year} is loaded for this population ({basis}), so there is "
            "no trend to draw: the shares aged 65+ and 85+ of the place and England. "
            f"Source: {POPULATION}.",
            title=f"Aged 65+ and 85+: {place.name}",
            source=POPULATION,
        )

st.subheader("Population by deprivation")
imd = demographics.imd_profile(place, year)
if imd.is_empty():
    st.info(
        "The population by IMD decile needs small-area (LSOA) population estimates: this "
        f"place's population is {basis}."
        + (
            ""
            if own.is_empty()
            else " Load ONS small-area estimates (MYEB1-style rows whose geography is LSOA) "
            "with `peolc load population FILE` (docs/data-formats.md)."
        )
    )
elif missing.require("imd"):
    imd_year = int(imd["year"][0])
    bars = imd.with_columns(
        pl.col("imd_decile").cast(pl.String).fill_null("unknown"), pl.col("percent").alias("value")
    )
    exhibit.figure(
        dc.reference_bars(
            bars,
            category="imd_decile",
            reference="england_percent",
            title=f"{place.name}: % of residents by IMD decile, {imd_year}",
            x_title="IMD 2019 decile (1 = most deprived)",
            y_title="% of residents",
        ),
        imd,
        name=f"population-imd-{place.code}-{imd_year}",
        key="demo_imd",
        caption="Residents by the deprivation decile of the LSOA they live in (IMD 2019, "
        "1 = most deprived tenth of England); England's shares as diamonds. People in deprived "
        f"areas die younger, often with more complex needs. Sources: {IMD_SOURCE}.",
        title=f"Residents by IMD decile: {place.name}, {imd_year}",
        source=IMD_SOURCE,
    )

st.subheader("Deaths by age")
if missing.require("deaths") and year is not None:
    banding = st.radio(
        "Age bands",
        list(demographics.BANDINGS),
        format_func={"broad": "Broad (0-64, 65-74, 75-84, 85+)", "five_year": "Five-year"}.get,
        horizontal=True,
        key="demo_banding",
    )
    by_age = demographics.deaths_by_age(place, banding)
    this_year = by_age.filter(pl.col("year") == year)
    if not place.is_england:
        england_deaths = demographics.deaths_by_age(ENGLAND, banding)
        reference = england_deaths.filter(pl.col("year") == year)
        this_year = this_year.join(
            reference.select("age_band", pl.col("value").alias("england")),
            on="age_band",
            how="left",
        )
    table = by_age.select(
        "year", "age_band", "deaths_shown", "total_shown", "value", "lower", "upper"
    )
    total = this_year["total_shown"][0] if this_year.height else "no"
    exhibit.figure(
        dc.reference_bars(
            this_year,
            category="age_band",
            reference="england",
            error=True,
            title=f"{place.name}: % of deaths by age, {year}",
            x_title="Age at death",
            y_title="% of deaths (95% CI)",
        ),
        table.filter(pl.col("year") == year),
        name=f"deaths-by-age-{place.code}-{year}",
        key="demo_deaths_age",
        caption=f"Share of the {total} deaths registered in {year} in each age band, with 95% "
        "intervals; England as diamonds. Deaths count by residence (by registered practice "
        f"for PCNs and practices). Source: {DEATHS_SOURCE}.",
        title=f"Deaths by age: {place.name}, {year}",
        source=DEATHS_SOURCE,
    )
    hidden = by_age.filter(pl.col("deaths").is_null()).height
    exhibit.figure(
        dc.stacked_counts(
            by_age.rename({"deaths": "count"}),
            stack="age_band",
            order=list(demographics.BANDINGS[banding]),
            title=f"{place.name}: deaths a year by age",
            y_title="Deaths",
        ),
        table,
        name=f"deaths-by-age-trend-{place.code}",
        key="demo_deaths_trend",
        caption="Deaths registered each year, stacked by age band; below England, counts are "
        "rounded to the nearest 5"
        + (f" and {hidden} small counts (1-7) are hidden and left out." if hidden else ".")
        + f" Source: {DEATHS_SOURCE}.",
        title=f"Deaths a year by age: {place.name}",
        source=DEATHS_SOURCE,
    )
