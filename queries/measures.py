"""The measures the dashboard reports: one definition each, for every page and download.

A measure is a proportion of people who died (or of those with palliative need). Its
numerator is a flag column of the ``death_facts`` view (``n_<key>``, etl/sql/macros.sql);
its polarity drives Fingertips-style benchmark colours. The Data & methods page prints
this catalogue, so the definitions people read are the ones the code uses.
"""

from __future__ import annotations

from dataclasses import dataclass

DEATHS_SOURCE = "Record-level deaths (PCMD-style extract), deaths registered in the year"


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


MEASURES: tuple[Measure, ...] = (
    Measure(
        "home",
        "Deaths at home",
        "home",
        "deaths",
        "no judgement",
        "Deaths whose place of death was the person's home, as a % of all deaths.",
    ),
    Measure(
        "care_home",
        "Deaths in a care home",
        "care_home",
        "deaths",
        "no judgement",
        "Deaths in a care home, as a % of all deaths.",
    ),
    Measure(
        "hospital",
        "Deaths in hospital",
        "hospital",
        "deaths",
        "lower is better",
        "Deaths in hospital, as a % of all deaths. Most people prefer not to die in "
        "hospital, so lower is better (as in Fingertips' End of Life Care profile).",
    ),
    Measure(
        "hospice",
        "Deaths in a hospice",
        "hospice",
        "deaths",
        "no judgement",
        "Deaths in a hospice, as a % of all deaths.",
    ),
    Measure(
        "elsewhere",
        "Deaths elsewhere",
        "elsewhere",
        "deaths",
        "no judgement",
        "Deaths in any other place (public places, other communal establishments), "
        "as a % of all deaths.",
    ),
    Measure(
        "usual_residence",
        "Deaths in usual place of residence",
        "usual_residence",
        "deaths",
        "higher is better",
        "Deaths at home or in a care home, as a % of all deaths (DiUPR).",
    ),
    Measure(
        "on_register",
        "On the palliative care register before death",
        "on_register",
        "deaths",
        "higher is better",
        "People who were on their GP practice's palliative care (QOF PC) register before "
        "they died, as a % of all deaths.",
    ),
    Measure(
        "need_identified",
        "Identified before death (people with palliative need)",
        "need_identified",
        "with_need",
        "higher is better",
        "Of people who died of a cause indicating palliative care need (Etkind et al. "
        "2017), the % who were on the palliative care register before death.",
    ),
    Measure(
        "advance_care_plan",
        "Advance care plan before death",
        "advance_care_plan",
        "deaths",
        "higher is better",
        "People with an advance care plan recorded before death, as a % of all deaths.",
    ),
    Measure(
        "epaccs",
        "EPaCCS record before death",
        "epaccs",
        "deaths",
        "higher is better",
        "People with an Electronic Palliative Care Co-ordination System record before "
        "death, as a % of all deaths.",
    ),
    Measure(
        "admitted_90d",
        "Emergency admission in last 90 days",
        "admitted_90d",
        "deaths",
        "lower is better",
        "People with one or more emergency hospital admissions in the last 90 days of "
        "life, as a % of all deaths.",
    ),
    Measure(
        "admitted_3plus_90d",
        "3+ emergency admissions in last 90 days",
        "admitted_3plus_90d",
        "deaths",
        "lower is better",
        "People with three or more emergency admissions in the last 90 days of life, as "
        "a % of all deaths.",
    ),
)

MEASURE_BY_KEY: dict[str, Measure] = {m.key: m for m in MEASURES}
SETTING_KEYS: tuple[str, ...] = ("home", "care_home", "hospital", "hospice", "elsewhere")
