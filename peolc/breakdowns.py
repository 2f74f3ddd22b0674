"""The ways a place's figures are split: breakdowns, their groups and labels.

One definition for the sidebar's Breakdown picker, the equity audit, the death queries
and the ICB-extract loader's checks; the ETL writes the groups to ``ref_breakdown_group``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from peolc.vocabulary import AGE_BANDS_BROAD, CAUSE_GROUPS, ETHNIC_GROUPS, PLACES_OF_DEATH, SEXES


class BreakdownKey:
    """The breakdown keys, as code names them."""

    ALL: Final = "all"  # not split: the place as a whole
    IMD_QUINTILE: Final = "imd_quintile"
    IMD_DECILE: Final = "imd_decile"
    AGE_BAND: Final = "age_band"
    SEX: Final = "sex"
    ETHNIC_GROUP: Final = "ethnic_group"
    CAUSE_GROUP: Final = "cause_group"
    PLACE_OF_DEATH: Final = "place_of_death"
    # Fingertips' area-based deciles: each area's people take the decile of the whole
    # county/UA or district they live in (not of their LSOA), kept apart from IMD_DECILE
    CTY_UA_DECILE_2021: Final = "cty_ua_imd_decile_2021"
    CTY_UA_DECILE_2023: Final = "cty_ua_imd_decile_2023"
    LAD_DECILE_2021: Final = "lad_imd_decile_2021"


UNKNOWN_GROUP = "unknown"  # a group value for people whose group is not recorded
UNKNOWN_LABEL = "Not known"


def _deprivation(last: int) -> dict[str, str]:
    labels = {str(i): str(i) for i in range(1, last + 1)}
    labels["1"], labels[str(last)] = "1 - most deprived", f"{last} - least deprived"
    return labels


# Fingertips' decile category labels, most deprived first ("Most deprived decile (IMD2019)")
FINGERTIPS_DECILES: tuple[str, ...] = (
    "Most deprived decile", "Second most deprived decile", "Third more deprived decile",
    "Fourth more deprived decile", "Fifth more deprived decile", "Fifth less deprived decile",
    "Fourth less deprived decile", "Third less deprived decile",
    "Second least deprived decile", "Least deprived decile",
)  # fmt: skip


def _fingertips_deciles(vintage: str) -> dict[str, str]:
    return {str(i): f"{label} ({vintage})" for i, label in enumerate(FINGERTIPS_DECILES, 1)}


@dataclass(frozen=True)
class Breakdown:
    """A split of a place's people: its groups in the order charts list them.

    ``ordered`` breakdowns (deprivation) have a gradient, so the equity audit measures
    their gap with the slope index of inequality; ``equity`` ones are offered in the
    sidebar and the equity audit.
    """

    key: str
    label: str
    groups: dict[str, str]  # group value -> label
    ordered: bool = False
    equity: bool = True
    record_level: bool = True  # record-level deaths can be split this way
    short: str = ""  # a label of at most 31 characters (a workbook's sheet name)

    @property
    def short_label(self) -> str:
        return self.short or self.label

    def group_labels(self) -> dict[str, str]:
        """Group value -> label, with the 'not known' group last."""
        return {**self.groups, UNKNOWN_GROUP: UNKNOWN_LABEL}


B = BreakdownKey
BREAKDOWNS: tuple[Breakdown, ...] = (
    Breakdown(B.ALL, "All people", {}, equity=False),
    Breakdown(B.IMD_QUINTILE, "Deprivation (IMD quintile)", _deprivation(5), ordered=True),
    Breakdown(B.IMD_DECILE, "Deprivation (IMD decile)", _deprivation(10), ordered=True),
    Breakdown(B.AGE_BAND, "Age band", {band: band for band, _, _ in AGE_BANDS_BROAD}),
    Breakdown(B.SEX, "Sex", SEXES),
    Breakdown(B.ETHNIC_GROUP, "Ethnic group", ETHNIC_GROUPS),
    Breakdown(B.CAUSE_GROUP, "Cause of death group", CAUSE_GROUPS),
    Breakdown(B.PLACE_OF_DEATH, "Place of death", PLACES_OF_DEATH, equity=False),
    *(
        Breakdown(
            key,
            label,
            _fingertips_deciles("IMD2019"),
            ordered=True,
            record_level=False,
            short=short,
        )
        for key, label, short in (
            (
                B.CTY_UA_DECILE_2021,
                "County & UA deprivation deciles in England (IMD2019, 4/21 geography)",
                "County & UA IMD deciles 4-21",
            ),
            (
                B.CTY_UA_DECILE_2023,
                "County & UA deprivation deciles in England (IMD2019, 4/23 geography)",
                "County & UA IMD deciles 4-23",
            ),
            (
                B.LAD_DECILE_2021,
                "District & UA deprivation deciles in England (IMD2019, 4/21 geography)",
                "District & UA IMD deciles 4-21",
            ),
        )
    ),  # fmt: skip
)
del B
BREAKDOWN_BY_KEY: dict[str, Breakdown] = {b.key: b for b in BREAKDOWNS}
BREAKDOWN_KEYS: tuple[str, ...] = tuple(BREAKDOWN_BY_KEY)
# the splits offered to people (sidebar, equity audit): key -> label
EQUITY_BREAKDOWNS: dict[str, str] = {b.key: b.label for b in BREAKDOWNS if b.equity}
ORDERED_BREAKDOWNS: tuple[str, ...] = tuple(b.key for b in BREAKDOWNS if b.ordered)
# the splits record-level deaths give (the others come only from published extracts)
RECORD_LEVEL_BREAKDOWNS: tuple[str, ...] = tuple(b.key for b in BREAKDOWNS if b.record_level)
# Fingertips category types -> the breakdown their rows are (others are not shown)
FINGERTIPS_CATEGORY_TYPES: dict[str, str] = {
    "LSOA deprivation deciles in England (IMD2019)": BreakdownKey.IMD_DECILE,
    **{b.label: b.key for b in BREAKDOWNS if not b.record_level},
}


def group_labels(key: str) -> dict[str, str]:
    """Group value -> label for breakdown ``key``, in order, 'not known' last."""
    found = BREAKDOWN_BY_KEY.get(key)
    return found.group_labels() if found else {UNKNOWN_GROUP: UNKNOWN_LABEL}
