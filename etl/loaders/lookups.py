"""ONS geography lookups (geographr's snake_case exports, or the ONS column names).

Each layout names areas of a few levels and links them. One SQL file loads them all:
the loader maps the layout's columns onto the roles ``load_lookups.sql`` reads (a
view built from our own constants), and binds each level's vintage.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from etl import SQL_DIR
from etl.layout import Column, HeaderMatch, Layout
from etl.loaders.base import Loader, count_staged
from etl.loaders.practice_map import PRACTICE_MAP_LAYOUT, load_practice_map
from etl.sources import SourceFile
from etl.staging import ident
from peolc.levels import LevelKey
from peolc.sqlfiles import run_sql

ROLES = (
    "lsoa_code", "lsoa_name", "sub_icb_code", "sub_icb_name", "sub_icb_ods", "icb_code",
    "icb_name", "icb_ods", "lad_code", "lad_name", "cty_ua_code", "cty_ua_name",
    "region_code", "region_name",
)  # fmt: skip

_CODES = {
    LevelKey.LSOA: ("[EW]01[0-9]{6}", "an LSOA code such as E01012392"),
    LevelKey.SUB_ICB: ("E38[0-9]{6}", "a sub-ICB location code such as E38000068"),
    LevelKey.ICB: ("E54[0-9]{6}", "an ICB code such as E54000008"),
    LevelKey.LAD: ("[EWSN][0-9]{8}", "a local authority district code such as E06000001"),
    LevelKey.CTY_UA: ("[EWSN][0-9]{8}", "a county or unitary authority code such as E10000006"),
    LevelKey.REGION: ("E12[0-9]{6}", "a region code such as E12000001"),
}


def _code(name: str, level: str, *aliases: str) -> Column:
    pattern, expected = _CODES[level]
    return Column(
        name,
        aliases=aliases,
        invalid_if=f"not regexp_full_match({{c}}, '{pattern}')",
        expected=expected,
    )


def _ods(name: str, *aliases: str) -> Column:
    return Column(
        name,
        aliases=aliases,
        invalid_if="not regexp_full_match({c}, '[0-9A-Z]{3}|[0-9A-Z]{5}')",
        expected="an ODS code of 3 or 5 characters such as 01F, QYG or M2L0M",
    )


@dataclass(frozen=True)
class LookupLayout:
    """A lookup layout, the role each of its columns plays, and each level's vintage."""

    layout: Layout
    roles: dict[str, str]  # role -> layout column
    vintages: dict[str, int]  # level -> vintage (year of the geography)


def _layout(name: str, description: str, key: str, *columns: Column) -> Layout:
    return Layout(
        name=name,
        kind="lookups",
        description=description,
        key=(key,),
        columns=columns,
        fast=False,  # reshaped into geo_name and geo_link
    )


