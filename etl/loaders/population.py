"""Populations by five-year age band: ONS mid-year estimates and GP registered lists.

Three layouts: the ONS long layout (MYEB1: one row per area, sex and single year of age,
one ``population_YYYY`` column per year), ONS's estimates for health geographies (the
SAPE workbook: residents of each sub-ICB location, ``etl.loaders.sape``) and NHS
England's "Patients registered at a GP practice" five-year file. All end in
``fact_population`` in ESP2013 bands (90+ open).
"""

from __future__ import annotations

import re
from dataclasses import replace

import duckdb

from etl import SQL_DIR
from etl.layout import Column, HeaderMatch, Layout
from etl.loaders import sape
from etl.loaders.base import Loader, count_loaded
from etl.loaders.practice_map import PRACTICE_MAP_LAYOUT
from etl.sources import SourceFile, normalise_name
from etl.staging import Staged, literal
from peolc.levels import LevelKey
from peolc.sqlfiles import run_sql, sql_text
from peolc.vocabulary import AGE_BANDS_5Y

# MYEB1 'geography' values of the local authority district level (lowercase)
LAD_GEOGRAPHIES = (
    "non-metropolitan district",
    "metropolitan district",
    "london borough",
    "unitary authority",
    "local authority district",
)
SMALL_AREA_GEOGRAPHIES = ("lsoa",)
_KEPT = {
    LevelKey.LAD: "England local authority districts",
    LevelKey.LSOA: "LSOAs",
    LevelKey.SUB_ICB: "sub-ICB locations",
    LevelKey.PRACTICE: "GP practices",
}

_YEAR_COLUMN = re.compile(r"population([0-9]{4})")
_PLACEHOLDER = "population_YYYY"
_BANDS = ", ".join(literal(b) for b in AGE_BANDS_5Y)

MYE_LAYOUT = Layout(
    name="ons-mye-long",
    kind="population",
    description="ONS mid-year estimates, long layout (sheet MYEB1)",
    sheet="MYEB1",
    key=("code", "sex", "age"),
    check_staged=True,  # one column per year, unpivoted into rows
    columns=(
        Column(
            "code",
            invalid_if="not regexp_full_match({c}, '[A-Z][0-9]{8}')",
            expected="an ONS area code such as E06000001",
        ),
        Column("name", required=False, nullable=True),
        Column("geography", expected="the area's level, e.g. Unitary Authority or LSOA"),
        Column("sex", allowed=("M", "F", "1", "2"), expected="M or F (or 1 = male, 2 = female)"),
        Column(
            "age",
            invalid_if=(
                "not (regexp_full_match({c}, '[0-9]{1,3}') and try_cast({c} as integer) <= 120)"
                f" and {{c}} not in ({_BANDS})"
            ),
            expected="a single year of age 0 to 90 (90 = 90 and over) or a five-year band "
            "such as 85-89 or 90+",
        ),
        # replaced by the file's own population_YYYY columns (layouts_for)
        Column(_PLACEHOLDER, "INTEGER", expected="one population_YYYY column per year"),
    ),
)

GP_AGE_GROUPS = (
    "0_4", "5_9", "10_14", "15_19", "20_24", "25_29", "30_34", "35_39", "40_44", "45_49",
    "50_54", "55_59", "60_64", "65_69", "70_74", "75_79", "80_84", "85_89", "90_94", "95+",
    "ALL",
)  # fmt: skip

GP_PRACTICE_TYPE = "GP"  # the ORG_TYPE (TYPE) of practice rows

GP_LAYOUT = Layout(
    name="nhs-gp-registered-5y",
    kind="population",
    description="Patients registered at a GP practice, five-year ages (gp-reg-pat-prac-quin-age)",
    key=("type", "code", "sex", "age_group_5", "extract_date"),
    check_staged=True,  # filtered and regrouped into fact_population
    columns=(
        Column("publication", required=False, nullable=True),
        Column(
            "extract_date",
            invalid_if=(
                "coalesce(try_strptime({c}, '%d%b%Y'), try_strptime({c}, '%Y-%m-%d'), "
                "try_strptime({c}, '%d/%m/%Y'), try_strptime({c}, '%d-%b-%Y')) is null"
            ),
            expected="a date such as 01APR2023 or 2023-04-01",
        ),
        Column("type", aliases=("ORG_TYPE",), expected="the kind of organisation, e.g. GP"),
        Column(
            "sub_icb_code",
            required=False,
            nullable=True,
            aliases=("CCG_CODE", "SUB_ICB_LOCATION_CODE"),
        ),
        Column(
            "ons_sub_icb_code",
            required=False,
            nullable=True,
            aliases=("ONS_CCG_CODE", "ONS_SUB_ICB_LOCATION_CODE", "ONS_SUB_ICB_LOC_CODE"),
        ),
        Column("code", aliases=("ORG_CODE",), expected="the organisation's ODS code"),
        Column("ons_code", required=False, nullable=True),
        Column("postcode", required=False, nullable=True),
        Column("sex", allowed=("MALE", "FEMALE", "ALL")),
        Column("age_group_5", allowed=GP_AGE_GROUPS),
        Column(
            "number_of_patients",
            "INTEGER",
            invalid_if="{c} < 0",
            expected="a whole number of patients, 0 or more",
        ),
    ),
)


