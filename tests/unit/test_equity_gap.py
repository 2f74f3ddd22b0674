"""The equity audit's gap sentence: deprivation ends, polarity, hidden groups, no clear gap."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl
import pytest

from queries.equity_gap import gap_sentence, newcombe
from queries.stats import proportion_ci

PLACE = "NHS Somewhere ICB"


def groups(counts: Mapping[str, tuple[int | None, int | None]]) -> pl.DataFrame:
    """Made-safe-looking groups: (numerator, denominator) with None for a hidden count."""
    rows = []
    for value, (num, den) in counts.items():
        shown = num is not None and den is not None and den > 0
        lower, upper = proportion_ci([num or 0], [den or 1], 0.95, multiplier=100)
        rows.append(
            {
                "group_value": value,
                "measure": "on_register",
                "numerator_shown": "*" if num is None else str(num),
                "denominator_shown": "*" if den is None else str(den),
                "value": num / den * 100 if shown else None,  # type: ignore[operator]
                "lower": float(lower[0]) if shown else None,
                "upper": float(upper[0]) if shown else None,
            }
        )
    return pl.DataFrame(rows)


QUINTILES = {
    "1": (310, 1000),
    "2": (350, 1000),
    "3": (380, 1000),
    "4": (420, 1000),
    "5": (450, 1000),
}
CLEAR = {"sii": 13.1, "sii_lower": 9.0, "sii_upper": 17.2}


def test_states_both_ends_and_the_sii_as_in_the_brief() -> None:
    text = gap_sentence(groups(QUINTILES), "on_register", "imd_quintile", PLACE, CLEAR)
    assert text == (
        "For NHS Somewhere ICB, in the most deprived fifth of areas in England, 31.0% of people "
        "who died had been on the palliative care register, against 45.0% in the least "
        "deprived fifth; the slope index of inequality is 13.1 percentage points (95% CI 9.0 "
        "to 17.2): higher in less deprived areas, so people in more deprived areas fare worse."
    )


@pytest.mark.parametrize(
    ("measure", "sii", "fares_worse"),
    [
        ("on_register", 5.0, "more"),  # higher is better, higher where less deprived
        ("on_register", -5.0, "less"),
        ("admitted_90d", 5.0, "less"),  # lower is better: more admitted where less deprived
        ("admitted_90d", -5.0, "more"),
    ],
)
def test_polarity_decides_who_fares_worse(measure: str, sii: float, fares_worse: str) -> None:
    rows = groups(QUINTILES).with_columns(pl.lit(measure).alias("measure"))
    index = {"sii": sii, "sii_lower": sii - 2, "sii_upper": sii + 2}
    text = gap_sentence(rows, measure, "imd_quintile", PLACE, index)
    higher = "less" if sii > 0 else "more"
    assert f"higher in {higher} deprived areas" in text
    assert text.endswith(f"so people in {fares_worse} deprived areas fare worse.")


def test_no_judgement_states_direction_only() -> None:
    rows = groups(QUINTILES).with_columns(pl.lit("home").alias("measure"))
    text = gap_sentence(rows, "home", "imd_quintile", PLACE, CLEAR)
    assert "31.0% of deaths were at home" in text
    assert text.endswith("higher in less deprived areas.") and "worse" not in text


@pytest.mark.parametrize("limits", [(-1.0, 4.0), (0.0, 3.0), (-6.0, 0.0)])
def test_interval_including_zero_is_no_clear_gap(limits: tuple[float, float]) -> None:
    index = {"sii": 1.5, "sii_lower": limits[0], "sii_upper": limits[1]}
    text = gap_sentence(groups(QUINTILES), "on_register", "imd_quintile", PLACE, index)
    assert text.endswith("so there is no clear gap.")
    assert "fare worse" not in text and "higher in" not in text


def test_hidden_end_is_named_not_guessed() -> None:
    counts = QUINTILES | {"1": (None, 40)}
    text = gap_sentence(groups(counts), "on_register", "imd_quintile", PLACE, None)
    assert "most deprived fifth of areas is hidden because the numbers are small" in text
    assert "%" not in text


def test_missing_end_says_no_deaths() -> None:
    counts = {k: v for k, v in QUINTILES.items() if k != "5"}
    text = gap_sentence(groups(counts), "on_register", "imd_decile", PLACE, None)
    assert text.startswith("No deaths were recorded for NHS Somewhere ICB in the least deprived")
    assert "tenth" in text


def test_middle_group_hidden_gives_ends_without_sii() -> None:
    counts = QUINTILES | {"3": (None, 30)}
    text = gap_sentence(groups(counts), "on_register", "imd_quintile", PLACE, None)
    assert "31.0% of people who died" in text and "45.0% in the least deprived fifth" in text
    assert "slope index of inequality cannot be calculated" in text


def test_england_is_not_named_twice() -> None:
    text = gap_sentence(groups(QUINTILES), "on_register", "imd_quintile", "England", CLEAR)
    assert text.startswith("In the most deprived fifth of areas in England, 31.0%")


def test_unordered_split_compares_highest_with_lowest_and_names_who_fares_worse() -> None:
    rows = groups({"M": (430, 1000), "F": (380, 1000), "unknown": (1, 8)})
    text = gap_sentence(rows, "on_register", "sex", PLACE)
    diff, lower, upper = newcombe(
        *[
            (float(r["value"]), float(r["lower"]), float(r["upper"]))
            for r in rows.head(2).to_dicts()
        ]
    )
    assert text == (
        f"In {PLACE}, 43.0% of men who died had been on the palliative care register, against "
        f"38.0% of women who died; the gap is {diff:.1f} percentage points (95% CI "
        f"{lower:.1f} to {upper:.1f}), worse for women."
    )


def test_unordered_hidden_groups_are_counted_and_unknown_is_never_an_end() -> None:
    rows = groups(
        {
            "white": (300, 900),
            "asian": (30, 100),
            "black": (None, 20),
            "mixed": (None, 10),
            "not_stated": (90, 100),
            "unknown": (5, 100),
        }
    )
    text = gap_sentence(rows, "on_register", "ethnic_group", PLACE)
    assert "33.3% of White people who died" in text and "30.0% of Asian" in text
    assert "90.0" not in text and "5.0%" not in text
    assert "so there is no clear gap" in text
    assert text.endswith("; 2 groups with hidden figures are not compared.")


def test_fewer_than_two_groups_shown() -> None:
    rows = groups({"cancer": (40, 100), "dementia": (None, 9), "frailty": (None, 12)})
    text = gap_sentence(rows, "on_register", "cause_group", PLACE)
    assert text == (
        f"In {PLACE}, fewer than two cause groups have figures that can be shown, so no gap "
        "can be stated."
    )


def test_setting_measures_read_as_deaths_and_causes_as_people() -> None:
    rows = groups({"cancer": (380, 1000), "frailty": (150, 1000)}).with_columns(
        pl.lit("hospital").alias("measure")
    )
    text = gap_sentence(rows, "hospital", "cause_group", PLACE)
    assert (
        "38.0% of deaths from cancer were in hospital, against 15.0% of deaths from frailty;"
        in (text)
    )
    # place of death makes no judgement (as Fingertips): a gap, not who fares worse
    assert "worse" not in text


def test_need_measure_names_its_denominator() -> None:
    rows = groups({"85+": (300, 1000), "0-64": (500, 1000)}).with_columns(
        pl.lit("need_identified").alias("measure")
    )
    text = gap_sentence(rows, "need_identified", "age_band", PLACE)
    assert "50.0% of people aged 0-64 who died with palliative care need had been identified" in (
        text
    )


def test_no_figures_at_all() -> None:
    rows = groups({"1": (None, None), "5": (None, 10)})
    assert "no figures to show" in gap_sentence(rows, "on_register", "imd_quintile", PLACE)
    assert "no figures to show" in gap_sentence(rows.clear(), "on_register", "sex", PLACE)


def test_newcombe_matches_the_published_example() -> None:
    # Newcombe (1998) table II: 56/70 - 48/80, method 10: 0.0524 to 0.3339
    lower, upper = proportion_ci([56, 48], [70, 80], 0.95, multiplier=1)
    diff, low, high = newcombe((0.8, lower[0], upper[0]), (0.6, lower[1], upper[1]))
    assert diff == pytest.approx(0.2)
    assert (round(low, 4), round(high, 4)) == (0.0524, 0.3339)


def test_minus_zero_is_never_printed() -> None:
    index = {"sii": -0.8, "sii_lower": -1.5, "sii_upper": -0.04}
    rows = groups(QUINTILES).with_columns(pl.lit("hospital").alias("measure"))
    text = gap_sentence(rows, "hospital", "imd_quintile", PLACE, index)
    assert "-0.0" not in text and "(95% CI -1.5 to 0.0): higher in more deprived" in text
