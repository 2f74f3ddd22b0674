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


UNKNOWN_GROUP = "unknown"  # a group value for people whose group is not recorded
UNKNOWN_LABEL = "Not known"


def _deprivation(last: int) -> dict[str, str]:
    labels = {str(i): str(i) for i in range(1, last + 1)}
    labels["1"], labels[str(last)] = "1 - most deprived", f"{last} - least deprived"
    return labels


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
)
del B
BREAKDOWN_BY_KEY: dict[str, Breakdown] = {b.key: b for b in BREAKDOWNS}
BREAKDOWN_KEYS: tuple[str, ...] = tuple(BREAKDOWN_BY_KEY)
# the splits offered to people (sidebar, equity audit): key -> label
EQUITY_BREAKDOWNS: dict[str, str] = {b.key: b.label for b in BREAKDOWNS if b.equity}
ORDERED_BREAKDOWNS: tuple[str, ...] = tuple(b.key for b in BREAKDOWNS if b.ordered)


def group_labels(key: str) -> dict[str, str]:
    """Group value -> label for breakdown ``key``, in order, 'not known' last."""
    found = BREAKDOWN_BY_KEY.get(key)
    return found.group_labels() if found else {UNKNOWN_GROUP: UNKNOWN_LABEL}
