"""The health equity audit: every measure split by one dimension, and the gap in words.

NHS England asks ICBs to show that access to palliative care is fair. For one place and
year this module gives each group's figure (made safe by ``queries.deaths``), compares
it with the place as a whole (Fingertips' rule, 95% interval, the measure's polarity),
and states the gap in one plain sentence: the slope index of inequality for deprivation,
otherwise the highest against the lowest group with a Newcombe 95% interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from peolc.vocabulary import AGE_BANDS_BROAD, CAUSE_GROUPS, ETHNIC_GROUPS, SEXES
from queries import deaths
from queries.measures import MEASURE_BY_KEY, MEASURES, Measure
from queries.places import Place
from queries.stats import POLARITIES, benchmark

Db = Path | str | None

DIMENSIONS: dict[str, str] = {
    "imd_quintile": "Deprivation (IMD quintile)",
    "imd_decile": "Deprivation (IMD decile)",
    "age_band": "Age band",
    "sex": "Sex",
    "ethnic_group": "Ethnic group",
    "cause_group": "Cause of death group",
}
ORDERED = deaths.ORDERED_DIMENSIONS
NOT_COMPARED = ("unknown", "not_stated")  # shown, but never the ends of a gap
UNKNOWN_LABEL = "Not known"

# what the numerator did, to follow "x% of people who died ..."
PHRASES: dict[str, str] = {
    "home": "died at home",
    "care_home": "died in a care home",
    "hospital": "died in hospital",
    "hospice": "died in a hospice",
    "elsewhere": "died somewhere other than home, a care home, hospital or hospice",
    "usual_residence": "died in their usual place of residence (home or care home)",
    "on_register": "had been on the palliative care register",
    "need_identified": "had been identified on the palliative care register",
    "advance_care_plan": "had an advance care plan",
    "epaccs": "had an EPaCCS record",
    "admitted_90d": "had an emergency admission in their last 90 days",
    "admitted_3plus_90d": "had three or more emergency admissions in their last 90 days",
}
ETHNIC_NOUNS: dict[str, str] = {
    "white": "White people",
    "mixed": "people of mixed or multiple ethnicity",
    "asian": "Asian or Asian British people",
    "black": "Black, Black British, Caribbean or African people",
    "other": "people of other ethnic groups",
}
CAUSE_NOUNS: dict[str, str] = {
    "cancer": "people who died of cancer",
    "organ_failure": "people who died of organ failure",
    "dementia": "people who died with dementia",
    "frailty": "people who died of frailty",
    "other_need": "people who died of other conditions with palliative care need",
    "sudden_other": "people who died suddenly or of other causes",
}


def group_labels(dimension: str) -> dict[str, str]:
    """Group value -> label, in the order charts and tables list the groups."""
    if dimension in ORDERED:
        last = 5 if dimension == "imd_quintile" else 10
        labels = {str(i): str(i) for i in range(1, last + 1)}
        labels["1"], labels[str(last)] = "1 - most deprived", f"{last} - least deprived"
    else:
        labels = {
            "age_band": {band: band for band, _, _ in AGE_BANDS_BROAD},
            "sex": SEXES,
            "ethnic_group": ETHNIC_GROUPS,
            "cause_group": CAUSE_GROUPS,
        }.get(dimension, {})
    return {**labels, "unknown": UNKNOWN_LABEL}


def _label_and_compare(split: pl.DataFrame, overall: pl.DataFrame, dimension: str) -> pl.DataFrame:
    """Add group labels, the place's overall value and each group's benchmark label."""
    labels = group_labels(dimension)
    order = {value: i for i, value in enumerate(labels)}
    frame = split.join(
        overall.select("measure", pl.col("value").alias("overall_value")), on="measure", how="left"
    ).with_columns(
        pl.col("group_value").replace_strict(labels, default=pl.col("group_value")).alias("group"),
        pl.col("group_value").replace_strict(order, default=len(order)).alias("_order"),
        pl.col("measure").replace_strict({m.key: i for i, m in enumerate(MEASURES)}).alias("_m"),
    )
    polarity = frame["measure"].replace_strict({m.key: m.polarity for m in MEASURES}).to_numpy()
    compared = np.full(frame.height, "not compared", dtype=object)
    for kind in POLARITIES:
        rows = polarity == kind
        if rows.any():
            compared[rows] = benchmark(
                frame["lower"].to_numpy()[rows],
                frame["upper"].to_numpy()[rows],
                frame["overall_value"].to_numpy()[rows],
                kind,
            )
    return (
        frame.with_columns(pl.Series("benchmark", compared.tolist(), dtype=pl.String))
        .sort("_m", "_order")
        .drop("_m", "_order")
    )


def split(place: Place, year: int, dimension: str, db: Db = None) -> pl.DataFrame:
    """Every measure for the place split by ``dimension``, each group compared with the place.

    Columns of ``queries.deaths.values`` plus group (label), overall_value (the place's
    value) and benchmark (Fingertips label of the group against the place as a whole).
    """
    return _label_and_compare(
        deaths.values(place, year, dimension, db), deaths.values(place, year, "all", db), dimension
    )


def groups(place: Place, year: int, measure: str, dimension: str, db: Db = None) -> pl.DataFrame:
    """One measure's groups for the place (see ``split``)."""
    return split(place, year, dimension, db).filter(pl.col("measure") == measure)


