"""The kernel's domain facts reach the warehouse unchanged: ref_* tables and macros."""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl import schema
from etl.reference import macros_sql, render, schema_sql
from etl.warehouse import transaction
from peolc.breakdowns import BREAKDOWN_KEYS, ORDERED_BREAKDOWNS
from peolc.levels import LEVEL_KEYS, LEVELS, PRACTICE_LEVELS, LevelKey, descendants
from peolc.measures import DEATHS, MEASURE_COUNTS
from peolc.schema import reference_rows
from peolc.vocabulary import CAUSE_GROUPS, ETHNIC_GROUPS, PLACES_OF_DEATH, SEXES, USUAL_RESIDENCE


def test_every_reference_table_holds_the_kernels_rows(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with transaction(db, setup=schema.ensure, fresh=True) as tx:
        tx.con.execute("insert into warehouse_meta values ('note', 'changed')")
    with duckdb.connect(str(db), read_only=True) as con:
        for table, rows in reference_rows().items():
            stored = con.execute(f"select * from {table}").fetchall()
            assert sorted(map(repr, stored)) == sorted(map(repr, rows)), table
        by_practice = con.execute(
            "select level from ref_level where counts_by = 'registered_practice' order by ordinal"
        ).fetchall()
    assert tuple(level for (level,) in by_practice) == PRACTICE_LEVELS


def test_macros_have_every_slot_filled_and_fold_the_kernels_levels() -> None:
    text = macros_sql()
    assert "{{" not in text and "}}" not in text
    assert "where lvl in ('pcn', 'practice')" in text
    assert "when age >= 90 then '90+'" in text


def test_a_slot_without_a_value_is_an_error() -> None:
    try:
        render("select {{missing}}", {})
    except KeyError as e:
        assert "missing" in str(e)
    else:
        raise AssertionError("render filled a slot it has no value for")


def test_the_hierarchy_is_one_tree() -> None:
    keys = [level.key for level in LEVELS]
    for level in LEVELS:
        assert all(parent in keys for parent in level.parents)
        assert level.peer_parent is None or level.peer_parent in keys
        assert level.key not in descendants(level.key)
    assert set(descendants(LevelKey.ENGLAND)) == set(keys) - {LevelKey.ENGLAND}


def test_the_key_macros_and_rules_are_the_kernels(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with transaction(db, setup=schema.ensure, fresh=True):
        pass
    levels = [*LEVEL_KEYS, LevelKey.LSOA]
    with duckdb.connect(str(db), read_only=True) as con:
        for level in levels:
            row = con.execute(
                f"select level_key_{level}(), level_key().{level}, by_practice($l)", {"l": level}
            ).fetchall()
            assert row == [(level, level, level in PRACTICE_LEVELS)], level
        for key in BREAKDOWN_KEYS:
            row = con.execute(
                f"select breakdown_key_{key}(), breakdown_key().{key}, ordered_breakdown($b)",
                {"b": key},
            ).fetchall()
            assert row == [(key, key, key in ORDERED_BREAKDOWNS)], key


def test_the_schema_takes_its_categories_and_counts_from_the_kernel(tmp_path: Path) -> None:
    assert "{{" not in schema_sql() and "}}" not in schema_sql()
    db = tmp_path / "w.duckdb"
    with transaction(db, setup=schema.ensure, fresh=True):
        pass
    with duckdb.connect(str(db), read_only=True) as con:

        def columns(table: str) -> dict[str, str]:
            return {name: kind for name, kind, *_ in con.execute(f"describe {table}").fetchall()}

        death = columns("fact_death")
        for column, values in [
            ("sex", SEXES),
            ("ethnic_group", ETHNIC_GROUPS),
            ("usual_residence", USUAL_RESIDENCE),
            ("place_of_death", PLACES_OF_DEATH),
            ("cause_group", CAUSE_GROUPS),
        ]:
            assert death[column] == "ENUM(" + ", ".join(f"'{v}'" for v in values) + ")", column
        for table in ("derived.death_area", "derived.death_area_imd", "derived.death_england"):
            counts = [name for name, kind in columns(table).items() if kind == "BIGINT"]
            assert tuple(counts) == MEASURE_COUNTS, table
        # derive_deaths.sql inserts deaths and then the flags by position
        flags = [name[2:] for name in columns("death_flags") if name.startswith("n_")]
        assert (DEATHS, *flags) == MEASURE_COUNTS
