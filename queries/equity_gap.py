"""The gap between groups in one plain sentence, for the equity audit and its report.

People read the sentence, not the chart, so it must be right: the ends of a deprivation
split are IMD quantiles of areas in England (not of the place), the slope index of
inequality carries the gap when it can be calculated, a hidden (suppressed) group is
named as hidden and never guessed, and "no clear gap" is said whenever the 95%
interval of the gap includes 0. Other splits compare the highest with the lowest group
shown, with Newcombe's interval for the difference of two proportions.
"""

from __future__ import annotations

import math
from typing import Any

import polars as pl

from peolc.breakdowns import ORDERED_BREAKDOWNS, BreakdownKey
from peolc.measures import MEASURE_BY_KEY, Measure, MeasureKey

ORDERED = ORDERED_BREAKDOWNS
NOT_COMPARED = ("unknown", "not_stated")  # shown in tables, never an end of a gap
GROUP_NOUNS: dict[str, str] = {
    BreakdownKey.AGE_BAND: "age bands",
    BreakdownKey.SEX: "groups by sex",
    BreakdownKey.ETHNIC_GROUP: "ethnic groups",
    BreakdownKey.CAUSE_GROUP: "cause groups",
}

# place-of-death measures read "x% of deaths ... were <where>"
WHERE: dict[str, str] = {
    MeasureKey.HOME: "at home",
    MeasureKey.CARE_HOME: "in a care home",
    MeasureKey.HOSPITAL: "in hospital",
    MeasureKey.HOSPICE: "in a hospice",
    MeasureKey.ELSEWHERE: "somewhere other than home, a care home, hospital or hospice",
    MeasureKey.USUAL_RESIDENCE: "in the usual place of residence (home or care home)",
}
# the others read "x% of people who died <had ...>"
HAD: dict[str, str] = {
    MeasureKey.ON_REGISTER: "had been on the palliative care register",
    MeasureKey.NEED_IDENTIFIED: "had been identified on the palliative care register",
    MeasureKey.ADVANCE_CARE_PLAN: "had an advance care plan",
    MeasureKey.EPACCS: "had an EPaCCS record",
    MeasureKey.ADMITTED_90D: "had an emergency admission in their last 90 days",
    MeasureKey.ADMITTED_3PLUS_90D: "had three or more emergency admissions in their last 90 days",
}
ETHNIC_PEOPLE: dict[str, str] = {
    "white": "White people",
    "mixed": "people of mixed or multiple ethnicity",
    "asian": "Asian or Asian British people",
    "black": "Black, Black British, Caribbean or African people",
    "other": "people of other ethnic groups",
}
CAUSE_DEATHS: dict[str, str] = {
    "cancer": "deaths from cancer",
    "organ_failure": "deaths from organ failure",
    "dementia": "deaths with dementia",
    "frailty": "deaths from frailty",
    "other_need": "deaths from other conditions with palliative care need",
    "sudden_other": "sudden deaths and deaths from other causes",
}
CAUSE_PEOPLE: dict[str, str] = {
    "cancer": "people who died of cancer",
    "organ_failure": "people who died of organ failure",
    "dementia": "people who died with dementia",
    "frailty": "people who died of frailty",
    "other_need": "people who died of other conditions with palliative care need",
    "sudden_other": "people who died suddenly or of other causes",
}


def _pp(value: float) -> str:
    """One decimal place, never '-0.0'."""
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def _people(dimension: str | None, value: str) -> str:
    """The people of a group: 'women', 'people aged 85+', 'White people'..."""
    if dimension == BreakdownKey.SEX:
        return {"F": "women", "M": "men"}.get(value, "people of unknown sex")
    if dimension == BreakdownKey.AGE_BAND:
        return f"people aged {value}"
    if dimension == BreakdownKey.ETHNIC_GROUP:
        return ETHNIC_PEOPLE.get(value, f"people in the {value} group")
    return "people"


