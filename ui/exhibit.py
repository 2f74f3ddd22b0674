"""A figure or table with its caption and downloads: the unit every page section repeats.

Every chart and table offers its data as CSV and Excel (labelled synthetic when the
warehouse is) and carries a caption saying what it means and where it comes from; doing
the three in one call keeps pages short and keeps any from being forgotten.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from peolc.measures import SOURCE_NAMES, SOURCE_PRECEDENCE
from queries import maps, warehouse_info
from ui import charts, downloads
from ui.banner import SYNTHETIC_LABEL


def figure(
    fig: go.Figure,
    data: pl.DataFrame,
    *,
    name: str,
    caption: str,
    title: str,
    source: str,
    key: str,
    show_data: bool = False,
) -> None:
    """Draw ``fig`` (with PNG export), its caption, and ``data`` as CSV and Excel.

    ``show_data`` also shows ``data`` as a table under the caption, for figures whose
    numbers people read off (a table of the bars with their intervals).
    """
    charts.show(fig, name, key=key)
    st.caption(caption)
    if show_data:
        _dataframe(data, key=f"{key}_table")
    _offer(data, name, title, source, key)


def table(
    data: pl.DataFrame,
    *,
    name: str,
    caption: str,
    title: str,
    source: str,
    key: str,
) -> None:
    """Show ``data`` as a table, its caption, and the same rows as CSV and Excel."""
    _dataframe(data, key=key)
    st.caption(caption)
    _offer(data, name, title, source, key)


BLANK_NOTE = (
    "Blank cells: hidden to protect confidentiality (the count is shown as *), or not "
    "published by the source."
)


def _dataframe(data: pl.DataFrame, *, key: str) -> None:
    """A table whose missing numbers are blank (not 'None'), with a footnote saying why."""
    # as Arrow: Streamlit sends an Arrow table as it is, other frames through pandas
    st.dataframe(data.to_arrow(), hide_index=True, key=key, placeholder="")
    if any(data[c].null_count() for c in data.columns):
        st.caption(BLANK_NOTE)


def _offer(data: pl.DataFrame, name: str, title: str, source: str, key: str) -> None:
    synthetic = warehouse_info.is_synthetic()
    downloads.offer(data, name, title=title, source=source, synthetic=synthetic, key=f"{key}_dl")


def source_line(*frames: pl.DataFrame) -> str:
    """The sources of the rows of ``frames``, in order of precedence, for a caption."""
    names = {
        name
        for frame in frames
        if "source" in frame.columns
        for name in frame["source"].drop_nulls().unique().to_list()
    }
    ordered = [SOURCE_NAMES[k] for k in SOURCE_PRECEDENCE if SOURCE_NAMES[k] in names]
    return "; ".join(ordered + sorted(names - set(ordered))) or "none loaded for this selection"


def map_notes(shapes: pl.DataFrame) -> tuple[str, ...]:
    """The lines a map carries under it and in its caption: the synthetic label when the
    data are synthetic, and what the shapes are (ONS's attribution, or generated)."""
    label = (f"{SYNTHETIC_LABEL}: the figures are generated.",)
    return (*(label if warehouse_info.is_synthetic() else ()), *maps.attribution(shapes))
