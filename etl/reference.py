"""Write the kernel's domain facts into a warehouse: ``ref_*`` tables, tables and macros.

``peolc/schema.py`` says what the reference tables hold; they are written once, when a
warehouse is created, so SQL reads the hierarchy, settings, bands and measures from the
same rows the Python code uses. ``etl/sql/schema.sql`` and ``macros.sql`` have
``{{name}}`` slots for the facts they need written in: the categories' ENUM values and the
derived sums' count columns, and the constants the macros fold (so DuckDB drops the
branches that do not apply); ``schema_sql`` and ``macros_sql`` fill them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import duckdb

from etl import SQL_DIR
from etl.staging import literal
from peolc.breakdowns import (
    BREAKDOWN_KEYS,
    FINGERTIPS_CATEGORY_TYPES,
    FINGERTIPS_DECILES,
    ORDERED_BREAKDOWNS,
)
from peolc.levels import (
    FINGERTIPS_AREA_TYPES,
    LEVEL_KEYS,
    LEVELS,
    POPULATION_BASES,
    PRACTICE_LEVELS,
    LevelKey,
)
from peolc.measures import MEASURE_COUNTS, USUAL_RESIDENCE_SETTINGS
from peolc.schema import reference_rows
from peolc.sqlfiles import sql_text
from peolc.vocabulary import (
    AGE_BANDS_5Y,
    AGE_BANDS_BROAD,
    CAUSE_GROUPS,
    ETHNIC_GROUPS,
    OPEN_AGE_FROM,
    PLACES_OF_DEATH,
    SEXES,
    USUAL_RESIDENCE,
)

_SLOT = re.compile(r"\{\{([a-z_]+)\}\}")
_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")


def write(con: duckdb.DuckDBPyConnection) -> None:
    """Replace every ``ref_*`` table's rows with the kernel's."""
    for table, rows in reference_rows().items():
        con.execute(f"delete from {table}")  # noqa: S608 (table names from the kernel)
        marks = ", ".join("?" for _ in rows[0])
        con.executemany(f"insert into {table} values ({marks})", rows)  # noqa: S608


def _literals(values: Iterable[str]) -> str:
    return "(" + ", ".join(literal(v) for v in values) + ")"


def _keys(keys: Iterable[str]) -> str:
    """A struct of each key to itself: SQL names a key as ``level_key().icb``."""
    return "{" + ", ".join(f"{literal(k)}: {literal(k)}" for k in keys) + "}"


def _keys_to(mapping: dict[str, str]) -> str:
    """A DuckDB MAP literal: SQL reads ``mapping[key]`` (null when absent)."""
    pairs = ", ".join(f"{literal(k)}: {literal(v)}" for k, v in mapping.items())
    return "MAP {" + pairs + "}"


def _key_macros(kind: str, keys: Iterable[str]) -> str:
    """One scalar macro per key, ``<kind>_key_<key>()``, returning the key."""
    return "\n".join(
        f"create or replace macro {_identifier(kind)}_key_{_identifier(k)}() as {literal(k)};"
        for k in keys
    )


def _identifier(name: str) -> str:
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"{name!r} cannot be part of a macro name")
    return name


def _parent_rank_cases() -> str:
    """One ``when`` per (level, parent) of the kernel, ranked in ``Level.parents`` order."""
    return "\n".join(
        f"        when child_level = {literal(lv.key)} and parent_level = {literal(parent)} "
        f"then {rank}"
        for lv in LEVELS
        for rank, parent in enumerate(lv.parents, start=1)
    )


def schema_slots() -> dict[str, str]:
    """The kernel's constants for the ``{{name}}`` slots of ``etl/sql/schema.sql``."""
    return {
        "sex_enum": _enum(SEXES),
        "ethnic_group_enum": _enum(ETHNIC_GROUPS),
        "usual_residence_enum": _enum(USUAL_RESIDENCE),
        "place_of_death_enum": _enum(PLACES_OF_DEATH),
        "cause_group_enum": _enum(CAUSE_GROUPS),
        "death_counts": ",\n".join(f"    {count} bigint not null" for count in MEASURE_COUNTS),
    }


def _enum(values: Iterable[str]) -> str:
    return "enum" + _literals(values)


def macro_slots() -> dict[str, str]:
    """The kernel's constants for the ``{{name}}`` slots of ``etl/sql/macros.sql``."""
    *closed, (open_band, _, _) = AGE_BANDS_BROAD
    broad = [f"        when age < {high + 1} then {literal(band)}" for band, _, high in closed]
    levels = [*LEVEL_KEYS, LevelKey.LSOA]
    return {
        "open_five_year_from": str(OPEN_AGE_FROM),
        "open_five_year_band": literal(AGE_BANDS_5Y[-1]),
        "broad_band_cases": "\n".join([*broad, f"        else {literal(open_band)}"]),
        "setting_flags": "\n".join(
            f"    cast(d.place_of_death = {literal(key)} as integer) as n_{key},"
            for key in PLACES_OF_DEATH
        ),
        "usual_residence_settings": _literals(USUAL_RESIDENCE_SETTINGS),
        "england_level": literal(LevelKey.ENGLAND),
        "practice_levels": _literals(PRACTICE_LEVELS),
        "ordered_breakdowns": _literals(ORDERED_BREAKDOWNS),
        "level_keys": _keys(levels),
        "breakdown_keys": _keys(BREAKDOWN_KEYS),
        "level_key_macros": _key_macros("level", levels),
        "breakdown_key_macros": _key_macros("breakdown", BREAKDOWN_KEYS),
        "parent_rank_cases": _parent_rank_cases(),
        "lsoa_level": literal(LevelKey.LSOA),
        "lad_level": literal(LevelKey.LAD),
        "population_base_cases": "\n".join(
            f"        when {literal(base.kind)} then {rank}"
            for rank, base in enumerate(POPULATION_BASES, start=1)
        ),
        "practice_level": literal(LevelKey.PRACTICE),
        "fingertips_level_cases": "\n".join(
            f"        when lower(area_type) like {literal(pattern)} then {literal(level)}"
            for pattern, level in FINGERTIPS_AREA_TYPES
        ),
        "fingertips_deciles": "[" + ", ".join(literal(d) for d in FINGERTIPS_DECILES) + "]",
        "fingertips_categories": _keys_to(FINGERTIPS_CATEGORY_TYPES),
    }


def render(text: str, slots: dict[str, str]) -> str:
    """``text`` with every ``{{name}}`` slot filled; a slot without a value is a bug."""

    def fill(match: re.Match[str]) -> str:
        return slots[match.group(1)]

    return _SLOT.sub(fill, text)


def schema_sql() -> str:
    """The text of ``etl/sql/schema.sql`` with the kernel's constants in its slots."""
    return render(sql_text(SQL_DIR, "schema"), schema_slots())


def macros_sql() -> str:
    """The text of ``etl/sql/macros.sql`` with the kernel's constants in its slots."""
    return render(sql_text(SQL_DIR, "macros"), macro_slots())
