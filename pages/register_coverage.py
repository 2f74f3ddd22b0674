"""Register coverage: the GP palliative care register against expected palliative need."""

from __future__ import annotations

import polars as pl
import streamlit as st

from peolc.vocabulary import LEVEL_BY_KEY, NEED_SHARE_OF_DEATHS, NEED_SHARE_OF_LIST
from queries import registers, warehouse_info
from queries.measures import DEATHS_SOURCE, MEASURE_BY_KEY
from ui import charts, downloads, missing, selection
from ui import register_charts as rcharts

chosen = selection.current()
place, year, compare = chosen.place, chosen.year, chosen.compare
synthetic = warehouse_info.is_synthetic()
QOF = registers.QOF_SOURCE
st.title(f"Register coverage: {place.name}")
st.caption(f"{place.level_label} · {place.code}")
st.markdown(
    "**Expected palliative care need**, best estimate first: (1) people who died in the year "
    "of a cause that indicates palliative care need (Etkind et al. 2017: cancer, organ "
    "failure, dementia, frailty, some neurological conditions, HIV; the ICD-10 list is on "
    "Data & methods), from record-level deaths; (2) where only counts of deaths exist, "
    f"about {NEED_SHARE_OF_DEATHS:.0%} of all deaths; (3) for a practice list, the rule of "
    f"thumb of {NEED_SHARE_OF_LIST:.0%} of registered patients. The QOF register counts "
    "people alive on 31 March, so it is compared with a year's need, not matched to it."
)
if year is None:
    st.info("The warehouse has no deaths, population or QOF data yet.")
    st.stop()

st.subheader("Palliative care register")
if not registers.has_registers(place):
    st.info(
        "QOF registers are published by GP practice, and practices belong to NHS areas, not "
        "local authorities. Pick an NHS region, ICB, sub-ICB location, PCN or practice to "
        "see the register; identification before death is shown below."
    )