def _with_year_columns(layout: Layout, header: tuple[str, ...]) -> Layout:
    """The MYE layout with one INTEGER column per ``population_YYYY`` in the header."""
    years = sorted({m.group(1) for h in header if (m := _YEAR_COLUMN.fullmatch(normalise_name(h)))})
    if not years:
        return layout  # the placeholder stays, so the header check names what is missing
    fixed = tuple(c for c in layout.columns if c.name != _PLACEHOLDER)
    counts = tuple(
        Column(
            f"population_{year}",
            "INTEGER",
            invalid_if="{c} < 0",
            expected="a whole number of people, 0 or more",
        )
        for year in years
    )
    return replace(layout, columns=fixed + counts)


class PopulationLoader(Loader):
    kind = "population"
    layouts: tuple[Layout, ...] = (MYE_LAYOUT, GP_LAYOUT)
    target_table = "fact_population"
    fast = True
    geography = True  # a practice in no loaded mapping still counts (area_base, etl.placement)

    def layouts_for(self, header: tuple[str, ...]) -> tuple[Layout, ...]:
        return (_with_year_columns(MYE_LAYOUT, header), GP_LAYOUT)

    def reads_itself(self, source: SourceFile) -> bool:
        return sape.is_sape_workbook(source)

    def load_custom(
        self, con: duckdb.DuckDBPyConnection, source: SourceFile, load_id: int, lenient: bool
    ) -> tuple[str, Staged, int] | None:
        """The SAPE workbook (sheets "Mid-YYYY ICB YYYY"); None for every other file."""
        if not self.reads_itself(source):
            return None
        layout, staged = sape.load(con, source, load_id, lenient)
        run_sql(con, SQL_DIR, "replace_population", load_id=load_id)
        return layout, staged, count_loaded(con, self.target_table, load_id)

    def insert(
        self, con: duckdb.DuckDBPyConnection, match: HeaderMatch, source: SourceFile, load_id: int
    ) -> int:
        if match.layout.name == GP_LAYOUT.name:
            run_sql(con, SQL_DIR, "load_population_gp", load_id=load_id)
        else:
            run_sql(
                con,
                SQL_DIR,
                "load_population_mye",
                load_id=load_id,
                lad_geographies=list(LAD_GEOGRAPHIES),
                small_area_geographies=list(SMALL_AREA_GEOGRAPHIES),
            )
        run_sql(con, SQL_DIR, "replace_population", load_id=load_id)
        return count_loaded(con, self.target_table, load_id)

    def load_notes(self, con: duckdb.DuckDBPyConnection, layout: str, load_id: int) -> list[str]:
        rows = con.execute(
            "select base_kind, count(distinct base_code), string_agg(distinct year::varchar, ', ' "
            "order by year::varchar) from fact_population where load_id = $id group by base_kind "
            "order by base_kind",
            {"id": load_id},
        ).fetchall()
        kept = "; ".join(f"{n:,} {_KEPT[kind]} (years {years})" for kind, n, years in rows)
        if layout == sape.LAYOUT_NAME:
            return [f"kept {kept}: residents by sex, single years summed into five-year bands"]
        if layout == GP_LAYOUT.name:
            return [
                f"kept {kept}: ORG_TYPE (TYPE) = GP, males and females; 90_94 and 95+ "
                "summed as 90+",
                _gp_totals_note(con),
            ]
        return [f"kept {kept}; other geographies (totals, other UK nations) left out"]


def _gp_totals_note(con: duckdb.DuckDBPyConnection) -> str:
    """The file's other organisations (PCN, sub-ICB, ICB, region) checked against its practices.

    Their rows are published sums of the practices' rows; they are not stored (an area
    sums its practices), so this says whether they agree: each level's total with the
    practices' total, each organisation's ALL row with its age and sex rows, and, where a
    practice mapping of the same extract date is loaded, each sub-ICB's, ICB's and region's
    total with the sum of the practices that mapping gives it.
    """
    rows = con.execute(
        sql_text(SQL_DIR, "check_population_gp"),
        {"practice_type": GP_PRACTICE_TYPE, "extract_layout": PRACTICE_MAP_LAYOUT.name},
    ).fetchall()
    others = [r for r in rows if r[0] != GP_PRACTICE_TYPE]
    if not others:
        return f"the file has only {GP_PRACTICE_TYPE} rows: no published totals to check"
    practices_total = int(rows[0][3] or 0)
    levels = ", ".join(f"{r[1]:,} {r[0]}" for r in others)
    differ = [f"{r[0]} {int(r[2] or 0):,}" for r in others if int(r[2] or 0) != practices_total]
    parts = [f"checked the published totals of {levels}"]
    if differ:
        parts.append(
            f"levels whose total differs from the practices' {practices_total:,}: "
            + ", ".join(differ)
        )
    else:
        parts.append(f"each level totals {practices_total:,}, as the practices do")
    unequal = sum(int(r[4]) for r in rows)
    parts.append(
        "every organisation's ALL row equals its age and sex rows"
        if unequal == 0
        else f"{unequal:,} organisations' ALL rows differ from their age and sex rows"
    )
    mapped = [r for r in others if r[5] is not None]
    if mapped:
        bad = sum(int(r[6]) for r in mapped)
        named = ", ".join(f"{r[5]:,} {r[0]}" for r in mapped)
        parts.append(
            f"by the practice mapping of the same date, the totals of {named} "
            + ("equal their practices' sums" if bad == 0 else f"differ from it for {bad:,}")
        )
    else:
        parts.append("no practice mapping of the same date is loaded to check areas against")
    return "; ".join(parts) + " (the totals are not stored: areas sum their practices)"


LOADER = PopulationLoader()
