"""Write the kernel's domain facts into a warehouse: ``ref_*`` tables and the macros.

``peolc/schema.py`` says what the reference tables hold; they are written once, when a
warehouse is created, so SQL reads the hierarchy, settings, bands and measures from the
same rows the Python code uses. ``etl/sql/macros.sql`` has ``{{name}}`` slots for the
facts its macros need as constants (so DuckDB folds them); ``macros_sql`` fills them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import duckdb

from etl import SQL_DIR
from etl.staging import literal
from peolc.breakdowns import BREAKDOWN_KEYS, FINGERTIPS_CATEGORY_TYPES, FINGERTIPS_DECILES
from peolc.levels import FINGERTIPS_AREA_TYPES, LEVEL_KEYS, LEVELS, PRACTICE_LEVELS, LevelKey
from peolc.measures import USUAL_RESIDENCE_SETTINGS
from peolc.schema import reference_rows
from peolc.sqlfiles import sql_text
from peolc.vocabulary import AGE_BANDS_5Y, AGE_BANDS_BROAD, OPEN_AGE_FROM, PLACES_OF_DEATH

_SLOT = re.compile(r"\{\{([a-z_]+)\}\}")


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


def _parent_rank_cases() -> str:
    """One ``when`` per (level, parent) of the kernel, ranked in ``Level.parents`` order."""
    return "\n".join(
        f"        when child_level = {literal(lv.key)} and parent_level = {literal(parent)} "
        f"then {rank}"
        for lv in LEVELS
        for rank, parent in enumerate(lv.parents, start=1)
    )


def macro_slots() -> dict[str, str]:
    """The kernel's constants for the ``{{name}}`` slots of ``etl/sql/macros.sql``."""
    *closed, (open_band, _, _) = AGE_BANDS_BROAD
    broad = [f"        when age < {high + 1} then {literal(band)}" for band, _, high in closed]
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
        "level_keys": _keys([*LEVEL_KEYS, LevelKey.LSOA]),
        "breakdown_keys": _keys(BREAKDOWN_KEYS),
        "parent_rank_cases": _parent_rank_cases(),
        "lsoa_level": literal(LevelKey.LSOA),
        "lad_level": literal(LevelKey.LAD),
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


def macros_sql() -> str:
    """The text of ``etl/sql/macros.sql`` with the kernel's constants in its slots."""
    return render(sql_text(SQL_DIR, "macros"), macro_slots())
