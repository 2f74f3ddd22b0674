"""The places people pick: levels, their hierarchy, and what each level counts by.

The one definition of the area hierarchy. Queries compare a place with its parent and
its peers from here, the register tables list a place's child levels from here, and the
ETL writes these rows to ``ref_level`` so SQL joins them instead of repeating level names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


class LevelKey:
    """The level keys, as code names them (plain strings: they are stored as text)."""

    ENGLAND: Final = "england"
    NHS_REGION: Final = "nhs_region"
    ICB: Final = "icb"
    SUB_ICB: Final = "sub_icb"
    PCN: Final = "pcn"
    PRACTICE: Final = "practice"
    REGION: Final = "region"
    CTY_UA: Final = "cty_ua"
    LAD: Final = "lad"
    LSOA: Final = "lsoa"  # a building block of areas, never picked


class BaseKind:
    """The building blocks an area's people are summed from (``area_base.base_kind``)."""

    LSOA: Final = "lsoa"  # residents of its small areas
    LAD: Final = "lad"  # residents of its local authority districts
    SUB_ICB: Final = "sub_icb"  # residents of its sub-ICB locations (ONS SAPE for health areas)
    PRACTICE: Final = "practice"  # patients registered with its GP practices


@dataclass(frozen=True)
class PopulationBase:
    """A base kind as pages name it: ``short`` for tiles and tables, ``long`` for captions."""

    kind: str
    short: str
    long: str
    residents: bool  # ONS residents (True) or patients on GP lists (False)


# best first: an area takes its population from the first of these it has rows for
# (etl/sql/macros.sql population_base_priority), so a place is counted as finely as loaded
POPULATION_BASES: tuple[PopulationBase, ...] = (
    PopulationBase(
        BaseKind.LSOA,
        "residents (small-area estimates)",
        "residents (small-area population estimates summed over the area's LSOAs)",
        True,
    ),
    PopulationBase(
        BaseKind.LAD,
        "residents (ONS mid-year estimates)",
        "residents (ONS mid-year estimates for local authority districts)",
        True,
    ),
    PopulationBase(
        BaseKind.SUB_ICB,
        "residents (ONS estimates for health areas)",
        "residents (ONS mid-year estimates for sub-ICB locations)",
        True,
    ),
    PopulationBase(
        BaseKind.PRACTICE,
        "registered patients",
        "registered patients (GP practice lists)",
        False,
    ),
)
POPULATION_BASE_BY_KIND: dict[str, PopulationBase] = {b.kind: b for b in POPULATION_BASES}
# said wherever a population includes residents shared out from a sub-ICB location that
# was split after its estimate (etl/sql/derive_geography.sql: area_successor, area_base)
APPORTIONED_NOTE = (
    "an estimate in part: residents of a sub-ICB location split since are shared out by "
    "the registered patients of the practices each part took"
)


class CountsBy:
    """How a level's deaths and people are attributed to its areas."""

    EVERYONE: Final = "everyone"  # England: every death registered in England
    RESIDENCE: Final = "residence"  # by LSOA of usual residence (Fingertips' convention)
    REGISTERED_PRACTICE: Final = "registered_practice"  # by the GP practice registered with


@dataclass(frozen=True)
class Level:
    """A kind of place people can pick, with where its figures come from.

    ``parents`` are the levels a place is compared with when the comparator is its
    parent, first found wins (a district in no county compares with its region, a
    practice in no PCN with its sub-ICB);
    ``peer_parent`` is the level whose area a place's peers share (an ICB is compared
    with every ICB in England, a sub-ICB with the sub-ICBs of its NHS region).
    """

    key: str
    label: str
    plural: str
    family: str  # "nhs" (commissioning) or "la" (local government) or "national"
    parents: tuple[str, ...]
    peer_parent: str | None
    counts_by: str

    @property
    def parent(self) -> str | None:
        return self.parents[0] if self.parents else None

    @property
    def by_practice(self) -> bool:
        return self.counts_by == CountsBy.REGISTERED_PRACTICE


