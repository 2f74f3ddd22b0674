"""NHS England's practice mapping of "Patients Registered at a GP Practice" (monthly).

``gp-reg-pat-prac-map.csv`` (published zipped) names every practice's PCN, sub-ICB
location, ICB and commissioning region, with ODS and ONS codes, as at the extract date.
It is read by the lookups loader (``peolc load lookups``, ``lookups/`` of open-data) into
``geo_practice_map``: the history of each practice's areas, one vintage per extract. It
does not change today's areas (``geo_link``): those stay the geography the loaded QOF
mapping and ONS lookups give, so each year's figures keep the areas they were published
for. It places a practice that no mapping in ``geo_link`` names (``derive_geography``).
"""

from __future__ import annotations

import duckdb

from etl import SQL_DIR
from etl.layout import Column, Layout
from etl.loaders.base import count_staged
from peolc.sqlfiles import run_sql

# PCN code of the practices allocated to no PCN
UNALLOCATED_PCN = "U"

_DATE = (
    "coalesce(try_strptime({c}, '%d%b%Y'), try_strptime({c}, '%Y-%m-%d'), "
    "try_strptime({c}, '%d/%m/%Y'), try_strptime({c}, '%d-%b-%Y')) is null"
)
_ODS = "not regexp_full_match(upper({c}), '[0-9A-Z]{3}|[0-9A-Z]{5}')"


def _ons(name: str, prefix: str, example: str, *aliases: str) -> Column:
    return Column(
        name,
        aliases=aliases,
        invalid_if=f"not regexp_full_match({{c}}, '{prefix}[0-9]{{6}}')",
        expected=f"an ONS code such as {example}",
    )


def _ods(name: str, example: str) -> Column:
    return Column(
        name, invalid_if=_ODS, expected=f"an ODS code of 3 or 5 characters such as {example}"
    )


PRACTICE_MAP_LAYOUT = Layout(
    name="nhs-gp-practice-map",
    kind="lookups",
    description="Patients Registered at a GP Practice: practice mapping (gp-reg-pat-prac-map)",
    key=("practice_code",),
    fast=False,  # reshaped into geo_practice_map
    columns=(
        Column("publication", required=False, nullable=True),
        Column("extract_date", invalid_if=_DATE, expected="a date such as 01Jul2026 or 2026-07-01"),
        Column(
            "practice_code",
            invalid_if="not regexp_full_match(upper({c}), '[A-Z][0-9]{5}')",
            expected="a GP practice ODS code such as A81001",
        ),
        Column("practice_name"),
        Column("practice_postcode", required=False, nullable=True),
        Column(
            "pcn_code",
            nullable=True,
            invalid_if=(
                f"upper({{c}}) <> '{UNALLOCATED_PCN}' and "
                "not regexp_full_match(upper({c}), '[0-9A-Z]{5,6}')"
            ),
            expected=f"a PCN ODS code such as U89141, or {UNALLOCATED_PCN} (unallocated)",
        ),
        Column("pcn_name", nullable=True),
        _ons("ons_sub_icb_code", "E38", "E38000247", "ONS_SUB_ICB_LOCATION_CODE"),
        Column(
            "sub_icb_code",
            aliases=("SUB_ICB_LOCATION_CODE",),
            invalid_if=_ODS,
            expected="an ODS code of 3 or 5 characters such as 16C",
        ),
        Column("sub_icb_name", aliases=("SUB_ICB_LOCATION_NAME",)),
        _ons("ons_icb_code", "E54", "E54000050"),
        _ods("icb_code", "QHM"),
        Column("icb_name"),
        _ons("ons_comm_region_code", "E40", "E40000012"),
        _ods("comm_region_code", "Y63"),
        Column("comm_region_name"),
    ),
)


def load_practice_map(con: duckdb.DuckDBPyConnection, load_id: int) -> int:
    """Insert the staged mapping (``src_rows``) into ``geo_practice_map``; rows loaded."""
    run_sql(
        con,
        SQL_DIR,
        "load_practice_map",
        load_id=load_id,
        layout=PRACTICE_MAP_LAYOUT.name,
        unallocated_pcn=UNALLOCATED_PCN,
    )
    return count_staged(con)
