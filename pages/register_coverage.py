"""Register coverage: the GP palliative care register against expected palliative need."""

from __future__ import annotations

import polars as pl
import streamlit as st

import pages
from peolc.levels import LEVEL_BY_KEY, LevelKey
from peolc.measures import DEATHS_SOURCE, MEASURE_BY_KEY
from peolc.vocabulary import NEED_SHARE_OF_DEATHS, NEED_SHARE_OF_LIST
from queries import registers
from ui import exhibit, missing, selection
from ui import register_charts as rc

pages.through_entry_point()
chosen = selection.current()
place, year, compare = chosen.place, chosen.year, chosen.compare
QOF, BOTH = registers.QOF_SOURCE, f"{registers.QOF_SOURCE}; {DEATHS_SOURCE}"
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
        f"QOF {fy} palliative care register (PC) and list size of the {own['practices'] or 0} "
        f"practice(s) in {place.name}; prevalence with its Wilson 95% interval, compared with "
        f"{own['comparator']}. "
        + (
            f"The register holds {own['register_vs_need']:.0f}% as many people as died with "
            f"palliative need in {year}, and {own['register_vs_list']:.0f}% of the 1% rule. "
            if own["register_vs_need"] is not None
            else "Deaths with palliative need come from record-level deaths (not loaded). "
        )
        + f"Sources: {BOTH}."
    )

    st.subheader("By area")
    child = st.selectbox(
        "Show",
        registers.CHILD_LEVELS[place.level],
        format_func=lambda k: LEVEL_BY_KEY[k].plural[:1].upper() + LEVEL_BY_KEY[k].plural[1:],
        key="register_child_level",
    )
    plural = LEVEL_BY_KEY[child].plural
    rows = registers.by_area(place, child, year, compare)
    centre = str(rows["comparator"][0]) if rows.height else "England"
    table = rc.area_table(rows, year=year)
    if 0 < rows.height <= 60:
        exhibit.figure(
            rc.prevalence_dots(
                rows,
                title=f"Palliative care register, % of list, {fy}",
                benchmark_name=centre,
                rule_value=NEED_SHARE_OF_LIST * 100,
                highlight=place.name,
            ),
            table.select(table.columns[:9]),
            name=f"register-prevalence-{place.code}-{child}-{fy}",
            key="register_dots",
            caption=f"Each dot is one of the {plural} with its 95% interval, coloured by "
            f"comparison with {centre} (dashed line); dotted line: the 1% rule. Source: {QOF}.",
            title=f"Register prevalence by {LEVEL_BY_KEY[child].label}: {place.name}",
            source=QOF,
        )
    exhibit.table(
        table,
        name=f"register-by-{child}-{place.code}-{fy}",
        key="register_table",
        caption="Deaths and deaths with need below England are rounded to the nearest 5 (1-7 "
        "shown as *); QOF registers and list sizes are open statistics, shown exactly as NHS "
        "England publishes them. Deaths count by "
        "residence for sub-ICBs and larger areas, by registered practice for PCNs and practices.",
        title=f"Palliative care register by {LEVEL_BY_KEY[child].label}: {place.name}",
        source=BOTH,
    )

    st.subheader("Funnel plot of practices")
    practices = (
        rows
        if child == LevelKey.PRACTICE
        else registers.by_area(place, LevelKey.PRACTICE, year, compare)
    )
    centre_value = practices["benchmark_value"][0] if practices.height else None
    if centre_value is None:
        st.info("No practice in this area has QOF data for this year.")
    else:
        points, limits = registers.funnel(practices, float(centre_value))
        hidden = points.filter(pl.col("flag") == "not assessed").height
        outside = points.filter(
            pl.col("flag").is_in(["above_998", "below_998", "above_95", "below_95"])
        ).height
        exhibit.figure(
            rc.practice_funnel(
                points,
                limits,
                centre=float(centre_value),
                centre_name=centre,
                title=f"Practices: register prevalence by list size, {fy}",
                highlight=place.code if place.level == LevelKey.PRACTICE else None,
            ),
            rc.funnel_table(points),
            name=f"register-funnel-{place.code}-{fy}",
            key="register_funnel",
            caption=f"Each point is a practice; lines: 95% and 99.8% limits around {centre}'s "
            f"prevalence ({float(centre_value):.2f}%). A practice outside the 99.8% limits "
            "differs by more than chance would explain: check how it codes the register. "
            + (
                f"{hidden} practice(s) with a hidden register (1-7) are not drawn. "
                if hidden
                else ""
            )
            + f"Source: {QOF}.",
            title=f"Practice register prevalence funnel: {place.name}",
            source=QOF,
        )
        assessed = points.height - hidden
        st.markdown(
            f"**{outside} of {assessed} practices are outside the 95% limits.** "
            + (
                "Chance alone would put about 1 in 20 there: when many more are, practices "
                "differ in how they keep the register, so read the flags as prompts to look, "
                "not verdicts."
                if assessed >= 20 and outside > 0.1 * assessed
                else ""
            )
        )
        flagged = points.filter(pl.col("flag").is_in(["above_998", "below_998"]))
        with st.expander(f"Practices outside the 99.8% limits ({flagged.height})"):
            exhibit.table(
                rc.funnel_table(flagged.sort("value")),
                name=f"register-funnel-outliers-{place.code}-{fy}",
                key="register_outliers",
                caption=f"Lowest prevalence first. Source: {QOF}.",
                title=f"Practices outside the 99.8% funnel limits: {place.name}",
                source=QOF,
            )

