"""Record-level deaths in the project's PCMD-style layout (docs/data-formats.md)."""

from __future__ import annotations

import duckdb

from etl import SQL_DIR
from etl.layout import Column, HeaderMatch, Layout, RowCheck
from etl.loaders.base import Loader, count_loaded
from etl.sources import SourceFile
from peolc.sqlfiles import run_sql
from peolc.vocabulary import ETHNIC_GROUPS, PLACES_OF_DEATH, SEXES, USUAL_RESIDENCE

ICD10 = r"^[A-Za-z][0-9]{2}(\.?[0-9A-Za-z])?$"

DEATHS_LAYOUT = Layout(
    name="deaths-v1",
    kind="deaths",
    description="record-level deaths (docs/data-formats.md)",
    key=("record_id",),
    columns=(
        Column("record_id", expected="a unique record identifier"),
        Column(
            "date_of_death",
            "DATE",
            invalid_if="{c} < date '1990-01-01' or {c} > current_date",
            expected="a date of death between 1990-01-01 and today",
        ),
        Column(
            "date_of_registration",
            "DATE",
            invalid_if="{c} < date '1990-01-01' or {c} > current_date",
            expected="a registration date between 1990-01-01 and today",
        ),
        Column(
            "age",
            "SMALLINT",
            invalid_if="{c} < 0 or {c} > 120",
            expected="age in completed years, 0 to 120",
        ),
        Column("sex", allowed=tuple(SEXES)),
        Column("ethnic_group", allowed=tuple(ETHNIC_GROUPS)),
        Column(
            "lsoa_code",
            nullable=True,
            invalid_if="not regexp_full_match({c}, '[EW]01[0-9]{6}')",
            expected="an LSOA code such as E01012392",
        ),
        Column(
            "practice_code",
            nullable=True,
            invalid_if="not regexp_full_match(upper({c}), '[A-Z][0-9]{5}')",
            expected="a GP practice ODS code such as A81001",
        ),
        Column("usual_residence", allowed=tuple(USUAL_RESIDENCE)),
        Column("place_of_death", allowed=tuple(PLACES_OF_DEATH)),
        Column(
            "underlying_cause",
            invalid_if="not regexp_full_match(trim({c}), '" + ICD10[1:-1] + "')",
            expected="an ICD-10 code such as C34.9 or C349",
        ),
        Column(
            "contributory_causes",
            nullable=True,
            required=False,
            expected="ICD-10 codes separated by ';'",
        ),
        Column("on_palliative_register", "BOOLEAN", expected="Y or N"),
        Column(
            "palliative_register_date",
            "DATE",
            nullable=True,
            invalid_if="{c} < date '1990-01-01' or {c} > current_date",
            expected="the date added to the register, or blank",
        ),
        Column("advance_care_plan", "BOOLEAN", expected="Y or N"),
        Column("epaccs_record", "BOOLEAN", expected="Y or N"),
        Column(
            "emergency_admissions_90d",
            "SMALLINT",
            invalid_if="{c} < 0 or {c} > 90",
            expected="a count of emergency admissions, 0 to 90",
        ),
    ),
    row_checks=(
        RowCheck(
            "date_of_registration < date_of_death",
            "date_of_registration",
            "registration is dated before the death",
        ),
        RowCheck(
            "palliative_register_date > date_of_death",
            "palliative_register_date",
            "added to the palliative care register after the date of death",
        ),
        RowCheck(
            "not on_palliative_register and palliative_register_date is not null",
            "palliative_register_date",
            "a register date is given but on_palliative_register is N",
        ),
    ),
)


class DeathsLoader(Loader):
    kind = "deaths"
    layouts = (DEATHS_LAYOUT,)
    target_table = "fact_death"
    fast = True
    geography = False

    def insert(
        self, con: duckdb.DuckDBPyConnection, match: HeaderMatch, source: SourceFile, load_id: int
    ) -> int:
        earlier = con.execute("select count(*) from fact_death").fetchone()
        run_sql(con, SQL_DIR, "load_deaths", load_id=load_id)
        if earlier and earlier[0]:
            run_sql(con, SQL_DIR, "replace_deaths", load_id=load_id)
        return count_loaded(con, self.target_table, load_id)


LOADER = DeathsLoader()