elif missing.require("qof"):
    own = registers.summary(place, year, compare).row(0, named=True)
    fy = f"{own['qof_year']}-{(own['qof_year'] + 1) % 100:02d}"
    cols = st.columns(4)
    cols[0].metric(f"On the register, {fy}", own["register_shown"] or "n/a")
    cols[1].metric(
        "Prevalence (% of list)",
        "n/a" if own["value"] is None else f"{own['value']:.2f}%",
        None
        if place.is_england or own["benchmark_value"] is None
        else f"{own['comparison']} ({own['benchmark_value']:.2f}%)",
        delta_color="off",
        delta_arrow="off",
    )
    cols[2].metric(f"Deaths with palliative need, {year}", own["with_need_shown"] or "n/a")
    cols[3].metric(f"{NEED_SHARE_OF_LIST:.0%} of the list", f"{own['expected_list'] or 0:,}")
    st.caption(
        f"QOF {fy} palliative care register (PC) and list size of the "
        f"{own['practices'] or 0} practice(s) in {place.name}; prevalence with its Wilson 95% "
        f"interval, compared with {own['comparator']}. "
        + (
            f"The register holds {own['register_vs_need']:.0f}% as many people as died with "
            f"palliative need in {year} and {own['register_vs_list']:.0f}% of the 1% rule. "
            if own["register_vs_need"] is not None
            else "Deaths with palliative need come from record-level deaths (not loaded). "
        )
        + f"Sources: {QOF}; {DEATHS_SOURCE}."
    )

    st.subheader("By area")
    levels = registers.CHILD_LEVELS[place.level]
    child = st.selectbox(
        "Show",
        levels,
        format_func=lambda k: LEVEL_BY_KEY[k].plural[:1].upper() + LEVEL_BY_KEY[k].plural[1:],
        key="register_child_level",
    )
    rows = registers.by_area(place, child, year, compare)
    centre_name = str(rows["comparator"][0]) if rows.height else "England"
    if 0 < rows.height <= 60:
        charts.show(
            rcharts.prevalence_dots(
                rows,
                title=f"Palliative care register, % of list, {fy}",
                benchmark_name=centre_name,
                rule_value=NEED_SHARE_OF_LIST * 100,
                highlight=place.name,
            ),
            f"register-prevalence-{place.code}-{child}-{fy}",
            key="register_dots",
        )
        st.caption(
            f"Each dot is one of the {LEVEL_BY_KEY[child].plural} with its 95% interval, "
            f"coloured by comparison with {centre_name} (dashed line). The dotted line is the "
            f"{NEED_SHARE_OF_LIST:.0%} rule of thumb. Source: {QOF}."
        )
    elif rows.height:
        st.caption(
            f"{rows.height} {LEVEL_BY_KEY[child].plural}: too many to draw one by one; "
            "the table and the funnel plot below show them."
        )
    table = rows.select(
        pl.col("area_name").alias("Area"),
        pl.col("area_code").alias("Code"),
        pl.col("practices").alias("Practices"),
        pl.col("list_size").alias("List size"),
        pl.col("register_shown").alias("On register"),
        pl.col("value").round(2).alias("Prevalence %"),
        pl.col("lower").round(2).alias("Lower 95% CI"),
        pl.col("upper").round(2).alias("Upper 95% CI"),
        pl.col("benchmark").alias(f"Compared with {centre_name}"),
        pl.col("expected_list").alias("1% of list"),
        pl.col("register_vs_list").round(0).alias("Register as % of 1% of list"),
        pl.col("with_need_shown").alias(f"Deaths with need {year}"),
        pl.col("need_from_deaths").alias("75% of deaths"),
        pl.col("register_vs_need").round(0).alias("Register as % of deaths with need"),
    )
    st.dataframe(table, hide_index=True, key="register_table")
    st.caption(
        "Registers, deaths and deaths with need below England are rounded to the nearest 5 "
        "(1-7 shown as *); list sizes are published figures. Deaths are counted by residence "
        "for sub-ICBs and larger areas and by registered practice for PCNs and practices."
    )
    downloads.offer(
        table,
        f"register-by-{child}-{place.code}-{fy}",
        title=f"Palliative care register by {LEVEL_BY_KEY[child].label}: {place.name}",
        source=f"{QOF}; {DEATHS_SOURCE}",
        synthetic=synthetic,
        key="register_table_dl",
    )

    st.subheader("Funnel plot of practices")
    practices = rows if child == "practice" else registers.by_area(place, "practice", year, compare)
    centre_value = practices["benchmark_value"][0] if practices.height else None
    if centre_value is None:
        st.info("No practice in this area has QOF data for this year.")
    else:
        points, limits = registers.funnel(practices, float(centre_value))
        charts.show(
            rcharts.practice_funnel(
                points,
                limits,
                centre=float(centre_value),
                centre_name=centre_name,
                title=f"Practices: register prevalence by list size, {fy}",
                highlight=place.code if place.level == "practice" else None,
            ),
            f"register-funnel-{place.code}-{fy}",
            key="register_funnel",
        )
        hidden = points.filter(pl.col("flag") == "not assessed").height
        st.caption(
            f"Each point is a practice; the lines are the 95% and 99.8% limits around "
            f"{centre_name}'s prevalence ({float(centre_value):.2f}%). A practice outside the "
            "99.8% limits differs by more than chance would explain: check how it codes the "
            "register. "
            + (
                f"{hidden} practices with a hidden register (1-7 people) are not drawn. "
                if hidden
                else ""
            )
            + f"Source: {QOF}."
        )
        outside = points.filter(
            pl.col("flag").is_in(["above_998", "below_998", "above_95", "below_95"])
        )
        funnel_table = points.select(
            pl.col("area_name").alias("Practice"),
            pl.col("area_code").alias("Code"),
            pl.col("list_size").alias("List size"),
            pl.col("register_shown").alias("On register"),
            pl.col("value").round(2).alias("Prevalence %"),
            pl.col("funnel_label").alias("Funnel (PHE label)"),
        )
        assessed = points.height - hidden
        st.markdown(
            f"**{outside.height} of {assessed} practices are outside the 95% limits.** "
            + (
                "Chance alone would put about 1 in 20 there: when many more are, practices differ "
                "in how they keep the register, so read the flags as prompts to look, not verdicts."
                if assessed and outside.height > 0.1 * assessed
                else ""
            )
        )
        downloads.offer(
            funnel_table,
            f"register-funnel-{place.code}-{fy}",
            title=f"Practice register prevalence funnel: {place.name}",
            source=QOF,
            synthetic=synthetic,
            key="register_funnel_dl",
        )

