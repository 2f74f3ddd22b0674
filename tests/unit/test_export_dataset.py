"""The standardised data set (``peolc export dataset``, queries/dataset.py): its columns and
dictionary, protected counts equal to the pages', Fingertips' figures as published, and the
files the command writes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from etl.cli import app
from peolc.breakdowns import BREAKDOWN_KEYS, group_labels
from peolc.levels import ENGLAND, LEVEL_BY_KEY, Place
from peolc.measures import FINGERTIPS_SOURCE, INDICATORS
from queries import dataset, deaths, places
from tests.disclosive import is_disclosive
from tests.smallest_place import smallest

EXPECTED_COLUMNS = [
    "geography_type",
    "geography_code",
    "geography_vintage",
    "population_basis",
    "period",
    "indicator_id",
    "indicator_name",
    "ambition",
    "sex",
    "age",
    "breakdown_type",
    "breakdown_group",
    "numerator",
    "denominator",
    "value",
    "lower_95",
    "upper_95",
    "lower_998",
    "upper_998",
    "ci_method",
    "suppressed",
    "value_note",
    "source",
    "restricted",
    "extract_date",
]


@pytest.fixture(scope="module")
def small_places(demo_db: Path) -> list[Place]:
    return [smallest(demo_db, level) for level in ("practice", "pcn", "sub_icb", "lad")]


@pytest.fixture(scope="module")
def demo_set(demo_db: Path, small_places: list[Place]) -> dataset.Dataset:
    icb = places.resolve("E54000050", demo_db)
    return dataset.build([ENGLAND, icb, *small_places], None, demo_db)


def test_the_columns_are_exactly_the_standard_and_in_order(demo_set: dataset.Dataset) -> None:
    assert list(dataset.COLUMN_NAMES) == EXPECTED_COLUMNS
    assert demo_set.data.columns == EXPECTED_COLUMNS
    assert demo_set.data.height > 1000
    types = demo_set.data.schema
    assert types["numerator"] == pl.Int64 and types["value"] == pl.Float64
    assert types["suppressed"] == pl.Boolean and types["restricted"] == pl.Boolean
    assert types["extract_date"] == pl.Date and types["ambition"] == pl.Int32


def test_the_dictionary_names_every_column_indicator_and_breakdown(
    demo_set: dataset.Dataset,
) -> None:
    book = demo_set.dictionary
    assert book.columns == ["section", "name", "type", "meaning"]
    columns = book.filter(pl.col("section") == "column")
    assert columns["name"].to_list() == EXPECTED_COLUMNS
    assert all(columns["type"]) and all(len(m) > 20 for m in columns["meaning"])
    indicators = book.filter(pl.col("section") == "indicator")
    assert indicators["name"].to_list() == [m.key for m in INDICATORS]
    assert all(
        m.definition in text for m, text in zip(INDICATORS, indicators["meaning"], strict=True)
    )
    assert book.filter(pl.col("section") == "breakdown")["name"].to_list() == list(BREAKDOWN_KEYS)
    notes = dict(book.filter(pl.col("section") == "note").select("name", "meaning").iter_rows())
    assert notes["data_status"] == dataset.SYNTHETIC_STATUS  # the demo says so
    assert demo_set.stem.startswith("SYNTHETIC-")


def test_every_column_holds_what_the_dictionary_says(demo_set: dataset.Dataset) -> None:
    data = demo_set.data
    assert set(data["geography_type"]) <= set(LEVEL_BY_KEY)
    assert set(data["breakdown_type"]) == set(BREAKDOWN_KEYS) - {
        "cty_ua_imd_decile_2023",
        "lad_imd_decile_2021",
    }  # the demo's Fingertips extract has County & UA deciles (4/21) only
    assert set(data["ambition"]) <= set(range(1, 7))
    assert set(data["population_basis"]) == {"residents", "registered patients"}
    by_practice = data.filter(pl.col("geography_type").is_in(["pcn", "practice"]))
    assert set(by_practice["population_basis"]) == {"registered patients"}
    assert data.filter(pl.col("breakdown_type") == "sex")["sex"].unique().sort().to_list() == [
        "Female",
        "Male",
    ]
    assert set(data.filter(pl.col("breakdown_type") != "sex")["sex"]) == {"Persons"}
    bands = data.filter(pl.col("breakdown_type") == "age_band")
    assert (bands["age"] == bands["breakdown_group"]).all()
    for key in BREAKDOWN_KEYS:
        groups = set(data.filter(pl.col("breakdown_type") == key)["breakdown_group"])
        assert groups <= {*group_labels(key).values(), "All people"}, key
    assert data["extract_date"].null_count() == 0
    assert data["geography_vintage"].null_count() == 0


def test_no_restricted_count_of_1_to_7_and_hidden_counts_are_blank(
    demo_set: dataset.Dataset,
) -> None:
    local = demo_set.data.filter(pl.col("restricted") & (pl.col("geography_type") != "england"))
    assert local.height > 1000
    for column in ("numerator", "denominator"):
        shown = local[column].drop_nulls().to_list()
        assert not [v for v in shown if is_disclosive(v)], column
    hidden = local.filter(pl.col("suppressed"))
    assert hidden.height > 100  # small places hide many counts
    assert (hidden["numerator"].is_null() | hidden["denominator"].is_null()).all()
    no_numerator = hidden.filter(pl.col("numerator").is_null())
    assert no_numerator["value"].null_count() == no_numerator.height  # nothing to work back from
    assert all(dataset.HIDDEN_NOTE in note for note in hidden["value_note"])
    missing = local.filter(~pl.col("suppressed") & pl.col("numerator").is_null())
    assert all(dataset.NOT_GIVEN_NOTE in note for note in missing["value_note"])


def test_the_numbers_are_the_pages_numbers(
    demo_db: Path, demo_set: dataset.Dataset, small_places: list[Place]
) -> None:
    icb = places.resolve("E54000050", demo_db)
    year = places.latest_year(demo_db)
    assert year is not None
    sample = [
        (ENGLAND, year, "all"),
        (icb, year, "imd_quintile"),
        (icb, year - 2, "cause_group"),
        (small_places[0], year, "all"),
        (small_places[0], year, "sex"),
        (small_places[2], year - 1, "age_band"),
        (small_places[3], year, "ethnic_group"),
    ]
    for place, when, key in sample:
        pages = deaths.values(place, when, key, demo_db)
        labels = {**group_labels(key), "all": "All people"}
        expected = pages.select(
            pl.col("measure").alias("indicator_id"),
            pl.col("group_value").replace_strict(labels).alias("breakdown_group"),
            pl.when(pl.col("numerator_shown") == "*")
            .then(None)
            .otherwise(pl.col("numerator"))
            .alias("numerator"),
            pl.when(pl.col("denominator_shown") == "*")
            .then(None)
            .otherwise(pl.col("denominator"))
            .alias("denominator"),
            "value",
            pl.col("lower").alias("lower_95"),
            pl.col("upper").alias("upper_95"),
            "lower_998",
            "upper_998",
            "source",
        ).sort("indicator_id", "breakdown_group")
        got = (
            demo_set.data.filter(
                (pl.col("geography_code") == place.code)
                & (pl.col("geography_type") == place.level)
                & (pl.col("period") == str(when))
                & (pl.col("breakdown_type") == key)
            )
            .select(expected.columns)
            .sort("indicator_id", "breakdown_group")
        )
        assert got.height == expected.height > 0, (place, when, key)
        assert got.equals(expected), (place, when, key)


def test_cheshire_and_merseyside_2021_hospital_deaths_are_fingertips_as_published(
    real_db: Path,
) -> None:
    icb = places.resolve("E54000008", real_db)
    built = dataset.build([icb], [2021], real_db)
    assert not built.synthetic and not built.stem.startswith("SYNTHETIC")
    notes = dict(
        built.dictionary.filter(pl.col("section") == "note").select("name", "meaning").iter_rows()
    )
    assert notes["data_status"] == dataset.REAL_STATUS
    row = built.data.filter(
        (pl.col("indicator_id") == "hospital") & (pl.col("breakdown_type") == "all")
    ).row(0, named=True)
    assert (row["geography_type"], row["geography_code"], row["period"]) == (
        "icb",
        "E54000008",
        "2021",
    )
    assert (row["numerator"], row["denominator"]) == (13460, 28080)
    assert row["value"] == pytest.approx(47.93447, abs=1e-9)
    assert row["source"] == FINGERTIPS_SOURCE
    assert row["restricted"] is False and row["suppressed"] is False
    assert row["population_basis"] == "residents"
    assert "lower_998" in row["value_note"]  # Fingertips gives no 99.8% limits: computed here
    # Fingertips' age bands become the age_band breakdown, open and as published
    bands = built.data.filter(pl.col("breakdown_type") == "age_band")
    assert bands.height and not bands["restricted"].any()


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(app, ["export", "dataset", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_command_writes_csv_xlsx_and_json(demo_db: Path, tmp_path: Path) -> None:
    year = places.latest_year(demo_db)
    common = ["E92000001", "E54000050", "--year", str(year), "--db", str(demo_db)]
    stem = f"SYNTHETIC-peolc-dataset-E92000001-E54000050-{year}"
    expected = dataset.build(
        [ENGLAND, places.resolve("E54000050", demo_db)], [year] if year else None, demo_db
    )

    output = _invoke(*common, "--format", "csv", "--out", str(tmp_path / "csv"))
    assert "SYNTHETIC" in output
    data = pl.read_csv(tmp_path / "csv" / f"{stem}.csv", infer_schema_length=None)
    assert data.columns == EXPECTED_COLUMNS and data.height == expected.data.height
    book = pl.read_csv(tmp_path / "csv" / f"{stem}-dictionary.csv")
    assert book.filter(pl.col("section") == "column")["name"].to_list() == EXPECTED_COLUMNS

    _invoke(*common, "--format", "xlsx", "--out", str(tmp_path / "xlsx"))
    workbook = tmp_path / "xlsx" / f"{stem}.xlsx"
    sheets = pl.read_excel(workbook, sheet_id=0)
    assert list(sheets) == ["data", "dictionary"]
    assert sheets["data"].columns == EXPECTED_COLUMNS
    assert sheets["data"].height == expected.data.height
    assert sheets["dictionary"].height == expected.dictionary.height

    _invoke(*common, "--format", "json", "--out", str(tmp_path / "json"))
    records = json.loads((tmp_path / "json" / f"{stem}.json").read_text(encoding="utf-8"))
    assert len(records) == expected.data.height and list(records[0]) == EXPECTED_COLUMNS
    assert records == json.loads(io.BytesIO(dataset.files(expected, "json")[f"{stem}.json"]).read())
    book_json = json.loads((tmp_path / "json" / f"{stem}-dictionary.json").read_text())
    assert [r["name"] for r in book_json if r["section"] == "column"] == EXPECTED_COLUMNS


def test_no_place_means_england_and_an_unknown_code_is_a_plain_error(
    demo_db: Path, tmp_path: Path
) -> None:
    year = str(places.latest_year(demo_db))
    _invoke("--year", year, "--db", str(demo_db), "--out", str(tmp_path))
    written = pl.read_csv(tmp_path / f"SYNTHETIC-peolc-dataset-E92000001-{year}.csv")
    assert set(written["geography_code"]) == {"E92000001"}
    result = CliRunner().invoke(
        app, ["export", "dataset", "NOPE1", "--db", str(demo_db), "--out", str(tmp_path)]
    )
    assert result.exit_code != 0
    assert "No place has the code 'NOPE1'" in result.output


def test_data_formats_documents_every_column() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "data-formats.md").read_text()
    section = docs.split("## The standardised data set (`peolc export dataset`)")[1]
    rows = [
        line.split("|")[1].strip(" `") for line in section.splitlines() if line.startswith("| `")
    ]
    assert rows[: len(EXPECTED_COLUMNS)] == EXPECTED_COLUMNS
