"""The store of published values: what the aggregate sources say, ready for every page.

``store.indicator_value`` (etl/sql/schema.sql) holds one row per indicator, current
area, year, breakdown group and source. ``refresh`` rebuilds the part of it a load's
kinds feed, as one step of the load's transaction, after the derived geography (rows
are matched to today's areas): Fingertips rows as published (etl/sql/store_fingertips.sql),
then what a file lacks computed by the indicator's method and marked as computed; ICB
extract rows (restricted) rounded and suppressed by the NHS Digital rule, with values and
limits computed from the rounded counts. Rows for areas or indicators the warehouse does
not know stay in their fact table and reach the store when a later load makes them known
(a geography load rebuilds it too).
"""

from __future__ import annotations

from collections.abc import Set
from concurrent.futures import ThreadPoolExecutor

import duckdb
import numpy as np
import polars as pl

from etl import SQL_DIR
from etl.derived import DEATHS, GEOGRAPHY
from etl.loaders.fingertips import few
from etl.warehouse import Transaction
from peolc.breakdowns import BreakdownKey
from peolc.levels import ENGLAND_CODE, LevelKey
from peolc.measures import INDICATORS, SourceKind
from peolc.sqlfiles import run_sql, sql_text
from queries.stats import (  # the statistics package both layers share
    NHS_DIGITAL_RULE,
    death_cells,
    proportion_ci,
    rate_ci,
    suppress_frame,
)

FINGERTIPS = frozenset({SourceKind.FINGERTIPS}) | GEOGRAPHY
ICB_EXTRACT = frozenset({SourceKind.ICB_EXTRACT}) | GEOGRAPHY
COMPUTED_998 = "lower_998,upper_998"
COMPUTED_ALL = "value,lower_95,upper_95,lower_998,upper_998"
UNKNOWN_AREAS = "rows for areas this warehouse does not know"  # a load note's words


def refresh(tx: Transaction, kinds: Set[str]) -> None:
    """Rebuild the store rows of the sources ``kinds`` feed, as one step of ``tx``."""
    if not kinds & (FINGERTIPS | ICB_EXTRACT | DEATHS):
        return
    with tx.step() as con:
        if kinds & DEATHS:
            _deaths(con)
        if kinds & FINGERTIPS:
            run_sql(con, SQL_DIR, "store_fingertips")
            _from_predecessors(con)
            _fill_998_limits(con)
            _note_unknown_areas(con)
        if kinds & ICB_EXTRACT:
            _icb_extract(con)


PREDECESSORS_NOTE = "not combined for"  # a load note's first words


def _from_predecessors(con: duckdb.DuckDBPyConnection) -> None:
    """Cells of a merged area summed from its predecessors' published counts, if they nest.

    Only where the predecessors nest exactly (``store_predecessors.sql``): counts summed,
    value and limits recomputed by the indicator's method, marked as computed and named
    in the value note. Where they do not, nothing is combined and the Fingertips loads'
    notes say which merged areas were left without.
    """
    cells = con.sql(sql_text(SQL_DIR, "store_predecessors")).pl()
    if cells.is_empty():
        return
    exact = cells.filter(pl.col("exact"))
    if not exact.is_empty():
        frame = _with_values(exact.drop("exact")).with_columns(
            pl.lit(False).alias("suppressed"),
            (
                pl.lit("combined from the areas it replaced (")
                + pl.col("predecessors").list.join(", ")
                + pl.lit("), which nest in it exactly")
            ).alias("value_note"),
        )
        con.register("predecessor_values", frame.drop("predecessors"))
        con.execute(
            """
            insert into store.indicator_value by name
            select *, $source as source, false as restricted, null as compared_england
            from predecessor_values
            """,
            {"source": SourceKind.FINGERTIPS},
        )
        con.unregister("predecessor_values")
    left = cells.filter(~pl.col("exact")).unique(["level", "area_code"], maintain_order=True)
    if left.is_empty():
        return
    named = ", ".join(
        f"{code} (from {', '.join(p)})"
        for code, p in left.select("area_code", "predecessors").rows()
    )
    areas = "merged area" if left.height == 1 else "merged areas"
    note = (
        f"{PREDECESSORS_NOTE} {left.height} {areas} whose predecessors do not nest "
        f"exactly: {named}; they show their own published rows only"
    )
    newest = con.execute(
        "select max(load_id) from load_log where kind = $kind", {"kind": SourceKind.FINGERTIPS}
    ).fetchall()[0][0]
    if newest is not None:
        _replace_note(con, int(newest), f"{PREDECESSORS_NOTE} [0-9,]+ merged area", note)


