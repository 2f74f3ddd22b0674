"""``peolc show``: the Overview's headline figures, in the JSON scripts depend on."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from etl.cli import app
from queries import overview, places

FIGURE_KEYS = {"key", "label", "value", "lower", "upper", "numerator", "denominator", "note"}


def test_json_has_the_documented_shape_and_the_tiles_figures(demo_db: Path) -> None:
    result = CliRunner().invoke(
        app, ["show", "E54000050", "--db", str(demo_db), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert set(shown) == {"place", "year", "synthetic", "figures"}
    assert shown["place"]["code"] == "E54000050" and shown["place"]["level"] == "icb"
    assert shown["synthetic"] is True
    assert all(FIGURE_KEYS <= set(figure) for figure in shown["figures"])
    tiles = overview.headline(places.resolve("E54000050", demo_db), None, demo_db)
    assert shown == json.loads(json.dumps(tiles.as_dict()))


def test_a_previous_code_shows_the_current_area(real_db: Path) -> None:
    result = CliRunner().invoke(
        app, ["show", "E54000052", "--db", str(real_db), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["place"]["code"] == "E54000063"


def test_an_unknown_code_is_a_plain_error(demo_db: Path) -> None:
    result = CliRunner().invoke(app, ["show", "NOPE1", "--db", str(demo_db)])
    assert result.exit_code != 0
    assert "No place has the code 'NOPE1'" in result.output
