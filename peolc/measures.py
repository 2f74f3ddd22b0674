"""The measures the dashboard reports: one definition each, for every page and download.

A measure is a proportion of people who died (or of those with palliative need). Its
numerator is a flag column of the ``death_facts`` view (``n_<key>``, etl/sql/macros.sql);
its polarity drives Fingertips-style benchmark colours. The Data & methods page prints
this catalogue, so the definitions people read are the ones the code uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from peolc.vocabulary import PLACES_OF_DEATH, SettingKey

DEATHS_SOURCE = "Record-level deaths (PCMD-style extract), deaths registered in the year"


class MeasureKey:
    """The measure keys, as code names them (each is also its numerator's flag, n_<key>)."""

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


@dataclass(frozen=True)
class Measure:
    """A proportion: numerator and denominator columns, polarity and plain definition."""

    key: str
    label: str
    numerator: str
    denominator: str
    polarity: str  # "higher is better", "lower is better", "no judgement"
    definition: str
    source: str = DEATHS_SOURCE


DEATHS = "deaths"  # denominator: every death of the place
WITH_NEED = "with_need"  # denominator: deaths from a cause indicating palliative need
MEASURES: tuple[Measure, ...] = (
    Measure(
        MeasureKey.HOME,
        "Deaths at home",
        MeasureKey.HOME,
        DEATHS,
        "no judgement",
        "Deaths whose place of death was the person's home, as a % of all deaths.",
    ),
    Measure(
        MeasureKey.CARE_HOME,
        "Deaths in a care home",
        MeasureKey.CARE_HOME,
        DEATHS,
        "no judgement",
        "Deaths in a care home, as a % of all deaths.",
    ),
    Measure(
        MeasureKey.HOSPITAL,
        "Deaths in hospital",
        MeasureKey.HOSPITAL,
        DEATHS,
        "lower is better",
        "Deaths in hospital, as a % of all deaths. Most people prefer not to die in "
        "hospital, so lower is better (as in Fingertips' End of Life Care profile).",
    ),
    Measure(
        MeasureKey.HOSPICE,
        "Deaths in a hospice",
        MeasureKey.HOSPICE,
        DEATHS,
        "no judgement",
        "Deaths in a hospice, as a % of all deaths.",
    ),
    Measure(
        MeasureKey.ELSEWHERE,
        "Deaths elsewhere",
        MeasureKey.ELSEWHERE,
        DEATHS,
        "no judgement",
        "Deaths in any other place (public places, other communal establishments), "
        "as a % of all deaths.",
    ),
    Measure(
        MeasureKey.USUAL_RESIDENCE,
        "Deaths in usual place of residence",
        MeasureKey.USUAL_RESIDENCE,
        DEATHS,
        "higher is better",
        "Deaths at home or in a care home, as a % of all deaths (DiUPR).",
    ),
    Measure(
        MeasureKey.ON_REGISTER,
        "On the palliative care register before death",
        MeasureKey.ON_REGISTER,
        DEATHS,
        "higher is better",
        "People who were on their GP practice's palliative care (QOF PC) register before "
        "they died, as a % of all deaths.",
    ),
    Measure(
        MeasureKey.NEED_IDENTIFIED,
        "Identified before death (people with palliative need)",
        MeasureKey.NEED_IDENTIFIED,
        WITH_NEED,
        "higher is better",
        "Of people who died of a cause indicating palliative care need (Etkind et al. "
        "2017), the % who were on the palliative care register before death.",
    ),
    Measure(
        MeasureKey.ADVANCE_CARE_PLAN,
        "Advance care plan before death",
        MeasureKey.ADVANCE_CARE_PLAN,
        DEATHS,
        "higher is better",
        "People with an advance care plan recorded before death, as a % of all deaths.",
    ),
    Measure(
        MeasureKey.EPACCS,
        "EPaCCS record before death",
        MeasureKey.EPACCS,
        DEATHS,
        "higher is better",
        "People with an Electronic Palliative Care Co-ordination System record before "
        "death, as a % of all deaths.",
    ),
    Measure(
        MeasureKey.ADMITTED_90D,
        "Emergency admission in last 90 days",
        MeasureKey.ADMITTED_90D,
        DEATHS,
        "lower is better",
        "People with one or more emergency hospital admissions in the last 90 days of "
        "life, as a % of all deaths.",
    ),
    Measure(
        MeasureKey.ADMITTED_3PLUS_90D,
        "3+ emergency admissions in last 90 days",
        MeasureKey.ADMITTED_3PLUS_90D,
        DEATHS,
        "lower is better",
        "People with three or more emergency admissions in the last 90 days of life, as "
        "a % of all deaths.",
    ),
)

MEASURE_BY_KEY: dict[str, Measure] = {m.key: m for m in MEASURES}
MEASURE_KEYS: tuple[str, ...] = tuple(MEASURE_BY_KEY)
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
