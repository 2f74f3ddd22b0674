"""The ICB dashboard extract: measures by period, area and breakdown (docs/data-formats.md).

A project-defined long layout, so ICB analysts can hand over their own aggregates
(numerator and denominator, suppressed cells left blank) without a new loader.

Plausibility: numerators and denominators are 0 or more, and a proportion's numerator is
at most its denominator. The layout has no column for what a measure is, so its name
says it: a measure counting events or amounts (a word of the name in ``EVENT_WORDS``,
e.g. hospital_bed_days_last_90d) may exceed its denominator; any other is a proportion.
"""

from __future__ import annotations

import duckdb

from etl import SQL_DIR
from etl.layout import SUPPRESSION_MARKERS, Column, HeaderMatch, Layout, RowCheck
from etl.loaders.base import Loader, count_loaded
from etl.sources import SourceFile
from etl.staging import literal
from peolc.breakdowns import BREAKDOWN_KEYS, BREAKDOWNS, BreakdownKey
from peolc.levels import LEVEL_KEYS
from peolc.sqlfiles import run_sql

# the values each breakdown takes (age bands are free text, checked by pattern)
BREAKDOWN_VALUES: dict[str, tuple[str, ...]] = {
    b.key: tuple(b.groups) for b in BREAKDOWNS if b.groups and b.key != BreakdownKey.AGE_BAND
}


def _value_check(breakdown: str, values: tuple[str, ...]) -> RowCheck:
    listed = ", ".join(literal(v) for v in values)
    return RowCheck(
        f"breakdown = {literal(breakdown)} and breakdown_value not in ({listed})",
        "breakdown_value",
        f"expected a {breakdown} value: one of " + ", ".join(values),
    )


_COUNT = "{c} < 0"

# A measure is a proportion of its denominator (people with something, of the deaths or
# people counted), so its numerator cannot exceed it, unless a word of its name (between
# underscores) says it counts events or amounts, or is a rate or an average:
# hospital_bed_days_last_90d, emergency_admissions_last_90d, contacts_per_death.
EVENT_WORDS: tuple[str, ...] = tuple(
    "admissions appointments attendances average calls contacts days episodes events items "
    "mean nights per prescriptions rate ratio total visits".split()
)

NUMERATOR_CHECK = RowCheck(
    "numerator > denominator and denominator >= 0 "
    "and not list_has_any(string_split(measure, '_'), "
    f"[{', '.join(literal(w) for w in EVENT_WORDS)}])",
    "numerator",
    "the numerator is above the denominator of a proportion (a measure whose name has "
    "none of the words " + ", ".join(EVENT_WORDS) + ")",
    shows=("numerator", "denominator", "measure"),
)

ICB_EXTRACT_LAYOUT = Layout(
    name="icb-extract-v1",
    kind="icb-extract",
    description="ICB dashboard extract (docs/data-formats.md)",
    key=("period", "area_code", "measure", "breakdown", "breakdown_value"),
    null_markers=SUPPRESSION_MARKERS,
    columns=(
        Column(
            "period",
            invalid_if=(
                "not regexp_full_match({c}, '[0-9]{4}(-[0-9]{2})?( Q[1-4])?') "
                "or try_cast(substr({c}, 6, 2) as integer) "
                "<> (try_cast(left({c}, 4) as integer) + 1) % 100"
            ),
            expected="a calendar year (2023), financial year (2023-24) or quarter (2023-24 Q1)",
        ),
        Column(
            "area_code",
            invalid_if="not regexp_full_match({c}, '[A-Z][A-Z0-9]{2,8}')",
            expected="an ONS or ODS code such as E54000008, QYG or A81001",
        ),
        Column("area_type", allowed=LEVEL_KEYS),
        Column(
            "measure",
            invalid_if="not regexp_full_match({c}, '[a-z][a-z0-9_]{1,63}')",
            expected="a measure name in lower_snake_case such as deaths_at_home",
        ),
        Column("breakdown", allowed=BREAKDOWN_KEYS),
        Column("breakdown_value", expected="the breakdown's value, or 'all'"),
        Column("numerator", "DOUBLE", nullable=True, invalid_if=_COUNT, expected="0 or more"),
        Column("denominator", "DOUBLE", nullable=True, invalid_if=_COUNT, expected="0 or more"),
    ),
    row_checks=(
        RowCheck(
            "breakdown = 'all' and breakdown_value <> 'all'",
            "breakdown_value",
            "expected 'all' when breakdown is all",
        ),
        *(_value_check(b, v) for b, v in BREAKDOWN_VALUES.items()),
        RowCheck(
            "breakdown = 'age_band' and not regexp_full_match(breakdown_value, "
            "'[0-9]{1,3}(-[0-9]{1,3}|\\+)')",
            "breakdown_value",
            "expected an age band such as 0-64, 85-89 or 90+",
        ),
        NUMERATOR_CHECK,
    ),
)


class IcbExtractLoader(Loader):
    kind = "icb-extract"
    layouts: tuple[Layout, ...] = (ICB_EXTRACT_LAYOUT,)
    target_table = "fact_measure"
    fast = True
    geography = False

    def insert(
        self, con: duckdb.DuckDBPyConnection, match: HeaderMatch, source: SourceFile, load_id: int
    ) -> int:
        earlier = con.execute("select count(*) from fact_measure").fetchone()
        run_sql(con, SQL_DIR, "load_icb_extract", load_id=load_id)
        if earlier and earlier[0]:
            run_sql(con, SQL_DIR, "replace_icb_extract", load_id=load_id)
        return count_loaded(con, self.target_table, load_id)


LOADER = IcbExtractLoader()