K, C = LevelKey, CountsBy
LEVELS: tuple[Level, ...] = (
    Level(K.ENGLAND, "England", "England", "national", (), None, C.EVERYONE),
    Level(K.NHS_REGION, "NHS region", "NHS regions", "nhs", (K.ENGLAND,), K.ENGLAND, C.RESIDENCE),
    Level(K.ICB, "ICB", "ICBs", "nhs", (K.NHS_REGION,), K.ENGLAND, C.RESIDENCE),
    Level(K.SUB_ICB, "Sub-ICB location", "sub-ICB locations", "nhs", (K.ICB,), K.NHS_REGION,
          C.RESIDENCE),
    Level(K.PCN, "Primary care network", "PCNs", "nhs", (K.SUB_ICB,), K.ICB,
          C.REGISTERED_PRACTICE),
    Level(K.PRACTICE, "GP practice", "GP practices", "nhs", (K.PCN, K.SUB_ICB), K.SUB_ICB,
          C.REGISTERED_PRACTICE),
    Level(K.REGION, "Region (ONS)", "regions", "la", (K.ENGLAND,), K.ENGLAND, C.RESIDENCE),
    Level(K.CTY_UA, "County / unitary authority", "counties and UAs", "la", (K.REGION,),
          K.ENGLAND, C.RESIDENCE),
    Level(K.LAD, "Local authority district", "districts and UAs", "la", (K.CTY_UA, K.REGION),
          K.REGION, C.RESIDENCE),
)  # fmt: skip
del K, C
LEVEL_KEYS: tuple[str, ...] = tuple(level.key for level in LEVELS)
LEVEL_BY_KEY: dict[str, Level] = {level.key: level for level in LEVELS}
PEER_PARENT_LEVEL: dict[str, str | None] = {level.key: level.peer_parent for level in LEVELS}
PRACTICE_LEVELS: tuple[str, ...] = tuple(level.key for level in LEVELS if level.by_practice)


def descendants(key: str) -> tuple[str, ...]:
    """The levels below ``key`` on its hierarchy, nearest first (ICB: sub-ICB, PCN, practice)."""
    below: list[str] = []
    frontier = [key]
    while frontier:
        children = [lv.key for lv in LEVELS if lv.parent in frontier and lv.key not in below]
        below.extend(children)
        frontier = children
    return tuple(below)


ENGLAND_CODE = "E92000001"
ENGLAND_NAME = "England"


@dataclass(frozen=True)
class Place:
    """A place people can pick: its current code, level and name."""

    code: str
    level: str
    name: str

    @property
    def level_label(self) -> str:
        return LEVEL_BY_KEY[self.level].label

    @property
    def is_england(self) -> bool:
        return self.level == LevelKey.ENGLAND

    @property
    def by_practice(self) -> bool:
        """Whether its deaths and people are those registered with its practices."""
        return LEVEL_BY_KEY[self.level].by_practice


ENGLAND = Place(ENGLAND_CODE, LevelKey.ENGLAND, ENGLAND_NAME)


class Comparator:
    """What a place's figures are benchmarked against (the sidebar's Compare with)."""

    ENGLAND: Final = "england"
    PARENT: Final = "parent"  # the place's parent on its hierarchy (Level.parents)


COMPARATORS: dict[str, str] = {Comparator.ENGLAND: "England", Comparator.PARENT: "Parent area"}


# Fingertips' area type names -> level, first match wins (SQL ``like`` on the lower-cased
# name): the API's short names ("County & UA", "ICB"), FingertipsNext's long ones ("NHS
# Sub Integrated Care Boards"), and the vintage suffixes ("County & UA (4/19-3/20)")
FINGERTIPS_AREA_TYPES: tuple[tuple[str, str], ...] = (
    ("county & ua%", LevelKey.CTY_UA),
    ("counties%", LevelKey.CTY_UA),
    ("upper tier%", LevelKey.CTY_UA),
    ("district & ua%", LevelKey.LAD),
    ("districts%", LevelKey.LAD),
    ("lower tier%", LevelKey.LAD),
    ("%sub%icb%", LevelKey.SUB_ICB),
    ("%sub integrated care board%", LevelKey.SUB_ICB),
    ("%integrated care board%", LevelKey.ICB),
    ("icb%", LevelKey.ICB),
    ("nhs region%", LevelKey.NHS_REGION),
    ("region%", LevelKey.REGION),
    ("england", LevelKey.ENGLAND),
    ("country", LevelKey.ENGLAND),
    ("%pcn%", LevelKey.PCN),
    ("%primary care network%", LevelKey.PCN),
    ("gp%", LevelKey.PRACTICE),
)

# Fingertips' area type ids (the API's ``child_area_type_id``) -> level: what ``peolc fetch
# fingertips`` asks for (its ``--area-types``), the current types of each level
FINGERTIPS_AREA_TYPE_IDS: dict[int, str] = {
    15: LevelKey.ENGLAND,
    6: LevelKey.REGION,
    221: LevelKey.ICB,  # ICBs (from April 2023)
    66: LevelKey.SUB_ICB,  # sub-ICB locations (formerly CCGs)
    204: LevelKey.PCN,
    7: LevelKey.PRACTICE,
    502: LevelKey.CTY_UA,  # counties and unitary authorities (from April 2023)
    501: LevelKey.LAD,  # districts and unitary authorities (from April 2023)
}

# Fingertips area types of the commissioning geography the ICBs replaced (CCGs, STPs), as
# SQL ``like`` patterns on the lower-cased name: a row of one of these whose area, period
# and group a current type also publishes is a duplicate, dropped by the fetch
FINGERTIPS_SUPERSEDED_AREA_TYPES: tuple[str, ...] = (
    "ccg%",
    "%clinical commissioning group%",
    "stp%",
    "%sustainability and transformation%",
)
