"""Derived facts: the sums the dashboard reads, rebuilt whenever their inputs change.

Scanning every death (millions of rows) for each chart is what made pages slow. The
tables of schema ``derived`` (etl/sql/schema.sql) hold the same figures summed by area
and year, computed with the attribution rules of etl/sql/macros.sql. The code that loads
(``etl.loading.load_files``, ``etl.open_data``, the demo build) calls ``refresh`` as the
last step of its write transaction (``etl.warehouse.transaction``), for the kinds it
loaded and after the derived geography, so the warehouse swapped in is always consistent:
a load never leaves these tables behind its facts.
"""

from __future__ import annotations

from collections.abc import Set

from etl import SQL_DIR
from etl.warehouse import Transaction
from peolc.levels import ENGLAND_CODE
from peolc.sqlfiles import run_sql

# kinds that change area_base or lsoa_imd (their loaders rebuild the derived geography;
# population: a practice in no mapping becomes a base unit of England, etl.placement)
GEOGRAPHY = frozenset({"lookups", "qof", "imd", "boundaries", "population"})
DEATHS = frozenset({"deaths"}) | GEOGRAPHY
POPULATION = frozenset({"population"}) | GEOGRAPHY
YEARS = {"deaths": "deaths", "population": "population", "qof": "qof", "fingertips": "indicators"}


def refresh(tx: Transaction, kinds: Set[str]) -> None:
    """Rebuild the derived tables that depend on any of ``kinds``, as one step of ``tx``."""
    if not kinds & (DEATHS | POPULATION | YEARS.keys()):
        return
    with tx.step() as con:
        if kinds & GEOGRAPHY:
            run_sql(con, SQL_DIR, "derive_signatures")
        if kinds & DEATHS:
            run_sql(con, SQL_DIR, "derive_deaths", england_code=ENGLAND_CODE)
        if kinds & POPULATION:
            run_sql(con, SQL_DIR, "derive_population")
        if kinds & YEARS.keys():
            flags = {source: kind in kinds for kind, source in YEARS.items()}
            run_sql(con, SQL_DIR, "derive_years", **flags)
