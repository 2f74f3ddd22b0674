"""Data & methods: what is loaded, how every figure is defined, the standardised data set
of the selected place, and the disclosure rule."""

from __future__ import annotations

import streamlit as st

import pages
from queries import methods, runner, warehouse_info
from queries.stats import disclosure
from ui import downloads, selection

pages.through_entry_point()
place = selection.current().place

synthetic = warehouse_info.is_synthetic()
meta = runner.meta()
st.title("Data & methods")
if synthetic:
    st.warning(
        "This warehouse holds **synthetic demo data** made by `peolc demo` "
        f"(seed {meta.get('demo_seed', '?')}): real area codes and names, invented figures. "
        "Load real data with `peolc open-data` and `peolc load`."
    )

st.header("Sources loaded")
log = methods.load_log()
st.dataframe(
    log.select(
        "load_id",
        "kind",
        "file_name",
        "layout",
        "rows_read",
        "rows_loaded",
        "rows_rejected",
        "loaded_at",
        "synthetic",
        "notes",
    ),
    hide_index=True,
)
st.caption(
    f"Warehouse built {meta.get('built_at', '?')} UTC by peolc-needs "
    f"{meta.get('tool_version', '?')} (build {meta.get('build_id', '?')[:12]}). A file loaded "
    "twice is skipped; a failed load changes nothing. sha256 of each file is in the download."
)
downloads.offer(
    log,
    "load-log",
    title="Load log",
    source="warehouse load_log table",
    synthetic=synthetic,
    key="load-log",
)
rejected = methods.rejects()
if rejected.is_empty():
    st.caption("No rows were set aside: every load was complete.")
else:
    st.subheader("Rows set aside by lenient loads")
    st.dataframe(rejected, hide_index=True)

st.header("Measures")
definitions = methods.measure_definitions()
st.dataframe(definitions, hide_index=True)
downloads.offer(
    definitions,
    "measure-definitions",
    title="Measure definitions",
    source="peolc/measures.py",
    synthetic=False,
    key="definitions",
)

st.subheader("Causes of death that indicate palliative care need")
st.markdown(
    "Expected palliative need follows Etkind et al. (2017), *How many people will need "
    "palliative care in 2040?* (BMC Medicine 15:102): deaths whose underlying cause is in "
    "these ICD-10 ranges. Where only counts of deaths exist, about 75% of deaths; for a GP "
    "practice, about 1% of the list is a common rule of thumb."
)
st.dataframe(methods.cause_groups(), hide_index=True)

st.header("The standardised data set")
st.markdown(
    f"Every indicator value for **{place.name}** ({place.level_label}, {place.code}): every "
    "year with figures, every breakdown, one row per period, indicator and group, with its "
    "counts, value, 95% and 99.8% limits, source and whether the source is restricted; "
    "and a data dictionary naming every column, indicator and breakdown. Counts are those "
    "the pages show: hidden counts are blank, with `suppressed` true. The same files as "
    f"`peolc export dataset {place.code} --format xlsx|csv|json --out DIR` (choose the "
    "place in the sidebar)."
)
downloads.offer_dataset(place, synthetic)

st.header("Statistical methods")
for name, text in methods.METHODS:
    st.markdown(f"**{name}.** {text}")
st.caption("Formulas, sources and agreement with published figures: docs/statistics.md.")

st.header("Small numbers (disclosure control)")
st.markdown(disclosure.RULE_TEXT)

st.header("Warehouse tables")
st.dataframe(methods.tables(), hide_index=True)
st.caption(
    "Open data: Contains public sector information licensed under the Open Government "
    "Licence v3.0 (ONS, OHID/Fingertips, NHS England, MHCLG); boundaries contain OS data "
    "© Crown copyright and database right."
)
