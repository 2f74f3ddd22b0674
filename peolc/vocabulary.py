"""The domain vocabulary: places of death, cause groups, age bands, sexes and ethnic groups.

These lists are the allowed values the loaders check, the order the charts use, and the
labels people read. The ETL writes them into the warehouse (``ref_*`` tables,
``etl/reference.py``) so that SQL and the Data & methods page read the same definitions.
Levels are in ``peolc.levels``, breakdowns in ``peolc.breakdowns``, measures in
``peolc.measures``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


class SettingKey:
    """The places of death, as code names them."""

    HOME: Final = "home"
    CARE_HOME: Final = "care_home"
    HOSPITAL: Final = "hospital"
    HOSPICE: Final = "hospice"
    ELSEWHERE: Final = "elsewhere"


# place of death -> label, in the order charts stack them
PLACES_OF_DEATH: dict[str, str] = {
    SettingKey.HOME: "Home",
    SettingKey.CARE_HOME: "Care home",
    SettingKey.HOSPITAL: "Hospital",
    SettingKey.HOSPICE: "Hospice",
    SettingKey.ELSEWHERE: "Elsewhere",
}

USUAL_RESIDENCE: dict[str, str] = {
    "private_home": "Private home",
    "care_home": "Care home",
    "other": "Other or not known",
}

SEXES: dict[str, str] = {"M": "Male", "F": "Female"}

ETHNIC_GROUPS: dict[str, str] = {
    "white": "White",
    "mixed": "Mixed or multiple",
    "asian": "Asian or Asian British",
    "black": "Black, Black British, Caribbean or African",
    "other": "Other ethnic group",
    "not_stated": "Not stated",
}

# Five-year bands of the 2013 European Standard Population (ESP2013), 90+ open.
AGE_BANDS_5Y: tuple[str, ...] = (
    "0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44",
    "45-49", "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+",
)  # fmt: skip


def five_year_bounds(band: str) -> tuple[int, int]:
    """The first and last age of a five-year band ('85-89' -> (85, 89); '90+' -> (90, 200))."""
    low, _, high = band.rstrip("+").partition("-")
    return int(low), int(high) if high else 200


# the first age of the open five-year band (90+)
OPEN_AGE_FROM = five_year_bounds(AGE_BANDS_5Y[-1])[0]

# Broad bands for equity breakdowns of deaths (small numbers otherwise dominate).
AGE_BANDS_BROAD: tuple[tuple[str, int, int], ...] = (
    ("0-64", 0, 64),
    ("65-74", 65, 74),
    ("75-84", 75, 84),
    ("85+", 85, 200),
)

IMD_QUINTILE_LABELS: dict[int, str] = {
    1: "1 - most deprived",
    2: "2",
    3: "3",
    4: "4",
    5: "5 - least deprived",
}


@dataclass(frozen=True)
class CauseRange:
    """ICD-10 codes from `first` to `last` (inclusive, compared on `len(first)` chars)."""

    first: str
    last: str
    cause_group: str
    condition: str


CAUSE_GROUPS: dict[str, str] = {
    "cancer": "Cancer",
    "organ_failure": "Organ failure",
    "dementia": "Dementia",
    "frailty": "Frailty",
    "other_need": "Other palliative need",
    "sudden_other": "Sudden or other causes",
}

# Causes that indicate palliative care need: Etkind SN et al. (2017) "How many people
# will need palliative care in 2040?", BMC Medicine 15:102, table 1. Codes are compared
# without the dot; four-character entries match only that sub-code. Every other cause
# falls into "sudden_other" (no palliative need).
PALLIATIVE_NEED_RANGES: tuple[CauseRange, ...] = (
    CauseRange("C00", "C97", "cancer", "Malignant neoplasms"),
    CauseRange("I00", "I11", "organ_failure", "Heart disease"),
    CauseRange("I14", "I52", "organ_failure", "Heart disease"),
    CauseRange("I12", "I13", "organ_failure", "Renal disease (hypertensive)"),
    CauseRange("N17", "N18", "organ_failure", "Renal failure"),
    CauseRange("N28", "N28", "organ_failure", "Renal disease, other"),
    CauseRange("J40", "J47", "organ_failure", "Chronic lower respiratory disease"),
    CauseRange("J96", "J96", "organ_failure", "Respiratory failure"),
    CauseRange("K70", "K77", "organ_failure", "Liver disease"),
    CauseRange("F01", "F01", "dementia", "Vascular dementia"),
    CauseRange("F03", "F03", "dementia", "Unspecified dementia"),
    CauseRange("G30", "G30", "dementia", "Alzheimer's disease"),
    CauseRange("R54", "R54", "frailty", "Senility (frailty)"),
    CauseRange("I60", "I69", "other_need", "Cerebrovascular disease"),
    CauseRange("G10", "G10", "other_need", "Huntington's disease"),
    CauseRange("G122", "G122", "other_need", "Motor neurone disease"),
    CauseRange("G20", "G20", "other_need", "Parkinson's disease"),
    CauseRange("G231", "G231", "other_need", "Progressive supranuclear palsy"),
    CauseRange("G35", "G35", "other_need", "Multiple sclerosis"),
    CauseRange("G903", "G903", "other_need", "Multi-system degeneration"),
    CauseRange("B20", "B24", "other_need", "HIV disease"),
)

# Where only counts of deaths exist, about 75% of deaths have palliative need
# (Etkind 2017); for a practice list, the rule of thumb is 1% of the list.
NEED_SHARE_OF_DEATHS = 0.75
NEED_SHARE_OF_LIST = 0.01
