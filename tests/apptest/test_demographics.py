"""Demographics: the page runs for a place at every level and shows the query layer's figures."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from queries import demographics
from tests.apptest.helpers import LEVELS, assert_clean, figures, open_link, open_place, texts

PAGE = "pages/demographics.py"


@pytest.mark.parametrize("level", LEVELS)
def test_every_level_on_the_demo(use_demo: Path, level: str) -> None:
    place, app = open_place(PAGE, level)
    assert_clean(app)
    assert app.title[0].value == f"Demographics: {place.name}"
    year = int(str(app.sidebar.selectbox(key="year").value))
    shares = demographics.older_shares(place).filter(
        (pl.col("area") == "place") & (pl.col("year") == year)
    )
    shown = {m.label: m.value for m in app.metric}
    for group in ("65+", "85+"):
        expected = shares.filter(pl.col("group") == group)["percent"][0]
        assert shown[f"Aged {group}, {year}"] == f"{expected:.1f}%"
    charts = figures(app)
    pyramid = charts[f"{place.name}: % of population by age and sex, {year}"]
    names = {trace["name"] for trace in pyramid["data"]}
    assert {"Males", "Females"} <= names
    assert ("England" in names) != place.is_england
    deaths = demographics.deaths_by_age(place, "broad").filter(pl.col("year") == year)
    bars = charts[f"{place.name}: % of deaths by age, {year}"]["data"][0]
    assert bars["y"] == deaths["value"].to_list()
    registered = level in ("pcn", "practice")  # lists cannot be split by deprivation
    if registered:
        assert "small-area (LSOA) population" in app.info[0].value
    # CSV and Excel of the pyramid, older shares, deprivation (residents), deaths by age in
    # the year and each year
    assert len(app.get("download_button")) == 2 * (4 if registered else 5)
    assert any("SYNTHETIC DEMO DATA" in t for t in texts(app))


def test_five_year_bands(use_demo: Path) -> None:
    place, app = open_place(PAGE, "icb")
    app.radio(key="demo_banding").set_value("five_year").run()
    assert_clean(app)
    year = int(str(app.sidebar.selectbox(key="year").value))
    bars = figures(app)[f"{place.name}: % of deaths by age, {year}"]["data"][0]
    assert bars["x"][-1] == "90+" and len(bars["x"]) == 19


@pytest.mark.parametrize("level", ["england", "icb", "practice", "lad"])
def test_real_warehouse_says_what_is_missing(use_real: Path, level: str) -> None:
    place, app = open_place(PAGE, level)
    assert_clean(app)
    info = " ".join(i.value for i in app.info)
    assert "record-level deaths" in info  # deaths by age need deaths
    assert "small-area (LSOA) population" in info  # LAD estimates cannot be split by IMD
    assert any(m.label.startswith("Aged 65+") for m in app.metric)
    captions = " ".join(c.value for c in app.caption)
    if level == "practice":  # LAD estimates do not nest in NHS areas: GP lists do
        assert f"{place.name}: registered patients (GP practice lists)" in captions
    elif level == "icb":  # ONS residents of its sub-ICB locations, its GP lists beside them
        assert f"{place.name}: residents (ONS mid-year estimates for sub-ICB" in captions
        app.radio(key="demo_basis").set_value("practice").run()
        assert_clean(app)
        captions = " ".join(c.value for c in app.caption)
        assert f"{place.name}: registered patients (GP practice lists)" in captions
    else:
        assert "ONS mid-year estimates" in captions
    assert not any("SYNTHETIC" in t for t in texts(app))


def test_apportioned_residents_are_labelled_an_estimate(use_real: Path) -> None:
    """Thames Valley took most of NHS Frimley's sub-ICB: its residents are shared out."""
    app = open_link(page=PAGE, level="icb", place="E54000070")
    assert_clean(app)
    captions = " ".join(c.value for c in app.caption)
    assert "residents (ONS mid-year estimates for sub-ICB locations) (an estimate in part" in (
        captions
    )
    app.radio(key="demo_basis").set_value("practice").run()  # GP lists: counted, no estimate
    assert "an estimate in part" not in " ".join(c.value for c in app.caption)


def test_one_year_of_lists_gives_a_table_not_a_trend(use_real: Path) -> None:
    """A practice's population is its July 2026 list only: no one-point trend line."""
    place, app = open_place(PAGE, "practice")
    assert_clean(app)
    assert f"{place.name}: % aged 65+ and 85+" not in figures(app)
    assert any("Only 2026 is loaded for this population" in c.value for c in app.caption)
    shares = next(d.value for d in app.dataframe if "Age group" in d.value.columns)
    assert list(shares["Area"].unique()) == [place.name, "England"]  # named, place first
    assert set(shares["Basis"]) == {"registered patients (GP practice lists)"}
    assert all(round(p, 1) == p for p in shares["% of all ages"])  # as the tiles show it
