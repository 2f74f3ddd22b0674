"""English Indices of Deprivation 2019, File 1: IMD rank and decile of every LSOA 2011.

MHCLG publishes it as a workbook (sheet ``IMD2019``); the same columns as CSV load too.
Decile 1 is the most deprived 10% of the 32,844 LSOAs.
"""

from __future__ import annotations

import duckdb

from etl import SQL_DIR
from etl.layout import Column, HeaderMatch, Layout, RowCheck
from etl.loaders.base import Loader, count_loaded
from etl.sources import SourceFile
from peolc.sqlfiles import run_sql

LSOA_COUNT = 32844

IMD_LAYOUT = Layout(
    name="imd2019-file1",
    kind="imd",
    description="IMD 2019 File 1 (sheet IMD2019)",
    sheet="IMD2019",
    key=("lsoa11_code",),
    columns=(
        Column(
            "lsoa11_code",
            aliases=("LSOA code (2011)",),
            invalid_if="not regexp_full_match({c}, 'E01[0-9]{6}')",
            expected="an English LSOA 2011 code such as E01000001",
        ),
        Column("lsoa11_name", aliases=("LSOA name (2011)",)),
        Column(
            "lad19_code",
            aliases=("Local Authority District code (2019)",),
            required=False,
            nullable=True,
            invalid_if="not regexp_full_match({c}, 'E0[6-9][0-9]{6}')",
            expected="an English local authority district code such as E09000001",
        ),
        Column(
            "imd_rank",
            "INTEGER",
            aliases=(
                "Index of Multiple Deprivation (IMD) Rank",
                "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
            ),
            invalid_if=f"{{c}} < 1 or {{c}} > {LSOA_COUNT}",
            expected=f"a rank from 1 (most deprived) to {LSOA_COUNT:,}",
        ),
        Column(
            "imd_decile",
            "SMALLINT",
            aliases=(
                "Index of Multiple Deprivation (IMD) Decile",
                "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of "
                "LSOAs)",
            ),
            invalid_if="{c} < 1 or {c} > 10",
            expected="a decile from 1 (most deprived) to 10",
        ),
    ),
    row_checks=(
        RowCheck(
            f"imd_decile <> cast(ceil(imd_rank * 10.0 / {LSOA_COUNT}) as integer)",
            "imd_decile",
            "the decile does not match the rank (decile = rank divided into tenths of "
            f"{LSOA_COUNT:,})",
        ),
    ),
)


class ImdLoader(Loader):
    kind = "imd"
    layouts: tuple[Layout, ...] = (IMD_LAYOUT,)
    target_table = "imd_lsoa"
    fast = True
    geography = True  # names LSOA 2011s; lsoa_imd is rebuilt from imd_lsoa

    def insert(
        self, con: duckdb.DuckDBPyConnection, match: HeaderMatch, source: SourceFile, load_id: int
    ) -> int:
        run_sql(con, SQL_DIR, "load_imd", load_id=load_id)
        return count_loaded(con, self.target_table, load_id)


LOADER = ImdLoader()
