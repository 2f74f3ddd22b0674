"""Overview: the tiles show exactly the query layer's figures, for a place at every level."""

from __future__ import annotations

from pathlib import Path

import pytest

from queries import overview, places
from tests.apptest.helpers import LEVELS, assert_clean, open_link, texts


@pytest.mark.parametrize("level", LEVELS)
def test_tiles_match_the_query_layer_at_every_level(use_demo: Path, level: str) -> None:
    area = (
        places.areas(level).row(0, named=True) if level != "england" else {"area_code": "E92000001"}
    )
    app = open_link(level=level, place=area["area_code"])
    assert_clean(app)
    shown = {m.label: m.value for m in app.metric}
    expected = overview.headline(places.resolve(area["area_code"], level=level))
    assert shown == {t.label: t.display for t in expected.tiles}
    assert shown["Deaths in the year"] not in ("n/a", "*")
    assert any("SYNTHETIC DEMO DATA" in t for t in texts(app))


@pytest.mark.parametrize("warehouse", ["use_demo", "use_real"])
def test_map_caption_carries_the_ons_attribution(
    warehouse: str, request: pytest.FixtureRequest
) -> None:
    """ONS shapes on the demo and on real data alike: the caption gives ONS's attribution;
    on the demo it also says the figures are synthetic."""
    request.getfixturevalue(warehouse)
    app = open_link(level="icb", place="E54000032", year="2022")
    assert_clean(app)
    [caption] = [t for t in texts(app) if "Crown copyright" in t]
    assert (
        "Source: Office for National Statistics licensed under the Open Government Licence "
        "v.3.0. Contains OS data © Crown copyright and database right 2023." in caption
    )
    assert ("SYNTHETIC DEMO DATA" in caption) == (warehouse == "use_demo")
    assert "SYNTHETIC (generated)" not in caption


def test_previous_code_link_opens_the_area_as_it_was(use_real: Path) -> None:
    """Surrey Heartlands' 2022 code: the ICB as it was, with what it became since."""
    app = open_link(place="E54000052", year="2022")
    assert_clean(app)
    assert app.title[0].value == "NHS Surrey Heartlands Integrated Care Board"
    assert "E54000052 refers to E54000063; showing that area." in [
        w.value for w in app.sidebar.warning
    ]
    [replaced] = [w.value for w in app.warning if "has been replaced" in w.value]
    assert "NHS Surrey and Sussex Integrated Care Board (E54000069, 100%)" in replaced
    assert {m.label: m.value for m in app.metric}["Palliative care register"] == "3,576"
    picker = app.sidebar.selectbox(key="place")
    assert picker.value is not None and picker.value.code == "E54000063"  # offered, first
    assert picker.options[0] == "NHS Surrey Heartlands Integrated Care Board (E54000063, former)"


def test_the_picker_offers_todays_icbs(use_real: Path) -> None:
    app = open_link(level="icb", place="E54000069", year="2022")
    assert_clean(app)
    options = app.sidebar.selectbox(key="place").options
    assert len(options) == 36 and not any("former" in o for o in options)
    assert not [w for w in app.warning if "has been replaced" in w.value]
    # the merged ICB's 2022-23 register, rebuilt from its 273 practices' QOF figures
    assert {m.label: m.value for m in app.metric}["Palliative care register"] == "13,030"


def test_real_warehouse_says_deaths_are_missing(use_real: Path) -> None:
    """North East and North Cumbria is in no death extract of the open data: no deaths."""
    app = open_link(level="icb", place="E54000050", year="2022")
    assert_clean(app)
    shown = {m.label: m.value for m in app.metric}
    assert shown["Deaths in the year"] == "n/a"
    assert shown["Palliative care register"] not in ("n/a", "*")
    assert not any("SYNTHETIC" in t for t in texts(app))


def test_real_warehouse_shows_fingertips_hospital_deaths_as_published(use_real: Path) -> None:
    """Cheshire and Merseyside, 2021: Fingertips 93474 as published (13,460 of 28,080)."""
    app = open_link(level="icb", place="E54000008", year="2021")
    assert_clean(app)
    shown = {m.label: m.value for m in app.metric}
    assert shown["Deaths in hospital"] == "47.9%"
    assert shown["Deaths in the year"] == "28,080"
    assert shown["Deaths at home"] == "n/a"  # not in the extract
    notes = " ".join(texts(app))
    assert "13,460 of 28,080; 95% CI 47.4-48.5" in notes
    assert "source: OHID Fingertips" in notes


def test_real_warehouse_register_is_shown_as_published(use_real: Path) -> None:
    """QOF is open data: LLR's 2022-23 register reads 8,709, as NHS Digital publishes it."""
    app = open_link(level="icb", place="E54000015", year="2022")
    assert_clean(app)
    assert {m.label: m.value for m in app.metric}["Palliative care register"] == "8,709"


def test_missing_warehouse_explains_how_to_build_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PEOLC_DB", str(tmp_path / "none.duckdb"))
    app = open_link()
    assert not app.exception
    assert app.error[0].value == "No warehouse has been built yet."
    assert "make run" in app.info[0].value


def test_sidebar_changes_follow_into_the_url_and_across_pages(use_demo: Path) -> None:
    app = open_link()
    app.selectbox(key="level").set_value("icb").run()
    first_icb = places.areas("icb").row(0, named=True)
    assert app.title[0].value == first_icb["area_name"]
    assert app.query_params["level"] == "icb"
    assert app.query_params["place"] == first_icb["area_code"]
    app.selectbox(key="breakdown").set_value("sex").run()
    assert app.query_params["breakdown"] == "sex"
    app.switch_page("pages/overview.py").run()
    assert_clean(app)
    assert app.selectbox(key="breakdown").value == "sex"
    assert app.title[0].value == first_icb["area_name"]
