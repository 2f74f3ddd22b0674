"""The store of published values: what the aggregate sources say, ready for every page.

``store.indicator_value`` (etl/sql/schema.sql) holds one row per indicator, current
area, year, breakdown group and source. ``refresh`` rebuilds the part of it a load's
kinds feed, as one step of the load's transaction, after the derived geography (rows
are matched to today's areas): Fingertips rows as published (etl/sql/store_fingertips.sql),
then what a file lacks computed by the indicator's method and marked as computed. Rows
for areas or indicators the warehouse does not know stay in their fact table and reach
the store when a later load makes them known (a geography load rebuilds it too).
"""

from __future__ import annotations

from collections.abc import Set

import duckdb
import numpy as np
import polars as pl

from etl import SQL_DIR
from etl.derived import GEOGRAPHY
from etl.warehouse import Transaction
from peolc.sqlfiles import run_sql
from queries.stats import proportion_ci  # the statistics package both layers share

FINGERTIPS = frozenset({"fingertips"}) | GEOGRAPHY
COMPUTED_998 = "lower_998,upper_998"


def refresh(tx: Transaction, kinds: Set[str]) -> None:
    """Rebuild the store rows of the sources ``kinds`` feed, as one step of ``tx``."""
    if not kinds & FINGERTIPS:
        return
    with tx.step() as con:
        run_sql(con, SQL_DIR, "store_fingertips")
        _fill_998_limits(con)


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
