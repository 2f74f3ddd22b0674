"""CSV and Excel downloads for every chart and table.

Frames arrive from ``queries`` already through disclosure control; this module only
packages them. Synthetic data are labelled in the file name, in a column on every row
and on the workbook's notes sheet, so a file that leaves the dashboard still says so.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import polars as pl
import streamlit as st
import xlsxwriter

from queries import runner
from queries.stats.disclosure import RULE_TEXT

SYNTHETIC_COLUMN = "data_status"
SYNTHETIC_VALUE = "SYNTHETIC demo data - not real figures"


@dataclass(frozen=True)
class Download:
    """The bytes and names of one table's CSV and Excel files."""

    csv: bytes
    xlsx: bytes
    csv_name: str
    xlsx_name: str


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "table"


def _notes(title: str, source: str, synthetic: bool) -> pl.DataFrame:
    meta = runner.meta()
    rows = [
        ("title", title),
        ("source", source),
        ("data", SYNTHETIC_VALUE if synthetic else "real data as loaded"),
        ("warehouse built", meta.get("built_at", "")),
        ("disclosure control", RULE_TEXT),
        ("tool", f"peolc-needs {meta.get('tool_version', '')}"),
    ]
    return pl.DataFrame(rows, schema=["item", "value"], orient="row")


def package(frame: pl.DataFrame, name: str, title: str, source: str, synthetic: bool) -> Download:
    """Build the CSV and Excel files for ``frame``."""
    if synthetic:
        frame = frame.with_columns(pl.lit(SYNTHETIC_VALUE).alias(SYNTHETIC_COLUMN))
    stem = ("SYNTHETIC-" if synthetic else "") + _slug(name)
    csv = frame.write_csv().encode("utf-8-sig")  # a BOM so Excel opens it as UTF-8
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as workbook:
        frame.write_excel(workbook, worksheet="data", autofit=True)
        _notes(title, source, synthetic).write_excel(workbook, worksheet="notes", autofit=True)
    return Download(csv, buffer.getvalue(), f"{stem}.csv", f"{stem}.xlsx")


def offer(
    frame: pl.DataFrame, name: str, *, title: str, source: str, synthetic: bool, key: str
) -> None:
    """Two small download buttons (CSV, Excel) for ``frame``."""
    files = package(frame, name, title, source, synthetic)
    left, right, _ = st.columns([1, 1, 6])
    with left:
        st.download_button(
            "CSV",
            files.csv,
            files.csv_name,
            "text/csv",
            key=f"{key}-csv",
            icon=":material/download:",
            on_click="ignore",
        )
    with right:
        st.download_button(
            "Excel",
            files.xlsx,
            files.xlsx_name,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}-xlsx",
            icon=":material/download:",
            on_click="ignore",
        )