def _deaths(dimension: str | None, value: str) -> str:
    """A group's deaths: 'deaths', 'deaths of women', 'deaths from cancer'..."""
    if dimension == BreakdownKey.CAUSE_GROUP:
        return CAUSE_DEATHS.get(value, f"deaths from {value}")
    if dimension in (BreakdownKey.SEX, BreakdownKey.AGE_BAND, BreakdownKey.ETHNIC_GROUP):
        return f"deaths of {_people(dimension, value)}"
    return "deaths"


def _who(dimension: str | None, value: str) -> str:
    """Whom a gap is worse for."""
    if dimension == BreakdownKey.CAUSE_GROUP:
        return CAUSE_PEOPLE.get(value, f"people who died of {value}")
    return _people(dimension, value)


def _share(
    value: float, measure: Measure, dimension: str | None, group: str, predicate: bool = True
) -> str:
    """'31.2% of women who died had been on ...', '23.5% of deaths were at home'.

    Without the predicate ('against 18.4% of deaths of people aged 85+') for the second
    half of a comparison.
    """
    if measure.key in WHERE:
        text = f"{_pp(value)}% of {_deaths(dimension, group)}"
        return f"{text} were {WHERE[measure.key]}" if predicate else text
    people = (
        _who(dimension, group)
        if dimension == BreakdownKey.CAUSE_GROUP
        else _people(dimension, group)
    )
    if dimension != BreakdownKey.CAUSE_GROUP:
        people += " who died"
        if measure.denominator == "with_need":
            people += " with palliative care need"
    text = f"{_pp(value)}% of {people}"
    return f"{text} {HAD[measure.key]}" if predicate else text


def _state(row: dict[str, Any] | None) -> str:
    """'shown', 'hidden' (suppressed) or 'none' (no one in the group's denominator)."""
    if row is None:
        return "none"
    if row["value"] is not None:
        return "shown"
    hidden = "*" in (row.get("numerator_shown"), row.get("denominator_shown"))
    return "hidden" if hidden else "none"


def _row(rows: pl.DataFrame, value: str) -> dict[str, Any] | None:
    found = rows.filter(pl.col("group_value") == value)
    return None if found.is_empty() else found.row(0, named=True)


def _ordered(
    rows: pl.DataFrame, measure: Measure, dimension: str, place: str, index: dict[str, float] | None
) -> str:
    part = "fifth" if dimension == BreakdownKey.IMD_QUINTILE else "tenth"
    ends = {"most": _row(rows, "1"), "least": _row(rows, "5" if part == "fifth" else "10")}
    for end, row in ends.items():
        state = _state(row)
        if state == "none":
            whom = "people with palliative care need" if measure.denominator == "with_need" else ""
            return (
                f"No deaths{' of ' + whom if whom else ''} were recorded for {place} in the "
                f"{end} deprived {part} of areas in England, so the gap between the most and "
                f"least deprived cannot be stated."
            )
        if state == "hidden":
            return (
                f"For {place}, the figure for the {end} deprived {part} of areas is hidden "
                f"because the numbers are small, so the gap between the most and least "
                f"deprived cannot be stated."
            )
    most, least = (float(row["value"]) for row in ends.values() if row is not None)
    where = f"For {place}, in the most deprived {part} of areas in England"
    if place == "England":
        where = f"In the most deprived {part} of areas in England"
    text = (
        f"{where}, {_share(most, measure, None, '')}, against {_pp(least)}% in the least "
        f"deprived {part}"
    )
    keys = ("sii", "sii_lower", "sii_upper")
    if index is None or not all(math.isfinite(index.get(k, math.nan)) for k in keys):
        return (
            f"{text}; the slope index of inequality cannot be calculated because the figure "
            f"for at least one {part} is hidden or missing."
        )
    sii, lower, upper = (index[k] for k in keys)
    text += (
        f"; the slope index of inequality is {_pp(sii)} percentage points "
        f"(95% CI {_pp(lower)} to {_pp(upper)})"
    )
    if lower <= 0 <= upper:
        return f"{text}, so there is no clear gap."
    text += f": higher in {'less' if sii > 0 else 'more'} deprived areas"
    if measure.polarity == "no judgement":
        return f"{text}."
    worse_if_higher_in_less = "more" if measure.polarity == "higher is better" else "less"
    other = "less" if worse_if_higher_in_less == "more" else "more"
    worse = worse_if_higher_in_less if sii > 0 else other
    return f"{text}, so people in {worse} deprived areas fare worse."


