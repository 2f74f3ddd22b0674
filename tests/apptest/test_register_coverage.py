"""Register coverage: the page runs at every level and shows exactly the query layer's figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from queries import registers
from queries.places import Place
from tests.apptest.helpers import LEVELS, assert_clean, figures, open_place, texts

PAGE = "pages/register_coverage.py"
FUNNEL_POINTS = ("Above the", "Below the", "Within the")


def funnel_points(app: AppTest) -> int:
    """Practices drawn in the funnel plot (the highlight ring is not a practice)."""
    spec = next(s for t, s in figures(app).items() if t.startswith("Practices:"))
    traces: list[dict[str, Any]] = spec["data"]
    return sum(len(t["x"]) for t in traces if str(t.get("name", "")).startswith(FUNNEL_POINTS))


def check_registers(app: AppTest, place: Place, year: int, compare: str) -> None:
    """The table, the headline and the funnel equal the query functions' frames."""
    child = str(app.selectbox(key="register_child_level").value)
    rows = registers.by_area(place, child, year, compare)
    table = app.dataframe[0].value
    assert table["Code"].tolist() == rows["area_code"].to_list()
    assert table["On register"].tolist() == rows["register_shown"].to_list()
    # QOF registers are open data: every one exactly as published, small ones included
    assert table["On register"].tolist() == [f"{r:,}" for r in rows["register"]]
    own = registers.summary(place, year, compare).row(0, named=True)
    shown = {m.label: m.value for m in app.metric}
    fy = f"{own['qof_year']}-{(own['qof_year'] + 1) % 100:02d}"
    assert shown[f"On the register, {fy}"] == (own["register_shown"] or "n/a")
    practices = registers.by_area(place, "practice", year, compare)
    assert funnel_points(app) == practices["value"].drop_nulls().len()


@pytest.mark.parametrize("level", LEVELS)
def test_every_level_on_the_demo(use_demo: Path, level: str) -> None:
    place, app = open_place(PAGE, level)
    assert_clean(app)
    assert app.title[0].value == f"Register coverage: {place.name}"
    year = int(str(app.sidebar.selectbox(key="year").value))
    assert "Etkind" in app.markdown[0].value  # expected need is stated on the page
    if registers.has_registers(place):
        check_registers(app, place, year, "england")
    else:
        assert "not local authorities" in " ".join(i.value for i in app.info)
    rate = registers.identification(place, year, "england").row(0, named=True)
    shown = {m.label: m.value for m in app.metric}
    assert shown[f"Identified before death, {year}"] == f"{rate['value']:.1f}%"
    causes = figures(app)[f"Identified before death by cause, {year}"]["data"]
    drawn = registers.identification_by_cause(place, year, "england")["value"].drop_nulls()
    bars = [t for t in causes if t["type"] == "bar"]
    assert sorted(v for t in bars for v in t["x"]) == sorted(drawn.to_list())
    assert any("SYNTHETIC DEMO DATA" in t for t in texts(app))


def test_compare_with_parent_and_other_areas(use_demo: Path) -> None:
    place, app = open_place(PAGE, "icb", compare="parent")
    app.selectbox(key="register_child_level").set_value("practice").run()
    assert_clean(app)
    year = int(str(app.sidebar.selectbox(key="year").value))
    assert app.sidebar.selectbox(key="compare").value == "parent"
    check_registers(app, place, year, "parent")
    assert f"Compared with {place.name}" in app.dataframe[0].value.columns


@pytest.mark.parametrize("level", ["england", "icb", "pcn", "practice", "lad"])
def test_real_warehouse_registers_without_deaths(use_real: Path, level: str) -> None:
    place, app = open_place(PAGE, level)
    assert_clean(app)
    assert "Not loaded yet: record-level deaths" in " ".join(i.value for i in app.info)
    if registers.has_registers(place):
        year = int(str(app.sidebar.selectbox(key="year").value))
        check_registers(app, place, year, "england")
    assert not any("SYNTHETIC" in t for t in texts(app))
