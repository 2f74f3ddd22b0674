"""The places where small numbers are everywhere: the hardest tests of disclosure control."""

from __future__ import annotations

from pathlib import Path

import duckdb

from queries.places import Place


def smallest(db: Path, level: str, at_least: int = 1, nth: int = 0) -> Place:
    """The place of ``level`` with the fewest deaths (at least ``at_least``) in the latest
    year, ties by code: the places where small numbers are everywhere."""
    base = "practice_code" if level in ("pcn", "practice") else "lsoa_code"
    kind = "practice" if level in ("pcn", "practice") else "lsoa"
    sql = f"""
        with latest as (select max(year) as year from fact_death),
        counted as (
            select b.area_code, count(*) as deaths
            from fact_death as d, latest
            join area_base as b on b.base_code = d.{base}
            where d.year = latest.year and b.level = $level and b.base_kind = '{kind}'
            group by b.area_code
        )
        select a.area_code, a.area_name
        from counted join dim_area as a on a.area_code = counted.area_code and a.level = $level
        where deaths >= $at_least
        order by deaths, a.area_code
        limit 1 offset $nth
    """
    with duckdb.connect(str(db), read_only=True) as con:
        code, name = con.sql(
            sql, params={"level": level, "at_least": at_least, "nth": nth}
        ).fetchall()[0]
    return Place(str(code), level, str(name))