st.subheader("People with palliative need identified before death")
if missing.require("deaths"):
    measure = MEASURE_BY_KEY["need_identified"]
    rate = registers.identification(place, year, compare).row(0, named=True)
    st.metric(
        f"Identified before death, {year}",
        "n/a" if rate["value"] is None else f"{rate['value']:.1f}%",
        None
        if place.is_england or rate["benchmark_value"] is None
        else f"{rate['comparison']} ({rate['benchmark_value']:.1f}%)",
        delta_color="off",
        delta_arrow="off",
    )
    st.caption(
        f"{measure.definition} {rate['numerator_shown']} of {rate['denominator_shown']} people; "
        + ("" if rate["lower"] is None else f"95% CI {rate['lower']:.1f}-{rate['upper']:.1f}%. ")
        + f"Source: {DEATHS_SOURCE}."
    )
    causes = registers.identification_by_cause(place, year, compare)
    charts.show(
        rcharts.identification_bars(
            causes,
            title=f"Identified before death by cause, {year}",
            benchmark_name=str(rate["comparator"]),
        ),
        f"identified-by-cause-{place.code}-{year}",
        key="register_causes",
    )
    st.caption(
        "Share of people who died with palliative need who were on the register before "
        f"death, by cause group (95% intervals); diamonds: {rate['comparator']} for the same "
        "group, which sets the bar colour (Fingertips colours). Cause groups whose counts are "
        f"hidden are not drawn. Source: {DEATHS_SOURCE}."
    )
    downloads.offer(
        causes,
        f"identified-by-cause-{place.code}-{year}",
        title=f"Identified before death by cause: {place.name}, {year}",
        source=DEATHS_SOURCE,
        synthetic=synthetic,
        key="register_causes_dl",
    )

    st.subheader("How long before death people were added")
    bands, timing = registers.timing(place, year)
    if timing.is_empty():
        st.info(f"Nobody with palliative need who died in {year} has a register date here.")
    else:
        charts.show(
            rcharts.timing_bands(
                bands,
                title=f"Time on the register before death, {year}",
                bands=registers.TIMING_BANDS,
            ),
            f"register-timing-{place.code}-{year}",
            key="register_timing",
        )
        st.dataframe(
            timing.select(
                pl.col("label").alias("Cause group"),
                pl.col("dated_shown").alias("People with a register date"),
                pl.col("q1_days").alias("Lower quartile (days)"),
                pl.col("median_days").alias("Median (days)"),
                pl.col("q3_days").alias("Upper quartile (days)"),
            ),
            hide_index=True,
            key="register_timing_table",
        )
        st.caption(
            "Time from being added to the palliative care register to death, for people with "
            "palliative need who were on it. Additions in the last month of life leave little "
            "time to plan care. Bands of 1-7 people are hidden, so a small group's bar can be "
            "blank; quartiles are hidden where the group's count is. "
            f"Source: {DEATHS_SOURCE}."
        )
        quartiles = timing.select("cause_group", "q1_days", "median_days", "q3_days")
        downloads.offer(
            bands.join(quartiles, on="cause_group", how="left"),
            f"register-timing-{place.code}-{year}",
            title=f"Time on the register before death: {place.name}, {year}",
            source=DEATHS_SOURCE,
            synthetic=synthetic,
            key="register_timing_dl",
        )
