"""Deaths by setting: every level on the demo and real warehouses, figures from the query
layer, the page-local setting picker, and no disclosive counts at practice and PCN level."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from queries import deaths, deaths_by_setting, places
from tests.apptest.helpers import LEVELS, assert_clean, open_link, open_place, texts
from tests.disclosive import is_disclosive

PAGE = "pages/deaths_by_setting.py"
COUNTS = ("Deaths", "All deaths", "numerator_shown", "denominator_shown")


def frames(app: AppTest) -> list[pl.DataFrame]:
    return [pl.from_pandas(d.value) for d in app.dataframe]


def leaks(app: AppTest) -> list[object]:
    """Disclosive counts in any table on the page."""
    found: list[object] = []
    for frame in frames(app):
        for column in set(COUNTS) & set(frame.columns):
            found.extend(v for v in frame[column].to_list() if is_disclosive(v))
    return found


@pytest.mark.parametrize("level", LEVELS)
def test_every_level_shows_the_query_layers_shares(use_demo: Path, level: str) -> None:
    place, app = open_place(PAGE, level)
    assert_clean(app)
    assert app.title[0].value == f"Deaths by setting: {place.name}"
    year = places.latest_year()
    assert year is not None
    table = frames(app)[0]
    expected = deaths.values(place, year, "all").filter(
        pl.col("measure").is_in(deaths_by_setting.SHARE_KEYS)
    )
    assert table["Deaths"].to_list() == expected["numerator_shown"].to_list()
    assert table["%"].to_list() == expected["value"].round(1).to_list()
    assert table["Lower 95% CI"].to_list() == expected["lower"].round(1).to_list()
    diupr = expected.filter(pl.col("measure") == "usual_residence")["value"][0]
    assert app.metric[0].value == f"{diupr:.1f}%"
    assert len(app.get("plotly_chart")) >= 4
    if level in ("pcn", "practice"):
        assert not leaks(app)
        assert any("Boundaries for" in t and "not loaded" in t for t in texts(app))
    if level == "england":
        assert any("England has no peers" in t for t in texts(app))


def test_setting_picker_changes_peers_and_map(use_demo: Path) -> None:
    place, app = open_place(PAGE, "icb")
    assert any(t.startswith(f"Home: {place.name} among its peers") for t in texts(app))
    app.selectbox(key="setting_choice").set_value("hospital").run()
    assert_clean(app)
    assert any(t.startswith(f"Hospital: {place.name} among its peers") for t in texts(app))
    assert "Map: Hospital, " in " ".join(texts(app))


@pytest.mark.parametrize("level", LEVELS)
def test_real_warehouse_shows_published_figures_or_says_what_would(
    use_real: Path, level: str
) -> None:
    """Open data has no record-level deaths: Fingertips' figures where it covers the place,
    else a sentence naming the files that would give them."""
    place, app = open_place(PAGE, level)
    assert_clean(app)
    assert app.title[0].value == f"Deaths by setting: {place.name}"
    year = places.latest_year()
    assert year is not None
    published = deaths.summary(place, year)
    if published.is_empty():
        assert any("No death figures are loaded" in i.value for i in app.info)
        assert not app.dataframe and not app.get("plotly_chart")
    else:
        assert set(published["source"]) == {"OHID Fingertips, End of Life Care profile"}
        assert app.get("plotly_chart")
        assert any("Source: OHID Fingertips" in t for t in texts(app))


def test_real_warehouse_cheshire_hospital_deaths_are_fingertips_own(use_real: Path) -> None:
    """NHS Cheshire and Merseyside ICB, 2021: 93474 with its published count and limits."""
    app = open_link(page=PAGE, level="icb", place="E54000008", year="2021")
    assert_clean(app)
    table = app.dataframe[0].value
    hospital = table.loc[table["Setting"] == "Hospital"].iloc[0]
    assert (hospital["Deaths"], hospital["All deaths"]) == ("13,460", "28,080")
    assert (hospital["%"], hospital["Lower 95% CI"], hospital["Upper 95% CI"]) == (47.9, 47.4, 48.5)
