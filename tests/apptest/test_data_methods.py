"""Data & methods: the load log, definitions, the disclosure rule and the standardised data
set of the selected place, on both warehouses."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1.element_tree import DownloadButton

from peolc.measures import INDICATORS
from queries import dataset, methods, places
from queries.stats import disclosure
from tests.apptest.helpers import Captured, assert_clean, open_link, texts
from ui import downloads as ui_downloads


@pytest.mark.parametrize("warehouse", ["use_demo", "use_real"])
def test_shows_load_log_definitions_and_rule(
    warehouse: str, request: pytest.FixtureRequest
) -> None:
    request.getfixturevalue(warehouse)
    app = open_link(page="pages/data_methods.py")
    assert_clean(app)
    log = app.dataframe[0].value
    assert len(log) == len(methods.load_log())
    shown = set(app.dataframe[1].value["Measure"])
    assert shown == {m.label for m in INDICATORS}
    on_screen = "\n".join(texts(app))
    assert disclosure.RULE_TEXT in on_screen
    assert ("synthetic demo data" in on_screen) == (warehouse == "use_demo")


def test_cause_groups_cover_the_etkind_list(use_demo: Path) -> None:
    frame = methods.cause_groups()
    assert {"C00", "I60", "G122", "R54", "B20"} <= set(frame["code_first"])


@pytest.mark.parametrize("warehouse", ["use_demo", "use_real"])
def test_offers_the_standardised_data_set_of_the_selected_place(
    warehouse: str, request: pytest.FixtureRequest, downloads: Captured
) -> None:
    request.getfixturevalue(warehouse)
    app = open_link(page="pages/data_methods.py", level="icb", place="E54000008")
    assert_clean(app)
    labels = {b.label for b in app.get("download_button") if isinstance(b, DownloadButton)}
    assert set(ui_downloads.DATASET_BUTTONS.values()) <= labels
    place = places.resolve("E54000008")
    expected = dataset.build([place])
    synthetic = warehouse == "use_demo"
    files = dict(downloads.take())
    stem = dataset.file_stem([place], None, synthetic)
    assert stem.startswith("SYNTHETIC-") == synthetic
    sheets = pl.read_excel(io.BytesIO(files[f"{stem}.xlsx"]), sheet_id=0)
    assert list(sheets) == ["data", "dictionary"]
    assert sheets["data"].columns == list(dataset.COLUMN_NAMES)
    assert sheets["data"].height == expected.data.height > 0
    assert set(sheets["data"]["geography_code"]) == {"E54000008"}
    with zipfile.ZipFile(io.BytesIO(files[f"{stem}-csv.zip"])) as archive:
        assert sorted(archive.namelist()) == sorted(dataset.files(expected, "csv"))
        assert archive.read(f"{stem}.csv") == dataset.files(expected, "csv")[f"{stem}.csv"]
    with zipfile.ZipFile(io.BytesIO(files[f"{stem}-json.zip"])) as archive:
        assert sorted(archive.namelist()) == [f"{stem}-dictionary.json", f"{stem}.json"]