# --------------------------------------------------------------------------------------
# The gap in one sentence
# --------------------------------------------------------------------------------------


def _pp(value: float) -> str:
    return f"{value:.1f}"


def _spans_zero(lower: float, upper: float) -> bool:
    return lower <= 0 <= upper


def _people(measure: Measure) -> str:
    need = measure.denominator == "with_need"
    return "people who died with palliative care need" if need else "people who died"


def _noun(dimension: str, value: str) -> str:
    """The people of a group, as the subject of 'worse for ...'."""
    if dimension == "sex":
        return {"F": "women", "M": "men"}.get(value, "people of unknown sex")
    if dimension == "age_band":
        return f"people aged {value}"
    if dimension == "ethnic_group":
        return ETHNIC_NOUNS.get(value, f"people in the {value} group")
    if dimension == "cause_group":
        return CAUSE_NOUNS.get(value, f"people who died of {value}")
    return f"people in group {value}"


def _population(dimension: str, value: str, measure: Measure) -> str:
    """The denominator of a group: 'women who died', 'people who died of cancer'..."""
    if dimension == "cause_group":
        return _noun(dimension, value)
    tail = _people(measure).removeprefix("people ")
    return f"{_noun(dimension, value)} {tail}"


def _row(rows: pl.DataFrame, value: str) -> dict[str, Any] | None:
    found = rows.filter(pl.col("group_value") == value)
    return None if found.is_empty() else found.row(0, named=True)


def _ordered_sentence(
    rows: pl.DataFrame,
    measure: Measure,
    dimension: str,
    place_name: str,
    index: dict[str, float] | None,
) -> str:
    part = "fifth" if dimension == "imd_quintile" else "tenth"
    last = "5" if dimension == "imd_quintile" else "10"
    shown: list[float] = []
    for end, row in (("most", _row(rows, "1")), ("least", _row(rows, last))):
        if row is None:
            return (
                f"No deaths were recorded in the {end} deprived {part} of {place_name}, so the "
                f"gap between the most and least deprived cannot be stated."
            )
        if row["value"] is None:
            return (
                f"In {place_name}, the figure for the {end} deprived {part} is hidden because "
                f"the numbers are small, so the gap between the most and least deprived "
                f"cannot be stated."
            )
        shown.append(float(row["value"]))
    most, least = shown
    text = (
        f"In the most deprived {part} of {place_name}, {_pp(most)}% of {_people(measure)} "
        f"{PHRASES[measure.key]}, against {_pp(least)}% in the least deprived {part}"
    )
    if index is None or not all(math.isfinite(index[k]) for k in ("sii", "sii_lower", "sii_upper")):
        return (
            text + f"; the slope index of inequality cannot be calculated because the figure "
            f"for at least one {part} is hidden or missing."
        )
    sii, lower, upper = index["sii"], index["sii_lower"], index["sii_upper"]
    text += (
        f"; the slope index of inequality is {_pp(sii)} percentage points "
        f"(95% CI {_pp(lower)} to {_pp(upper)})"
    )
    if _spans_zero(lower, upper):
        return text + ", so there is no clear gap."
    higher_in = "less" if sii > 0 else "more"
    text += f": higher in {higher_in} deprived areas"
    if measure.polarity == "no judgement":
        return text + "."
    good_high = measure.polarity == "higher is better"
    worse = ("more" if sii > 0 else "less") if good_high else ("less" if sii > 0 else "more")
    return text + f", so people in {worse} deprived areas fare worse."


def newcombe(
    high: tuple[float, float, float], low: tuple[float, float, float]
) -> tuple[float, float, float]:
    """Difference of two proportions with Newcombe's 95% interval (method 10).

    Each argument is (value, lower, upper) from Wilson 95% limits, in the same units;
    returns (difference, lower, upper). Newcombe RG, Stat Med 1998;17:873-890.
    """
    (p1, l1, u1), (p2, l2, u2) = high, low
    diff = p1 - p2
    return (
        diff,
        diff - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
        diff + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
    )


