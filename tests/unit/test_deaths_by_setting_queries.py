"""Deaths by setting queries: the query layer's shares, England against itself, unique peer
labels, and no disclosive counts in anything the page shows or offers at PCN and practice."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from peolc.measures import SETTING_KEYS
from queries import deaths, deaths_by_setting, places
from queries.places import Place
from tests.disclosive import is_disclosive


@pytest.fixture(scope="module")
def year(demo_db: Path) -> int:
    latest = places.latest_year(demo_db)
    assert latest is not None
    return latest


def first(level: str, db: Path) -> Place:
    row = places.areas(level, db).row(0, named=True)
    return Place(row["area_code"], level, row["area_name"])


def test_setting_shares_and_england_against_itself(demo_db: Path, year: int) -> None:
    england = deaths_by_setting.shares(places.ENGLAND, year, "parent", demo_db)
    assert england["measure"].to_list() == list(deaths_by_setting.SHARE_KEYS)
    assert set(england["benchmark"]) == {"not compared"}
    icb = first("icb", demo_db)
    shares = deaths_by_setting.shares(icb, year, "england", demo_db)
    values = deaths.values(icb, year, "all", demo_db).filter(
        pl.col("measure").is_in(deaths_by_setting.SHARE_KEYS)
    )
    assert dict(shares.select("measure", "value").iter_rows()) == dict(
        values.select("measure", "value").iter_rows()
    )
    assert set(deaths_by_setting.trends(icb, "england", demo_db)["area"]) == {icb.name, "England"}
    causes = deaths_by_setting.by_cause(icb, year, demo_db)
    assert set(causes["measure"]) == set(SETTING_KEYS)
    peers = deaths_by_setting.peer_shares(icb, year, "england", "home", demo_db)
    assert peers["label"].is_unique().all() and peers["is_selected"].sum() == 1


def test_peer_labels_name_the_code_when_names_clash() -> None:
    frame = pl.DataFrame(
        {"area_code": ["A1", "A2", "A3"], "area_name": ["The Surgery", "The Surgery", "Elm"]}
    )
    labels = deaths_by_setting.unique_labels(frame)["label"].to_list()
    assert labels == ["The Surgery (A1)", "The Surgery (A2)", "Elm"]


@pytest.mark.parametrize("level", ["practice", "pcn"])
def test_nothing_offered_is_disclosive(demo_db: Path, year: int, level: str) -> None:
    for row in places.areas(level, demo_db).head(5).iter_rows(named=True):
        place = Place(row["area_code"], level, row["area_name"])
        offered = [
            deaths_by_setting.shares(place, year, "england", demo_db),
            deaths_by_setting.trends(place, "parent", demo_db),
            deaths_by_setting.peer_shares(place, year, "england", "hospice", demo_db),
            deaths_by_setting.by_cause(place, year, demo_db),
            deaths_by_setting.map_of(place, year, "england", "home", demo_db)[1],
        ]
        for frame in offered:
            for column in ("numerator_shown", "denominator_shown"):
                leaks = [v for v in frame[column].to_list() if is_disclosive(v)]
                assert not leaks, (place.code, column, leaks)