def newcombe(
    high: tuple[float, float, float], low: tuple[float, float, float]
) -> tuple[float, float, float]:
    """Difference of two proportions with Newcombe's 95% interval (method 10).

    Each argument is (value, lower, upper) with Wilson 95% limits in the same units;
    returns (difference, lower, upper). Newcombe RG, Stat Med 1998;17:873-890.
    """
    (p1, l1, u1), (p2, l2, u2) = high, low
    diff = p1 - p2
    return (
        diff,
        diff - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
        diff + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
    )


def _unordered(rows: pl.DataFrame, measure: Measure, dimension: str, place: str) -> str:
    candidates = rows.filter(~pl.col("group_value").is_in(NOT_COMPARED))
    states = [_state(r) for r in candidates.iter_rows(named=True)]
    hidden = states.count("hidden")
    shown = candidates.filter(pl.all_horizontal(pl.col("value", "lower", "upper").is_not_null()))
    noun = GROUP_NOUNS.get(dimension, "groups")
    if shown.height < 2:
        return (
            f"In {place}, fewer than two {noun} have figures that can be shown, so no gap can "
            f"be stated."
        )
    ranked = shown.sort("value", descending=True, maintain_order=True)
    top, bottom = ranked.row(0, named=True), ranked.row(-1, named=True)
    diff, lower, upper = newcombe(
        (top["value"], top["lower"], top["upper"]),
        (bottom["value"], bottom["lower"], bottom["upper"]),
    )
    text = (
        f"In {place}, {_share(top['value'], measure, dimension, top['group_value'])}, against "
        f"{_share(bottom['value'], measure, dimension, bottom['group_value'], predicate=False)}"
    )
    if shown.height > 2:
        text += f" (the highest and lowest of {shown.height} {noun})"
    text += f"; the gap is {_pp(diff)} percentage points (95% CI {_pp(lower)} to {_pp(upper)})"
    if lower <= 0 <= upper:
        text += ", so there is no clear gap"
    elif measure.polarity != "no judgement":
        worse = bottom if measure.polarity == "higher is better" else top
        text += f", worse for {_who(dimension, worse['group_value'])}"
    if hidden:
        plural = hidden > 1
        text += (
            f"; {hidden} group{'s' if plural else ''} with hidden figures "
            f"{'are' if plural else 'is'} not compared"
        )
    return f"{text}."


def gap_sentence(
    rows: pl.DataFrame,
    measure: str,
    dimension: str,
    place_name: str,
    index: dict[str, float] | None = None,
) -> str:
    """One plain sentence stating the gap for a measure across the groups of ``dimension``.

    ``rows``: the groups (group_value, value, lower, upper, numerator_shown,
    denominator_shown, as ``queries.equity.groups`` returns; rows of other measures are
    ignored). ``index``: ``queries.deaths.inequality`` for an IMD split.
    """
    chosen = MEASURE_BY_KEY[measure]
    if "measure" in rows.columns:
        rows = rows.filter(pl.col("measure") == measure)
    if rows.is_empty() or rows["value"].is_null().all():
        return f"There are no figures to show for {place_name} on this measure and split."
    if dimension in ORDERED:
        return _ordered(rows, chosen, dimension, place_name, index)
    return _unordered(rows, chosen, dimension, place_name)