def _replace_note(con: duckdb.DuckDBPyConnection, load_id: int, starts: str, note: str) -> None:
    """Put ``note`` last in a load's notes, in place of the one a rebuild wrote before.

    ``starts`` is a regular expression for how that earlier note begins; it and what
    follows it go (the store's notes are always written last).
    """
    con.execute(
        "update load_log set notes = concat_ws('; ', nullif(regexp_replace("
        "coalesce(notes, ''), '(; )?' || $starts || '.*$', ''), ''), $note) "
        "where load_id = $id",
        {"note": note, "starts": starts, "id": load_id},
    )


def _note_unknown_areas(con: duckdb.DuckDBPyConnection) -> None:
    """Say in each Fingertips load's log which of its areas the warehouse does not know."""
    unknown = con.execute(
        """
        select load_id, count(*), string_agg(distinct area_code, ', ' order by area_code)
        from fact_indicator
        where area_code not in (select alias from area_alias)
        group by load_id
        """
    ).fetchall()
    for load_id, rows, codes in unknown:
        note = f"{rows:,} {UNKNOWN_AREAS} ({few(codes)}): kept, and shown once a geography "
        note += "load makes them known"
        _replace_note(con, load_id, f"[0-9,]+ {UNKNOWN_AREAS}", note)


def _fill_998_limits(con: duckdb.DuckDBPyConnection) -> None:
    """99.8% Wilson limits for published proportions that carry counts but not the limits."""
    missing = con.sql(
        """
        select v.rowid as row_id, v.numerator, v.denominator, m.multiplier
        from store.indicator_value as v
        join ref_measure as m using (measure)
        where v.lower_998 is null and v.numerator is not null and v.denominator > 0
            and m.statistic = 'proportion'
        """
    ).pl()
    if missing.is_empty():
        return
    low, high = proportion_ci(
        missing["numerator"].to_numpy(),
        missing["denominator"].to_numpy(),
        confidence=0.998,
        multiplier=missing["multiplier"].to_numpy(),
    )
    filled = missing.select("row_id").with_columns(
        pl.Series("lower_998", np.asarray(low, np.float64)),
        pl.Series("upper_998", np.asarray(high, np.float64)),
    )
    con.register("filled_998", filled)
    con.execute(
        """
        update store.indicator_value as v
        set lower_998 = f.lower_998, upper_998 = f.upper_998,
            computed = concat_ws(',', v.computed, $fields)
        from filled_998 as f
        where v.rowid = f.row_id
        """,
        {"fields": COMPUTED_998},
    )
    con.unregister("filled_998")


DEATH_CELL = ("level", "area_code", "year", "breakdown", "group_value")  # one table cell
DEATH_SPLIT = ("level", "area_code", "year", "breakdown")  # the groups of one split
PROTECTING_THREADS = 2  # numpy and polars release the GIL for most of the work


def _deaths(con: duckdb.DuckDBPyConnection) -> None:
    """Record-level deaths' cells, protected once for every page, download and export.

    Restricted: below England every count follows the NHS Digital rule, protected against
    every sum it is part of (``queries.stats.death_cells.measure_sums``), and values and
    limits are computed from the rounded counts.
    """
    con.execute("delete from store.indicator_value where source = $s", {"s": SourceKind.DEATHS})
    query = sql_text(SQL_DIR, "store_deaths_cells")
    cells = con.sql(query, params={"england_code": ENGLAND_CODE}).pl()
    if cells.is_empty():
        return
    origin = con.execute(
        "select string_agg(distinct file_name, ', ' order by file_name), max(load_id) "
        "from load_log where kind = $kind",
        {"kind": SourceKind.DEATHS},
    ).fetchall()
    source_file, load_id = origin[0]
    parts = sorted(cells.partition_by("level"), key=lambda part: -part.height)
    with ThreadPoolExecutor(max_workers=PROTECTING_THREADS) as pool:
        for rows in pool.map(_protected_death_rows, parts):  # inserted here, in order
            con.register("death_values", rows)
            con.execute(
                """
                insert into store.indicator_value by name
                select *, cast(year as varchar) as period, 'Persons' as sex, 'All ages' as age,
                    $computed as computed, $source as source, $file as source_file,
                    true as restricted, null as compared_england, null as value_note,
                    $load_id as load_id
                from death_values
                """,
                {
                    "computed": COMPUTED_ALL,
                    "source": SourceKind.DEATHS,
                    "file": source_file or "",
                    "load_id": load_id or 0,
                },
            )
            con.unregister("death_values")