LOOKUPS: tuple[LookupLayout, ...] = (
    LookupLayout(
        _layout(
            "lsoa21-sicbl24-icb24",
            "LSOA 2021 → sub-ICB → ICB lookup (2024)",
            "lsoa21_code",
            _code("lsoa21_code", LevelKey.LSOA, "LSOA21CD"),
            Column("lsoa21_name", aliases=("LSOA21NM",)),
            _code("sicbl24_code", LevelKey.SUB_ICB, "SICBL24CD"),
            Column("sicbl24_name", aliases=("SICBL24NM",)),
            _ods("sicbl24_code_nhs", "SICBL24CDH"),
            _code("icb24_code", LevelKey.ICB, "ICB24CD"),
            Column("icb24_name", aliases=("ICB24NM",)),
            _ods("icb24_code_nhs", "ICB24CDH"),
        ),
        {
            "lsoa_code": "lsoa21_code",
            "lsoa_name": "lsoa21_name",
            "sub_icb_code": "sicbl24_code",
            "sub_icb_name": "sicbl24_name",
            "sub_icb_ods": "sicbl24_code_nhs",
            "icb_code": "icb24_code",
            "icb_name": "icb24_name",
            "icb_ods": "icb24_code_nhs",
        },
        {LevelKey.LSOA: 2021, LevelKey.SUB_ICB: 2024, LevelKey.ICB: 2024},
    ),
    LookupLayout(
        _layout(
            "lsoa11-sicbl22-icb22-lad22",
            "LSOA 2011 → sub-ICB → ICB, LAD lookup (2022)",
            "lsoa11_code",
            _code("lsoa11_code", LevelKey.LSOA, "LSOA11CD"),
            Column("lsoa11_name", aliases=("LSOA11NM",)),
            _code("sicbl22_code", LevelKey.SUB_ICB, "SICBL22CD"),
            Column("sicbl22_name", aliases=("SICBL22NM",)),
            _ods("sicbl22_code_h", "SICBL22CDH"),
            _code("icb22_code", LevelKey.ICB, "ICB22CD"),
            Column("icb22_name", aliases=("ICB22NM",)),
            _ods("icb22_code_h", "ICB22CDH"),
            _code("ltla22_code", LevelKey.LAD, "LAD22CD"),
            Column("ltla22_name", aliases=("LAD22NM",)),
        ),
        {
            "lsoa_code": "lsoa11_code",
            "lsoa_name": "lsoa11_name",
            "sub_icb_code": "sicbl22_code",
            "sub_icb_name": "sicbl22_name",
            "sub_icb_ods": "sicbl22_code_h",
            "icb_code": "icb22_code",
            "icb_name": "icb22_name",
            "icb_ods": "icb22_code_h",
            "lad_code": "ltla22_code",
            "lad_name": "ltla22_name",
        },
        {LevelKey.LSOA: 2011, LevelKey.SUB_ICB: 2022, LevelKey.ICB: 2022, LevelKey.LAD: 2022},
    ),
    LookupLayout(
        _layout(
            "lsoa21-ward24-lad24",
            "LSOA 2021 → ward → LAD lookup (2024)",
            "lsoa21_code",
            _code("lsoa21_code", LevelKey.LSOA, "LSOA21CD"),
            Column("lsoa21_name", aliases=("LSOA21NM",)),
            _code("ltla24_code", LevelKey.LAD, "LAD24CD"),
            Column("ltla24_name", aliases=("LAD24NM",)),
        ),
        {
            "lsoa_code": "lsoa21_code",
            "lsoa_name": "lsoa21_name",
            "lad_code": "ltla24_code",
            "lad_name": "ltla24_name",
        },
        {LevelKey.LSOA: 2021, LevelKey.LAD: 2024},
    ),
    LookupLayout(
        _layout(
            "lad24-region24",
            "LAD → region lookup (2024)",
            "ltla24_code",
            _code("ltla24_code", LevelKey.LAD, "LAD24CD"),
            Column("ltla24_name", aliases=("LAD24NM",)),
            _code("region24_code", LevelKey.REGION, "RGN24CD"),
            Column("region24_name", aliases=("RGN24NM",)),
        ),
        {
            "lad_code": "ltla24_code",
            "lad_name": "ltla24_name",
            "region_code": "region24_code",
            "region_name": "region24_name",
        },
        {LevelKey.LAD: 2024, LevelKey.REGION: 2024},
    ),
    LookupLayout(
        _layout(
            "lad23-ctyua23",
            "LAD → county/UA lookup (2023)",
            "ltla23_code",
            _code("ltla23_code", LevelKey.LAD, "LAD23CD"),
            Column("ltla23_name", aliases=("LAD23NM",)),
            _code("utla23_code", LevelKey.CTY_UA, "CTYUA23CD", "UTLA23CD"),
            Column("utla23_name", aliases=("CTYUA23NM", "UTLA23NM")),
        ),
        {
            "lad_code": "ltla23_code",
            "lad_name": "ltla23_name",
            "cty_ua_code": "utla23_code",
            "cty_ua_name": "utla23_name",
        },
        {LevelKey.LAD: 2023, LevelKey.CTY_UA: 2023},
    ),
)
_BY_NAME = {lookup.layout.name: lookup for lookup in LOOKUPS}

# ONS's best-fit LSOA 2011 -> 2021 lookup: not a hierarchy (a 2011 area to its successor),
# so kept apart (geo_lsoa_fit) for the IMD 2019 deciles of 2021 LSOAs (derive_geography)
LSOA_FIT_VINTAGE = 2022
LSOA_FIT_LAYOUT = Layout(
    name="ons-lsoa11-lsoa21-lad22",
    kind="lookups",
    description="LSOA 2011 → LSOA 2021 best-fit lookup, with LAD (2022)",
    key=("lsoa11_code",),
    fast=False,  # kept in geo_lsoa_fit
    columns=(
        _code("lsoa11_code", LevelKey.LSOA, "LSOA11CD"),
        Column("lsoa11_name", required=False, nullable=True, aliases=("LSOA11NM",)),
        _code("lsoa21_code", LevelKey.LSOA, "LSOA21CD"),
        Column("lsoa21_name", required=False, nullable=True, aliases=("LSOA21NM",)),
        _code("lad22_code", LevelKey.LAD, "LAD22CD"),
        Column("lad22_name", required=False, nullable=True, aliases=("LAD22NM",)),
    ),
)


