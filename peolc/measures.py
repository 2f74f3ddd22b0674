"""The indicator catalogue: one definition per indicator, for every page, download and source.

An indicator (``Measure``) is a published statistic: mostly a proportion of people who
died (or of those with palliative need). Per source it says how it is obtained: the
Fingertips indicator ids that publish it (checked against the API metadata in
``../shared/data/reference/fingertips/`` by tests/unit/test_indicator_catalogue.py), the
measure names an ICB dashboard extract gives it, and, where record-level deaths can
derive it, its numerator as a flag column of the ``death_facts`` view (``n_<key>``,
etl/sql/macros.sql) over a denominator. Its polarity drives Fingertips-style benchmark
colours: place of death is "no judgement" (blue/orange: higher/lower), as Fingertips
publishes it. Each indicator evidences one of the six Ambitions for Palliative and End of
Life Care. The Data & methods page prints this catalogue, so the definitions people read
are the ones the code uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from peolc.vocabulary import PLACES_OF_DEATH, SettingKey

DEATHS_SOURCE = "Record-level deaths (PCMD-style extract), deaths registered in the year"
FINGERTIPS_SOURCE = "OHID Fingertips, End of Life Care profile"
FINGERTIPS_PROFILE = 95  # the End of Life Care profile's id in the Fingertips API
EXTRACT_SOURCE = "ICB dashboard extract"


class SourceKind:
    """The kinds of source a figure comes from (the ``peolc load`` kinds that feed them)."""

    DEATHS: Final = "deaths"
    ICB_EXTRACT: Final = "icb-extract"
    FINGERTIPS: Final = "fingertips"


# where several sources give one figure: record-level deaths, then an ICB extract, then
# Fingertips (the load kinds; the most local and most recent source first)
SOURCE_PRECEDENCE: tuple[str, ...] = (
    SourceKind.DEATHS,
    SourceKind.ICB_EXTRACT,
    SourceKind.FINGERTIPS,
)
SOURCE_NAMES: dict[str, str] = {
    SourceKind.DEATHS: DEATHS_SOURCE,
    SourceKind.ICB_EXTRACT: EXTRACT_SOURCE,
    SourceKind.FINGERTIPS: FINGERTIPS_SOURCE,
}

Polarity = Literal["higher is better", "lower is better", "no judgement"]
Statistic = Literal["proportion", "crude rate", "count", "ratio", "median"]

# National Palliative and End of Life Care Partnership, Ambitions for Palliative and End of
# Life Care: a national framework for local action 2021-2026
AMBITIONS: dict[int, str] = {
    1: "Each person is seen as an individual",
    2: "Each person gets fair access to care",
    3: "Maximising comfort and wellbeing",
    4: "Care is coordinated",
    5: "All staff are prepared to care",
    6: "Each community is prepared to help",
}
WILSON: Final = "Wilson score"
BYAR: Final = "Byar's method"


class MeasureKey:
    """The indicator keys, as code names them (a record-level one is also its flag, n_<key>)."""

    HOME: Final = "home"
    CARE_HOME: Final = "care_home"
    HOSPITAL: Final = "hospital"
    HOSPICE: Final = "hospice"
    ELSEWHERE: Final = "elsewhere"
    USUAL_RESIDENCE: Final = "usual_residence"
    ON_REGISTER: Final = "on_register"
    NEED_IDENTIFIED: Final = "need_identified"
    ADVANCE_CARE_PLAN: Final = "advance_care_plan"
    EPACCS: Final = "epaccs"
    ADMITTED_90D: Final = "admitted_90d"
    ADMITTED_3PLUS_90D: Final = "admitted_3plus_90d"
    DEMENTIA_HOSPITAL: Final = "dementia_hospital"
    BED_DAYS_90D: Final = "bed_days_90d"
    ADMISSIONS_PER_DEATH_90D: Final = "admissions_per_death_90d"
    SPC_CONTACT: Final = "spc_contact"


@dataclass(frozen=True)
class Measure:
    """An indicator: what it counts over what, how it is shown, and where each source has it.

    ``numerator`` and ``denominator`` name the counts: for a record-level indicator the
    ``death_facts`` flag columns, otherwise what the publisher counts. ``multiplier``
    scales numerator / denominator to the unit (100 for a %).
    """

    key: str
    label: str
    numerator: str
    denominator: str
    polarity: Polarity
    definition: str
    ambition: int
    fingertips_ids: tuple[int, ...] = ()
    icb_extract_measures: tuple[str, ...] = ()
    record_level: bool = True
    statistic: Statistic = "proportion"
    unit: str = "%"
    multiplier: float = 100.0
    ci_method: str = WILSON
    source: str = DEATHS_SOURCE

    @property
    def sources(self) -> tuple[str, ...]:
        """The kinds of source that can give this indicator, in order of precedence."""
        has = {
            SourceKind.DEATHS: self.record_level,
            SourceKind.ICB_EXTRACT: bool(self.icb_extract_measures),
            SourceKind.FINGERTIPS: bool(self.fingertips_ids),
        }
        return tuple(kind for kind in SOURCE_PRECEDENCE if has[kind])


DEATHS = "deaths"  # denominator: every death of the place
WITH_NEED = "with_need"  # denominator: deaths from a cause indicating palliative need
# the indicators record-level deaths derive (every page's death measures)
MEASURES: tuple[Measure, ...] = (
    Measure(
        MeasureKey.HOME,
        "Deaths at home",
        MeasureKey.HOME,
        DEATHS,
        "no judgement",
        "Deaths whose place of death was the person's home, as a % of all deaths.",
        ambition=1,
        fingertips_ids=(93476,),
        icb_extract_measures=("deaths_at_home",),
    ),
    Measure(
        MeasureKey.CARE_HOME,
        "Deaths in a care home",
        MeasureKey.CARE_HOME,
        DEATHS,
        "no judgement",
        "Deaths in a care home, as a % of all deaths.",
        ambition=1,
        fingertips_ids=(93475,),
        icb_extract_measures=("deaths_in_care_home",),
    ),
    Measure(
        MeasureKey.HOSPITAL,
        "Deaths in hospital",
        MeasureKey.HOSPITAL,
        DEATHS,
        "no judgement",
        "Deaths in hospital, as a % of all deaths. Fingertips' End of Life Care profile "
        "makes no judgement on place of death (higher or lower than the benchmark, "
        "coloured blue and orange), and neither does this dashboard.",
        ambition=1,
        fingertips_ids=(93474,),
        icb_extract_measures=("deaths_in_hospital",),
    ),
    Measure(
        MeasureKey.HOSPICE,
        "Deaths in a hospice",
        MeasureKey.HOSPICE,
        DEATHS,
        "no judgement",
        "Deaths in a hospice, as a % of all deaths.",
        ambition=1,
        fingertips_ids=(93478,),
        icb_extract_measures=("deaths_in_hospice",),
    ),
    Measure(
        MeasureKey.ELSEWHERE,
        "Deaths elsewhere",
        MeasureKey.ELSEWHERE,
        DEATHS,
        "no judgement",
        "Deaths in any other place (public places, other communal establishments), "
        "as a % of all deaths.",
        ambition=1,
        fingertips_ids=(93477,),
        icb_extract_measures=("deaths_elsewhere",),
    ),
    Measure(
        MeasureKey.USUAL_RESIDENCE,
        "Deaths in usual place of residence",
        MeasureKey.USUAL_RESIDENCE,
        DEATHS,
        "higher is better",
        "Deaths at home or in a care home, as a % of all deaths (DiUPR).",
        ambition=1,
        icb_extract_measures=("deaths_in_usual_place_of_residence",),
    ),
    Measure(
        MeasureKey.ON_REGISTER,
        "On the palliative care register before death",
        MeasureKey.ON_REGISTER,
        DEATHS,
        "higher is better",
        "People who were on their GP practice's palliative care (QOF PC) register before "
        "they died, as a % of all deaths.",
        ambition=2,
        icb_extract_measures=("on_palliative_register_before_death",),
    ),
    Measure(
        MeasureKey.NEED_IDENTIFIED,
        "Identified before death (people with palliative need)",
        MeasureKey.NEED_IDENTIFIED,
        WITH_NEED,
        "higher is better",
        "Of people who died of a cause indicating palliative care need (Etkind et al. "
        "2017), the % who were on the palliative care register before death.",
        ambition=2,
        icb_extract_measures=("need_identified_before_death",),
    ),
    Measure(
        MeasureKey.ADVANCE_CARE_PLAN,
        "Advance care plan before death",
        MeasureKey.ADVANCE_CARE_PLAN,
        DEATHS,
        "higher is better",
        "People with an advance care plan recorded before death, as a % of all deaths.",
        ambition=1,
        icb_extract_measures=("advance_care_plan_before_death",),
    ),
    Measure(
        MeasureKey.EPACCS,
        "EPaCCS record before death",
        MeasureKey.EPACCS,
        DEATHS,
        "higher is better",
        "People with an Electronic Palliative Care Co-ordination System record before "
        "death, as a % of all deaths.",
        ambition=4,
        icb_extract_measures=("epaccs_record_before_death",),
    ),
    Measure(
        MeasureKey.ADMITTED_90D,
        "Emergency admission in last 90 days",
        MeasureKey.ADMITTED_90D,
        DEATHS,
        "lower is better",
        "People with one or more emergency hospital admissions in the last 90 days of "
        "life, as a % of all deaths.",
        ambition=3,
        icb_extract_measures=("emergency_admission_last_90d",),
    ),
    Measure(
        MeasureKey.ADMITTED_3PLUS_90D,
        "3+ emergency admissions in last 90 days",
        MeasureKey.ADMITTED_3PLUS_90D,
        DEATHS,
        "lower is better",
        "People with three or more emergency admissions in the last 90 days of life, as "
        "a % of all deaths.",
        ambition=3,
        fingertips_ids=(93613,),
        icb_extract_measures=("three_plus_emergency_admissions_last_90d",),
    ),
)


def _mean_per_death(key: str, label: str, counted: str, extract_measure: str) -> Measure:
    """An ICB-extract mean per person who died (a crude rate per death, Byar's limits)."""
    return Measure(
        key,
        label,
        counted,
        DEATHS,
        "lower is better",
        f"{counted[0].upper()}{counted[1:]}, per person who died (a mean).",
        ambition=3,
        icb_extract_measures=(extract_measure,),
        record_level=False,
        statistic="crude rate",
        unit="per death",
        multiplier=1.0,
        ci_method=BYAR,
        source=EXTRACT_SOURCE,
    )


# indicators no record-level file derives: published by Fingertips or given by ICB extracts
PUBLISHED_ONLY: tuple[Measure, ...] = (
    Measure(
        MeasureKey.DEMENTIA_HOSPITAL,
        "Deaths in hospital: people with dementia aged 65+",
        "deaths in hospital of people aged 65+ with dementia mentioned on the certificate",
        "deaths of people aged 65+ with dementia mentioned on the certificate",
        "no judgement",
        "Deaths in hospital of people aged 65 and over with dementia recorded anywhere on "
        "the death certificate, as a % of all such deaths (Fingertips 91894).",
        ambition=2,
        fingertips_ids=(91894,),
        record_level=False,
        source=FINGERTIPS_SOURCE,
    ),
    _mean_per_death(
        MeasureKey.BED_DAYS_90D,
        "Hospital bed days in the last 90 days of life, per death",
        "hospital bed days in the last 90 days of life",
        "hospital_bed_days_last_90d",
    ),
    _mean_per_death(
        MeasureKey.ADMISSIONS_PER_DEATH_90D,
        "Emergency admissions in the last 90 days of life, per death",
        "emergency hospital admissions in the last 90 days of life",
        "emergency_admissions_last_90d",
    ),
    Measure(
        MeasureKey.SPC_CONTACT,
        "Specialist palliative care contact in the last year of life",
        "people with a specialist palliative care contact in their last year of life",
        "deaths",
        "higher is better",
        "People who had a contact with a specialist palliative care service in their last "
        "year of life, as a % of all deaths.",
        ambition=2,
        icb_extract_measures=("spc_contact_last_year",),
        record_level=False,
        source=EXTRACT_SOURCE,
    ),
)
INDICATORS: tuple[Measure, ...] = (*MEASURES, *PUBLISHED_ONLY)
MEASURE_BY_KEY: dict[str, Measure] = {m.key: m for m in INDICATORS}
MEASURE_KEYS: tuple[str, ...] = tuple(MEASURE_BY_KEY)
BY_FINGERTIPS_ID: dict[int, Measure] = {i: m for m in INDICATORS for i in m.fingertips_ids}
BY_EXTRACT_MEASURE: dict[str, Measure] = {
    name: m for m in INDICATORS for name in m.icb_extract_measures
}

# the counts behind the measures, each once: every measure's denominator then its numerator,
# in the order of MEASURES (deaths, home, ..., on_register, with_need, need_identified, ...);
# the count columns of the derived death sums (etl/sql/schema.sql), deaths then the flags of
# death_flags in its order
MEASURE_COUNTS: tuple[str, ...] = tuple(
    dict.fromkeys(count for m in MEASURES for count in (m.denominator, m.numerator))
)
# the settings' measures, in the order charts stack them (a measure per place of death)
SETTING_KEYS: tuple[str, ...] = tuple(PLACES_OF_DEATH)
# people who died at home or in a care home: usual place of residence (DiUPR)
USUAL_RESIDENCE_SETTINGS: tuple[str, ...] = (SettingKey.HOME, SettingKey.CARE_HOME)
