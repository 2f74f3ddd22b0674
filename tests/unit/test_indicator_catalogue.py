"""The indicator catalogue agrees with Fingertips' own metadata for every id it names."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from peolc.measures import (
    AMBITIONS,
    BY_EXTRACT_MEASURE,
    BY_FINGERTIPS_ID,
    INDICATORS,
    MEASURES,
    WILSON,
    MeasureKey,
)

REFERENCE = Path(__file__).resolve().parents[3] / "shared/data/reference/fingertips"
METADATA = json.loads((REFERENCE / "indicator_metadata_all.json").read_text())
with (REFERENCE / "indicator_polarity_benchmark.csv").open(encoding="utf-8-sig") as f:
    POLARITY = {int(row["IndicatorID"]): row["Polarity"] for row in csv.DictReader(f)}
FINGERTIPS_POLARITY = {
    "No judgement": "no judgement",
    "Low is good": "lower is better",
    "High is good": "higher is better",
}
# what each named Fingertips indicator counts, in Fingertips' own words
NAMES = {
    93474: "Percentage of deaths that occur in hospital",
    93475: "Percentage of deaths that occur in care homes",
    93476: "Percentage of deaths that occur at home",
    93477: "Percentage of deaths that occur in 'other places'",
    93478: "Percentage of deaths that occur in hospice",
    91894: "Place of death - hospital: People with dementia (aged 65 years and older)",
    93613: "Percentage of deaths with three or more emergency admissions in the last 90 days "
    "of life.",
}


def test_every_fingertips_id_is_the_indicator_fingertips_names() -> None:
    assert set(BY_FINGERTIPS_ID) == set(NAMES)
    assert BY_FINGERTIPS_ID[93474].key == MeasureKey.HOSPITAL
    assert BY_FINGERTIPS_ID[93476].key == MeasureKey.HOME
    assert BY_FINGERTIPS_ID[93613].key == MeasureKey.ADMITTED_3PLUS_90D
    for indicator_id, name in NAMES.items():
        assert METADATA[str(indicator_id)]["Descriptive"]["Name"] == name


@pytest.mark.parametrize("indicator_id", sorted(NAMES))
def test_statistic_unit_and_method_are_fingertips(indicator_id: int) -> None:
    meta, ours = METADATA[str(indicator_id)], BY_FINGERTIPS_ID[indicator_id]
    assert meta["ValueType"]["Name"].lower() == ours.statistic
    assert meta["Unit"]["Value"] == ours.multiplier
    assert meta["Unit"]["Label"] == ours.unit
    assert (meta["ConfidenceIntervalMethod"]["Name"] == "Wilson Score method") == (
        ours.ci_method == WILSON
    )
    if indicator_id in POLARITY:
        assert FINGERTIPS_POLARITY[POLARITY[indicator_id]] == ours.polarity


def test_place_of_death_makes_no_judgement_as_fingertips() -> None:
    for key in (MeasureKey.HOME, MeasureKey.CARE_HOME, MeasureKey.HOSPITAL):
        assert next(m for m in INDICATORS if m.key == key).polarity == "no judgement"


def test_every_indicator_evidences_an_ambition_and_has_a_source() -> None:
    assert len({m.key for m in INDICATORS}) == len(INDICATORS)
    for m in INDICATORS:
        assert m.ambition in AMBITIONS, m.key
        assert m.sources, m.key
    assert all(m.record_level for m in MEASURES)
    assert len(BY_EXTRACT_MEASURE) == sum(len(m.icb_extract_measures) for m in INDICATORS)