def _unordered_sentence(
    rows: pl.DataFrame, measure: Measure, dimension: str, place_name: str
) -> str:
    candidates = rows.filter(~pl.col("group_value").is_in(NOT_COMPARED))
    shown = candidates.filter(
        pl.col("value").is_not_null()
        & pl.col("lower").is_not_null()
        & pl.col("upper").is_not_null()
    )
    hidden = candidates.height - shown.height
    if shown.height < 2:
        return (
            f"In {place_name}, fewer than two groups by {DIMENSIONS[dimension].lower()} have "
            f"figures that can be shown, so no gap can be stated."
        )
    ranked = shown.sort("value", descending=True, maintain_order=True)
    top, bottom = ranked.row(0, named=True), ranked.row(-1, named=True)
    diff, lower, upper = newcombe(
        (top["value"], top["lower"], top["upper"]),
        (bottom["value"], bottom["lower"], bottom["upper"]),
    )
    text = (
        f"In {place_name}, {_pp(top['value'])}% of "
        f"{_population(dimension, top['group_value'], measure)} {PHRASES[measure.key]}, "
        f"against {_pp(bottom['value'])}% of "
        f"{_population(dimension, bottom['group_value'], measure)}"
    )
    if shown.height > 2:
        text += f" (the highest and lowest of {shown.height} groups)"
    text += f"; the gap is {_pp(diff)} percentage points (95% CI {_pp(lower)} to {_pp(upper)})"
    if _spans_zero(lower, upper):
        text += ", so there is no clear gap"
    elif measure.polarity != "no judgement":
        worse = bottom if measure.polarity == "higher is better" else top
        text += f", worse for {_noun(dimension, worse['group_value'])}"
    if hidden:
        text += (
            f"; {hidden} group{'s' if hidden > 1 else ''} with hidden figures "
            f"{'are' if hidden > 1 else 'is'} not compared"
        )
    return text + "."


def gap_sentence(
    rows: pl.DataFrame,
    measure: str,
    dimension: str,
    place_name: str,
    index: dict[str, float] | None = None,
) -> str:
    """One plain sentence stating the gap for a measure across the groups of ``dimension``.

    ``rows``: the measure's groups (group_value, value, lower, upper, as from ``groups``;
    rows of other measures are ignored); ``index``: ``queries.deaths.inequality`` for an
    IMD split. Hidden (suppressed) and missing groups are named, never guessed; 'no clear
    gap' when the 95% interval of the gap includes 0.
    """
    chosen = MEASURE_BY_KEY[measure]
    if "measure" in rows.columns:
        rows = rows.filter(pl.col("measure") == measure)
    if rows.is_empty() or rows["value"].is_null().all():
        return f"There are no figures to show for {place_name} on this measure."
    if dimension in ORDERED:
        return _ordered_sentence(rows, chosen, dimension, place_name, index)
    return _unordered_sentence(rows, chosen, dimension, place_name)


# --------------------------------------------------------------------------------------
# The whole audit (the report)
# --------------------------------------------------------------------------------------

INDEX_COLUMNS = ("sii", "sii_lower", "sii_upper", "rii", "rii_lower", "rii_upper")


@dataclass(frozen=True)
class Audit:
    """Every measure by every dimension for one place and year, with the gaps stated.

    ``tables``: dimension -> ``split`` frame; ``gaps``: one row per measure and dimension
    (measure, label, polarity, dimension, dimension_label, sentence and, for IMD splits,
    SII/RII with 95% limits).
    """

    place: Place
    year: int
    overall: pl.DataFrame
    tables: dict[str, pl.DataFrame]
    gaps: pl.DataFrame


def audit(place: Place, year: int, db: Db = None) -> Audit:
    """The full equity audit behind the downloadable report."""
    overall = deaths.values(place, year, "all", db)
    tables: dict[str, pl.DataFrame] = {}
    rows: list[dict[str, object]] = []
    for dimension, dimension_label in DIMENSIONS.items():
        frame = _label_and_compare(deaths.values(place, year, dimension, db), overall, dimension)
        tables[dimension] = frame
        for m in MEASURES:
            index = deaths.inequality(frame, m.key, dimension)
            rows.append(
                {
                    "measure": m.key,
                    "label": m.label,
                    "polarity": m.polarity,
                    "dimension": dimension,
                    "dimension_label": dimension_label,
                    "sentence": gap_sentence(frame, m.key, dimension, place.name, index),
                    **{k: (index or {}).get(k) for k in INDEX_COLUMNS},
                }
            )
    text = ("measure", "label", "polarity", "dimension", "dimension_label", "sentence")
    schema: dict[str, type[pl.DataType]] = {k: pl.String for k in text}
    schema |= {k: pl.Float64 for k in INDEX_COLUMNS}
    gaps = pl.DataFrame(rows, schema=schema).with_columns(pl.col(INDEX_COLUMNS).fill_nan(None))
    return Audit(place, year, overall, tables, gaps)
