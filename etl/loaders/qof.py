"""QOF raw files: practice registers and list sizes, and the practice → region mapping.

NHS England publishes one zip of CSVs per financial year; the year is only in the file
names (``PREVALENCE_2223.csv`` = 2022-23), so the loader reads it from there.
"""

from __future__ import annotations

import re

import duckdb

from etl import SQL_DIR
from etl.layout import Column, HeaderMatch, Layout
from etl.loaders.base import Loader, count_loaded, count_staged
from etl.loaders.practice_map import UNALLOCATED_PCN
from etl.sources import SourceFile
from peolc.errors import LoadError
from peolc.sqlfiles import run_sql

PRACTICE = Column(
    "practice_code",
    invalid_if="not regexp_full_match(upper({c}), '[A-Z][0-9]{5}')",
    expected="a GP practice ODS code such as A81001",
)

PREVALENCE_LAYOUT = Layout(
    name="qof-prevalence",
    kind="qof",
    description="QOF prevalence (PREVALENCE_YYZZ.csv)",
    key=("practice_code", "group_code"),
    columns=(
        PRACTICE,
        Column(
            "group_code",
            invalid_if="not regexp_full_match(upper({c}), '[A-Z0-9]{1,10}')",
            expected="a QOF register code such as PC",
        ),
        # published as a float ("38.0"); DOUBLE lets DuckDB's typed reader take it as is
        Column(
            "register",
            "DOUBLE",
            invalid_if="{c} < 0 or {c} <> round({c})",
            expected="a whole number of patients, 0 or more",
        ),
        Column("list_type", aliases=("PATIENT_LIST_TYPE",), expected="TOTAL or an age band"),
        Column(
            "list_size",
            "INTEGER",
            aliases=("PRACTICE_LIST_SIZE",),
            invalid_if="{c} < 0",
            expected="a whole number of patients, 0 or more",
        ),
    ),
)

ONS = "E[0-9]{8}"
MAPPING_LAYOUT = Layout(
    name="qof-mapping",
    kind="qof",
    description="QOF organisational mapping (MAPPING_NHS_GEOGRAPHIES_YYZZ.csv)",
    key=("practice_code",),
    fast=False,  # inserts into geo_name and geo_link, not fact_qof
    columns=(
        Column("region_ods_code"),
        Column(
            "region_ons_code",
            invalid_if=f"not regexp_full_match({{c}}, '{ONS}')",
            expected="an NHS region code such as E40000012",
        ),
        Column("region_name"),
        Column("icb_ods_code"),
        Column(
            "icb_ons_code",
            invalid_if="not regexp_full_match({c}, 'E54[0-9]{6}')",
            expected="an ICB code such as E54000050",
        ),
        Column("icb_name"),
        Column("sub_icb_ods_code"),
        Column(
            "sub_icb_ons_code",
            invalid_if="not regexp_full_match({c}, 'E38[0-9]{6}')",
            expected="a sub-ICB location code such as E38000247",
        ),
        Column("sub_icb_name"),
        Column("pcn_ods_code", nullable=True),
        Column("pcn_name", nullable=True),
        PRACTICE,
        Column("practice_name"),
    ),
)

_YEAR = re.compile(r"(?<![0-9])([0-9]{2})([0-9]{2})(?![0-9])")


def financial_year(file_name: str) -> int:
    """Start year of the financial year named in the file (``_2223`` → 2022)."""
    for found in _YEAR.finditer(file_name):
        first, second = int(found.group(1)), int(found.group(2))
        if (first + 1) % 100 == second:
            return 2000 + first
    raise LoadError(
        f"{file_name} does not say which financial year it covers.",
        f"{file_name}: expected the year in the name as NHS England publishes it, "
        "e.g. PREVALENCE_2223.csv or MAPPING_NHS_GEOGRAPHIES_2223.csv (2223 = 2022-23). "
        "Rename the file and load it again.",
    )


class QofLoader(Loader):
    kind = "qof"
    layouts: tuple[Layout, ...] = (PREVALENCE_LAYOUT, MAPPING_LAYOUT)
    target_table = "fact_qof"
    fast = True
    geography = True  # the mapping names practices, PCNs, sub-ICBs, ICBs and regions

    def insert(
        self, con: duckdb.DuckDBPyConnection, match: HeaderMatch, source: SourceFile, load_id: int
    ) -> int:
        year = financial_year(source.name)
        if match.layout is MAPPING_LAYOUT:
            run_sql(
                con,
                SQL_DIR,
                "load_qof_mapping",
                load_id=load_id,
                year=year,
                layout=MAPPING_LAYOUT.name,
                unallocated_pcn=UNALLOCATED_PCN,
            )
            return count_staged(con)  # one row per practice
        run_sql(con, SQL_DIR, "load_qof_prevalence", load_id=load_id, year=year)
        return count_loaded(con, self.target_table, load_id)


LOADER = QofLoader()