st.subheader("People with palliative need identified before death")
identified = registers.identification(place, year, compare)
if missing.require("deaths") and identified.is_empty():
    st.info(f"No deaths registered in {year} are attributed to {place.name}.")
elif not identified.is_empty():
    rate = identified.row(0, named=True)
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
        f"{MEASURE_BY_KEY['need_identified'].definition} {rate['numerator_shown']} of "
        f"{rate['denominator_shown']} people"
        + ("." if rate["lower"] is None else f"; 95% CI {rate['lower']:.1f}-{rate['upper']:.1f}%.")
        + f" Source: {DEATHS_SOURCE}."
    )
    causes = registers.identification_by_cause(place, year, compare)
    exhibit.figure(
        rc.identification_bars(
            causes,
            title=f"Identified before death by cause, {year}",
            benchmark_name=str(rate["comparator"]),
        ),
        causes,
        name=f"identified-by-cause-{place.code}-{year}",
        key="register_causes",
        caption="People who died with palliative need who were on the register before death, "
        f"by cause group (95% intervals); diamonds: {rate['comparator']} for the same group, "
        "which sets the bar colour (Fingertips colours). Groups whose counts are hidden are "
        f"not drawn. Source: {DEATHS_SOURCE}.",
        title=f"Identified before death by cause: {place.name}, {year}",
        source=DEATHS_SOURCE,
    )

    st.subheader("How long before death people were added")
    bands, timing = registers.timing(place, year)
    if timing.is_empty():
        st.info(f"Nobody with palliative need who died in {year} has a register date here.")
    else:
        quartiles = timing.select("cause_group", "q1_days", "median_days", "q3_days")
        exhibit.figure(
            rc.timing_bands(
                bands,
                title=f"Time on the register before death, {year}",
                bands=registers.TIMING_BANDS,
            ),
            bands.join(quartiles, on="cause_group", how="left"),
            name=f"register-timing-{place.code}-{year}",
            key="register_timing",
            caption="Share of each cause group's people by time from being added to the "
            "register to death. Additions in the last month of life leave little time to plan "
            "care. Bands of 1-7 people are hidden, so a small group's bar can be blank.",
            title=f"Time on the register before death: {place.name}, {year}",
            source=DEATHS_SOURCE,
        )
        exhibit.table(
            rc.timing_table(timing),
            name=f"register-timing-quartiles-{place.code}-{year}",
            key="register_timing_table",
            caption="Median and quartiles of days on the register, hidden where the group's "
            f"count is. Source: {DEATHS_SOURCE}.",
            title=f"Days on the register before death: {place.name}, {year}",
            source=DEATHS_SOURCE,
        )
