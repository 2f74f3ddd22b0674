"""Data & methods: the load log, definitions and the disclosure rule, on both warehouses."""

from __future__ import annotations

from pathlib import Path

import pytest

from peolc.measures import INDICATORS
from queries import methods
from queries.stats import disclosure
from tests.apptest.helpers import assert_clean, open_link, texts


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