def _protected_death_rows(part: pl.DataFrame) -> pl.DataFrame:
    """One level's record-level cells protected, in the store's columns (a worker's job:
    levels share no cells, so they are protected side by side)."""
    level = str(part["level"][0])
    long = death_cells.long_counts(part, DEATH_CELL)
    split = pl.col("breakdown") != BreakdownKey.ALL
    safe = death_cells.protected(long, level, DEATH_CELL, DEATH_SPLIT, split)
    return safe.select(
        *DEATH_CELL,
        "measure",
        pl.col("numerator", "denominator").cast(pl.Float64),
        "value",
        pl.col("lower").alias("lower_95"),
        pl.col("upper").alias("upper_95"),
        "lower_998",
        "upper_998",
        (
            (pl.col("numerator_shown") == NHS_DIGITAL_RULE.symbol)
            | (pl.col("denominator_shown") == NHS_DIGITAL_RULE.symbol)
        ).alias("suppressed"),
    )


CELL = ["measure", "level", "area_code", "year", "breakdown"]  # the groups of one split


def _icb_extract(con: duckdb.DuckDBPyConnection) -> None:
    """The ICB extract's cells made safe and given values and limits by each method.

    ICB extracts are restricted: below England every count follows the NHS Digital rule
    (1-7 hidden, others rounded to 5) with the groups of a split protected as siblings of
    their total, and values and limits are computed from the rounded counts.
    """
    con.execute(
        "delete from store.indicator_value where source = $s", {"s": SourceKind.ICB_EXTRACT}
    )
    cells = con.sql(sql_text(SQL_DIR, "store_icb_extract_cells")).pl()
    if cells.is_empty():
        return
    national = cells.filter(pl.col("level") == LevelKey.ENGLAND)
    local = cells.filter(pl.col("level") != LevelKey.ENGLAND).sort(CELL)
    safe = suppress_frame(local, ["numerator"], group_by=CELL, total="denominator")
    hidden = safe["numerator_display"] == NHS_DIGITAL_RULE.symbol
    local = safe.select(cells.columns).with_columns(pl.Series("suppressed", hidden))
    frame = pl.concat(
        [local, national.with_columns(pl.lit(False).alias("suppressed"))], how="vertical_relaxed"
    ).with_columns(pl.col("numerator", "denominator").cast(pl.Float64))
    frame = _with_values(frame)
    con.register("icb_extract_values", frame)
    con.execute(
        """
        insert into store.indicator_value by name
        select *, $source as source, true as restricted, null as compared_england,
            null as value_note, 'Persons' as sex, 'All ages' as age
        from icb_extract_values
        """,
        {"source": SourceKind.ICB_EXTRACT},
    )
    con.unregister("icb_extract_values")


def _with_values(frame: pl.DataFrame) -> pl.DataFrame:
    """Value and 95%/99.8% limits by each indicator's method, marked as computed."""
    statistic = frame["measure"].replace_strict({m.key: m.statistic for m in INDICATORS})
    multiplier = frame["measure"].replace_strict({m.key: m.multiplier for m in INDICATORS})
    num = frame["numerator"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    den = frame["denominator"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    mult = multiplier.cast(pl.Float64).to_numpy()
    is_rate = (statistic == "crude rate").to_numpy()
    limits = {}
    for name, confidence in (("95", 0.95), ("998", 0.998)):
        p_low, p_high = proportion_ci(num, den, confidence=confidence, multiplier=mult)
        r_low, r_high = rate_ci(num, den, confidence=confidence, multiplier=mult)
        limits[f"lower_{name}"] = np.where(is_rate, r_low, p_low)
        limits[f"upper_{name}"] = np.where(is_rate, r_high, p_high)
    with np.errstate(all="ignore"):
        value = np.where(den > 0, num / den * mult, np.nan)
    return frame.with_columns(
        pl.Series("value", value).fill_nan(None),
        *(pl.Series(k, np.asarray(v, np.float64)).fill_nan(None) for k, v in limits.items()),
        pl.lit(COMPUTED_ALL).alias("computed"),
    )