def _roles_view(con: duckdb.DuckDBPyConnection, lookup: LookupLayout) -> None:
    """Temp view ``lookup_rows``: ``src_rows`` with every role column (null if absent)."""
    selected = ", ".join(
        f"{ident(lookup.roles[role])} as {role}" if role in lookup.roles else f"null as {role}"
        for role in ROLES
    )
    con.execute(f"create or replace temp view lookup_rows as select {selected} from src_rows")  # noqa: S608 - our constants


class LookupsLoader(Loader):
    kind = "lookups"
    layouts: tuple[Layout, ...] = (
        *(lookup.layout for lookup in LOOKUPS),
        PRACTICE_MAP_LAYOUT,
        LSOA_FIT_LAYOUT,
    )
    target_table = "geo_name"
    fast = False
    geography = True

    def insert(
        self, con: duckdb.DuckDBPyConnection, match: HeaderMatch, source: SourceFile, load_id: int
    ) -> int:
        if match.layout.name == PRACTICE_MAP_LAYOUT.name:
            return load_practice_map(con, load_id)
        if match.layout.name == LSOA_FIT_LAYOUT.name:
            run_sql(
                con,
                SQL_DIR,
                "load_lsoa_fit",
                load_id=load_id,
                layout=LSOA_FIT_LAYOUT.name,
                vintage=LSOA_FIT_VINTAGE,
            )
            return count_staged(con)
        lookup = _BY_NAME[match.layout.name]
        _roles_view(con, lookup)
        vintage = {level: lookup.vintages.get(level) for level in _CODES}
        run_sql(
            con,
            SQL_DIR,
            "load_lookups",
            load_id=load_id,
            layout=lookup.layout.name,
            **{f"{level}_vintage": year for level, year in vintage.items()},
        )
        return count_staged(con)

    def load_notes(self, con: duckdb.DuckDBPyConnection, layout: str, load_id: int) -> list[str]:
        if layout == LSOA_FIT_LAYOUT.name:
            return [lsoa_fit_note(con, load_id)]
        if layout != PRACTICE_MAP_LAYOUT.name:
            return []
        return [practice_map_note(con, load_id)]


def lsoa_fit_note(con: duckdb.DuckDBPyConnection, load_id: int) -> str:
    """What the best-fit lookup holds: how many areas kept, merged or changed code."""
    row = con.execute(
        "with k as (select lsoa21_code, count(*) as parts, bool_or(lsoa11_code = lsoa21_code) "
        "as kept from geo_lsoa_fit where load_id = $id and lsoa11_code like 'E%' group by 1) "
        "select count(*), count(*) filter (where kept), count(*) filter (where parts > 1), "
        "(select count(*) from geo_lsoa_fit where load_id = $id and lsoa11_code like 'E%') "
        "from k",
        {"id": load_id},
    ).fetchone()
    assert row is not None
    lsoa21, kept, merged, lsoa11 = row
    return (
        f"kept ONS's best fit of {lsoa11:,} English 2011 LSOAs to {lsoa21:,} 2021 LSOAs in "
        f"geo_lsoa_fit ({kept:,} kept their code, {merged:,} 2021 LSOAs are 2011 LSOAs merged); "
        "a 2011 LSOA split in 2021 names one of its parts only, so the others take their IMD "
        "decile from their MSOA or district (lsoa_imd.method)"
    )


def practice_map_note(con: duckdb.DuckDBPyConnection, load_id: int) -> str:
    """What a practice mapping added: its vintage, its areas, and what it does not change."""
    row = con.execute(
        "select min(valid_from), count(*), count(distinct pcn_code), "
        "count(*) filter (where pcn_code is null), count(distinct sub_icb_code), "
        "count(distinct icb_code), count(distinct region_code) "
        "from geo_practice_map where load_id = $id",
        {"id": load_id},
    ).fetchone()
    assert row is not None
    when, practices, pcns, no_pcn, subs, icbs, regions = row
    return (
        f"kept the practice mapping of {when:%Y-%m-%d} in geo_practice_map (vintage "
        f"{when:%Y}): {practices:,} practices, {pcns:,} PCNs ({no_pcn:,} practices in no PCN), "
        f"{subs:,} sub-ICBs, {icbs:,} ICBs, {regions:,} regions; the newest map is today's "
        "geography: an ICB, sub-ICB or region it lacks is kept as a former area, as it was"
    )


LOADER = LookupsLoader()
