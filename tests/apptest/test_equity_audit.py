"""Equity audit: every level on the demo and real warehouses; the table, SII and sentence
are the query layer's; the sidebar breakdown and the measure picker change what is shown;
the report is offered; no disclosive counts at practice and PCN level."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import DownloadButton

from queries import deaths, equity, places
from queries.equity_gap import gap_sentence
from queries.places import Place
from tests.apptest.helpers import LEVELS, assert_clean, open_link, open_place, texts
from tests.disclosive import is_disclosive

PAGE = "pages/equity_audit.py"


def shown_table(app: AppTest) -> pl.DataFrame:
    return pl.from_pandas(app.dataframe[0].value)


def check_against_queries(app: AppTest, place: Place, measure: str, dimension: str) -> None:
    """Table, sentence and SII on screen equal the query layer's for this selection."""
    year = places.latest_year()
    assert year is not None
    rows = equity.groups(place, year, measure, dimension)
    table = shown_table(app)
    assert table.equals(equity.table(rows)), (place.code, measure, dimension)
    values = deaths.values(place, year, dimension).filter(pl.col("measure") == measure)
    assert set(table["Numerator"]) == set(values["numerator_shown"])
    index = deaths.inequality(rows, measure, dimension)
    sentence = gap_sentence(rows, measure, dimension, place.name, index)
    assert app.markdown[0].value == f"**{sentence}**"
    metrics = {m.label: m.value for m in app.metric}
    if index is None:
        assert not metrics
    else:
        assert metrics["Slope index of inequality (percentage points)"] == f"{index['sii']:.1f}"
        assert metrics["Relative index of inequality"] == f"{index['rii']:.2f}"


@pytest.mark.parametrize("level", LEVELS)
def test_every_level_shows_the_query_layers_groups_gap_and_report(
    use_demo: Path, level: str
) -> None:
    place, app = open_place(PAGE, level, breakdown="imd_quintile")
    assert_clean(app)
    assert app.title[0].value == f"Equity audit: {place.name}"
    check_against_queries(app, place, "home", "imd_quintile")
    labels = {b.label for b in app.get("download_button") if isinstance(b, DownloadButton)}
    assert {"Report (Excel)", "Report (HTML)", "CSV", "Excel"} <= labels
    if level in ("pcn", "practice"):
        for column in ("Numerator", "Denominator"):
            assert not [v for v in shown_table(app)[column] if is_disclosive(v)]


def test_sidebar_breakdown_and_measure_picker_change_the_audit(use_demo: Path) -> None:
    place, app = open_place(PAGE, "icb")
    app.selectbox(key="breakdown").set_value("sex").run()
    assert_clean(app)
    assert shown_table(app)["Group"].to_list() == ["Male", "Female"]
    check_against_queries(app, place, "home", "sex")
    app.selectbox(key="equity_measure").set_value("need_identified").run()
    check_against_queries(app, place, "need_identified", "sex")
    app.selectbox(key="breakdown").set_value("imd_decile").run()
    groups = shown_table(app)["Group"].to_list()
    assert groups == [g for g in equity.group_labels("imd_decile").values() if g in groups]
    assert len(groups) > 5
    check_against_queries(app, place, "need_identified", "imd_decile")


@pytest.mark.parametrize("level", LEVELS)
def test_real_warehouse_says_which_source_would_give_a_split(use_real: Path, level: str) -> None:
    """No open file splits deaths by residents' IMD quintile: the page says what would."""
    place, app = open_place(PAGE, level)
    assert_clean(app)
    assert app.title[0].value == f"Equity audit: {place.name}"
    assert any(
        "Record-level deaths (`peolc load deaths`) give every split" in i.value for i in app.info
    )
    assert not app.dataframe and not app.get("download_button")


def test_real_warehouse_shows_fingertips_county_deciles_for_england(use_real: Path) -> None:
    """England's hospital deaths by Fingertips' County & UA deciles (IMD2019, 4/21), 2021."""
    app = open_link(
        page=PAGE, level="england", place="E92000001", year="2021",
        breakdown="cty_ua_imd_decile_2021",
    )  # fmt: skip
    assert_clean(app)
    table = app.dataframe[0].value
    most = table.loc[table["Group"] == "Most deprived decile (IMD2019)"]
    assert len(table) == 10 and len(most) == 1
    assert any("Source: OHID Fingertips" in t for t in texts(app))


def test_an_empty_split_names_the_splits_that_have_figures(use_real: Path) -> None:
    """Cheshire and Merseyside, 2021: no IMD quintiles, but Fingertips' age bands."""
    app = open_link(page=PAGE, level="icb", place="E54000008", year="2021")
    assert_clean(app)
    place = places.resolve("E54000008")
    measure = str(equity.split(place, 2021, "age_band")["measure"][0])  # hospital deaths
    app.selectbox(key="equity_measure").set_value(measure).run()
    assert_clean(app)
    [info] = [i.value for i in app.info if "give every split" in i.value]
    found = [
        equity.DIMENSIONS[d]
        for d in equity.DIMENSIONS
        if d != "imd_quintile"
        and not equity.split(place, 2021, d).filter(pl.col("measure") == measure).is_empty()
    ]
    assert found  # the test means something only if some split has figures
    assert f"Loaded for this place, measure and year: split by {', '.join(found)};" in info
