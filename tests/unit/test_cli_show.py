"""``peolc show``: the Overview's headline figures, in the JSON scripts depend on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
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
    assert set(shown) == {"place", "year", "synthetic", "replaced", "figures"}
    assert shown["replaced"] is None  # one of today's areas
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


def test_a_former_icb_answers_as_it_was_and_names_its_successor(real_db: Path) -> None:
    """Surrey Heartlands (QXU) merged into Surrey and Sussex in April 2026."""
    result = CliRunner().invoke(
        app, ["show", "QXU", "--db", str(real_db), "--year", "2022", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    figures = {f["key"]: f for f in shown["figures"]}
    # its 104 practices of the QOF 2022-23 mapping, as NHS Digital published them
    assert figures["register"]["value"] == 3_576
    assert "2022-23" in figures["register"]["note"]
    assert "NHS Surrey and Sussex Integrated Care Board (E54000069, 100%)" in shown["replaced"]
    table = CliRunner().invoke(app, ["show", "E54000063", "--db", str(real_db), "--year", "2022"])
    assert "has been replaced" in " ".join(table.output.split())


def test_the_merged_icb_is_rebuilt_from_its_practices(real_db: Path) -> None:
    from queries import registers

    merged = places.resolve("E54000069", real_db)
    assert merged.name == "NHS Surrey and Sussex Integrated Care Board"
    assert places.replaced_note(merged, real_db) is None  # one of today's areas
    summary = registers.summary(merged, 2022, "england", db=real_db)
    # Sussex's and Surrey Heartlands' practices and 11 of Frimley's, by the July 2026 map
    assert summary.select("practices", "register").row(0) == (273, 13_030)


def test_a_split_area_names_each_successor_with_its_share(real_db: Path) -> None:
    frimley = places.successors(places.resolve("E38000252", real_db), real_db)
    assert frimley.select("successor_code", "practices").rows() == [
        ("E38000268", 41), ("E38000253", 14), ("E38000264", 11)
    ]  # fmt: skip
    assert frimley["share"].sum() == pytest.approx(1)
    assert set(frimley["basis"]) == {"registered patients, 2026"}


def test_an_unknown_code_is_a_plain_error(demo_db: Path) -> None:
    result = CliRunner().invoke(app, ["show", "NOPE1", "--db", str(demo_db)])
    assert result.exit_code != 0
    assert "No place has the code 'NOPE1'" in result.output
