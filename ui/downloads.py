"""CSV and Excel downloads for every chart and table.

Frames arrive from ``queries`` already through disclosure control; this module only
packages them. Synthetic data are labelled in the file name, in a column on every row
and on the workbook's notes sheet, so a file that leaves the dashboard still says so.
"""

from __future__ import annotations

import io
import re
import zipfile
from functools import lru_cache, partial

import polars as pl
import streamlit as st
import xlsxwriter

from peolc.levels import Place
from queries import dataset, runner
from queries.stats.disclosure import RULE_TEXT

SYNTHETIC_COLUMN = "data_status"
SYNTHETIC_VALUE = "SYNTHETIC demo data - not real figures"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "table"


def _notes(title: str, source: str, synthetic: bool, meta: dict[str, str]) -> pl.DataFrame:
    rows = [
        ("title", title),
        ("source", source),
        ("data", SYNTHETIC_VALUE if synthetic else "real data as loaded"),
        ("warehouse built", meta.get("built_at", "")),
        ("disclosure control", RULE_TEXT),
        ("tool", f"peolc-needs {meta.get('tool_version', '')}"),
    ]
    return pl.DataFrame(rows, schema=["item", "value"], orient="row")


def _labelled(frame: pl.DataFrame, synthetic: bool) -> pl.DataFrame:
    """``frame`` with the synthetic label on every row when the data are synthetic."""
    if not synthetic:
        return frame
    return frame.with_columns(pl.lit(SYNTHETIC_VALUE).alias(SYNTHETIC_COLUMN))


def file_stem(name: str, synthetic: bool) -> str:
    """The file name (without extension) of a table's downloads."""
    return ("SYNTHETIC-" if synthetic else "") + _slug(name)


def csv_bytes(frame: pl.DataFrame, synthetic: bool) -> bytes:
    """The CSV file of ``frame``, with a BOM so Excel opens it as UTF-8."""
    return _labelled(frame, synthetic).write_csv().encode("utf-8-sig")


def xlsx_bytes(
    frame: pl.DataFrame, title: str, source: str, synthetic: bool, meta: dict[str, str]
) -> bytes:
    """The Excel workbook of ``frame``: the data sheet, then a notes sheet saying what it is
    (``meta``: the warehouse's build facts)."""
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as workbook:
        _labelled(frame, synthetic).write_excel(workbook, worksheet="data", autofit=True)
        _notes(title, source, synthetic, meta).write_excel(
            workbook, worksheet="notes", autofit=True
        )
    return buffer.getvalue()


def offer(
    frame: pl.DataFrame, name: str, *, title: str, source: str, synthetic: bool, key: str
) -> None:
    """Two small download buttons (CSV, Excel) for ``frame``; each file is made when its
    button is clicked (Streamlit's deferred download), so drawing a page never pays for
    files nobody asks for."""
    stem = file_stem(name, synthetic)
    meta = dict(runner.meta())  # read now: the deferred call runs outside the page's script
    left, right, _ = st.columns([1, 1, 6])
    with left:
        st.download_button(
            "CSV",
            partial(csv_bytes, frame, synthetic),
            f"{stem}.csv",
            "text/csv",
            key=f"{key}-csv",
            icon=":material/download:",
            on_click="ignore",
        )
    with right:
        st.download_button(
            "Excel",
            partial(xlsx_bytes, frame, title, source, synthetic, meta),
            f"{stem}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key=f"{key}-xlsx",
            icon=":material/download:",
            on_click="ignore",
        )


# the standardised data set (queries.dataset): the files `peolc export dataset` writes
DATASET_BUTTONS: dict[str, str] = {  # format -> button label
    dataset.Format.XLSX: "Data set (Excel)",
    dataset.Format.CSV: "Data set (CSV, zip)",
    dataset.Format.JSON: "Data set (JSON, zip)",
}
ZIP_MIME = "application/zip"


@lru_cache(maxsize=8)
def _dataset(place: Place, warehouse: str, build_id: str) -> dataset.Dataset:
    """The data set of one place on one build of one warehouse (the arguments are the key)."""
    return dataset.build([place], None, runner.Reader.of(warehouse))


def dataset_file_name(place: Place, kind: str, synthetic: bool) -> str:
    """The name of the file the data set's button for ``kind`` hands over."""
    stem = dataset.file_stem([place], None, synthetic)
    return f"{stem}.{kind}" if kind == dataset.Format.XLSX else f"{stem}-{kind}.zip"


def dataset_bytes(place: Place, kind: str, warehouse: str, build_id: str) -> bytes:
    """The workbook (xlsx), or a zip of the data and dictionary files (csv, json)."""
    files = dataset.files(_dataset(place, warehouse, build_id), kind)
    if kind == dataset.Format.XLSX:
        return next(iter(files.values()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


def offer_dataset(place: Place, synthetic: bool) -> None:
    """A button per format for ``place``'s standardised data set, built when clicked."""
    reader = runner.Reader.of()
    build_id = reader.meta().get("build_id", "")
    columns = st.columns([1, 1, 1, 3])
    for column, (kind, label) in zip(columns, DATASET_BUTTONS.items(), strict=False):
        column.download_button(
            label,
            partial(dataset_bytes, place, kind, str(reader.path), build_id),
            dataset_file_name(place, kind, synthetic),
            dataset.FORMATS[kind] if kind == dataset.Format.XLSX else ZIP_MIME,
            key=f"dataset_{kind}",
            icon=":material/download:",
            on_click="ignore",
        )
