"""Every real open file loads, with the row counts MANIFEST.md gives, and derives England.

Two warehouses per module: one loaded kind by kind with ``load_files`` (what an analyst
runs), one built by ``peolc open-data`` (what the dashboard reads).
"""

from __future__ import annotations

import hashlib
import shutil
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from etl.cli import app
from etl.loading import load_files
from etl.open_data import build_open_data
from peolc.errors import LoadSummary

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
pytestmark = pytest.mark.skipif(
    not SHARED_DATA.is_dir(), reason="needs ../shared/data (the open files)"
)

# every file of shared/data a loader reads today, by kind (folder)
KIND_FILES: dict[str, list[str]] = {
    "boundaries": [
        "ctyua_2023_dec_uk_bsc.geojson", "icb_2023_apr_en_bsc.geojson",
        "lad_2024_may_uk_bsc.geojson", "nhser_2024_jan_en_bsc.geojson",
        "rgn_2023_dec_en_buc.geojson", "sicbl_2023_apr_en_bsc.geojson",
    ],
    "lookups": [
        "gp-reg-pat-prac-map_2026-07.zip",
        "lad23_ctyua23_geographr.csv", "lad24_region24_geographr.csv",
        "lsoa11_sicbl22_icb22_lad22_geographr.csv", "lsoa21_sicbl24_icb24_geographr.csv",
        "lsoa21_ward24_lad24_geographr.csv", "lsoa11_lsoa21_lad22_ons.csv",
    ],
    "qof": ["MAPPING_NHS_GEOGRAPHIES_2223.csv", "PREVALENCE_2223.csv", "PREVALENCE_2425.csv"],
    "imd": ["File_1_-_IMD2019_Index_of_Multiple_Deprivation.xlsx"],
    "population": [
        "gp-reg-pat-prac-quin-age_2026-07.zip", "mye22final.xlsx",
        "ons_sape_health_geographies_mid2021_mid2022.xlsx",
    ],
    "fingertips": [
        "eol_place_of_death_hospital_2018-2021.csv", "gm_schoolsdash_neets.csv",
        "indicators-CountyUA.data.csv", "trafford_deaths_usual_place_65plus_tidy.csv",
    ],
}  # fmt: skip
FOLDER = {kind: kind for kind in KIND_FILES}

# rows read and loaded per file (MANIFEST.md); population: 296 LADs x 2 sexes x 19 bands x 2 years
EXPECTED_ROWS: dict[str, tuple[int, int]] = {
    "icb_2023_apr_en_bsc.geojson": (42, 42),
    "sicbl_2023_apr_en_bsc.geojson": (106, 106),
    "nhser_2024_jan_en_bsc.geojson": (7, 7),
    "lad_2024_may_uk_bsc.geojson": (361, 296),
    "ctyua_2023_dec_uk_bsc.geojson": (218, 153),
    "rgn_2023_dec_en_buc.geojson": (9, 9),
    "lsoa21_sicbl24_icb24_geographr.csv": (33_755, 33_755),
    "lsoa11_sicbl22_icb22_lad22_geographr.csv": (32_844, 32_844),
    "lsoa21_ward24_lad24_geographr.csv": (35_672, 35_672),
    "lad23_ctyua23_geographr.csv": (318, 318),
    "lad24_region24_geographr.csv": (296, 296),
    "lsoa11_lsoa21_lad22_ons.csv": (34_753, 34_753),  # England and Wales, one row per 2011 LSOA
    # zips read directly: one practice each; practices x 2 sexes x 19 bands (GP rows only)
    "gp-reg-pat-prac-map_2026-07.zip": (6_139, 6_139),
    "gp-reg-pat-prac-quin-age_2026-07.zip": (326_241, 6_139 * 2 * 19),
    "PREVALENCE_2223.csv": (133_938, 133_938),
    "PREVALENCE_2425.csv": (129_948, 129_948),
    "MAPPING_NHS_GEOGRAPHIES_2223.csv": (6_378, 6_378),
    "File_1_-_IMD2019_Index_of_Multiple_Deprivation.xlsx": (32_844, 32_844),
    "mye22final.xlsx": (73_528, 296 * 2 * 19 * 2),
    # two sheets (mid-2021, mid-2022 on 2023 codes) of 106 sub-ICB locations
    "ons_sape_health_geographies_mid2021_mid2022.xlsx": (2 * 106, 2 * 106 * 2 * 19),
    "indicators-CountyUA.data.csv": (852, 852),
    "eol_place_of_death_hospital_2018-2021.csv": (1_812, 1_812),
    "gm_schoolsdash_neets.csv": (10, 10),
    "trafford_deaths_usual_place_65plus_tidy.csv": (5_248, 5_248),
}

TABLES = (
    "geo_name", "geo_link", "geo_boundary", "imd_lsoa", "fact_qof", "fact_population",
    "fingertips_indicator", "fact_indicator", "dim_area", "area_alias", "area_ancestor",
    "area_base", "lsoa_imd", "geo_practice_map", "practice_placement",
)  # fmt: skip


def paths(kind: str, root: Path = SHARED_DATA) -> list[Path]:
    return [root / FOLDER[kind] / name for name in KIND_FILES[kind]]


def digest(db: Path, table: str) -> str:
    """Contents of ``table`` without load ids (a re-load gets new ones)."""
    with duckdb.connect(str(db), read_only=True) as con:
        columns = [r[0] for r in con.execute(f"describe {table}").fetchall()]
        keep = ", ".join(c for c in columns if c != "load_id")
        rows = con.execute(f"select {keep} from {table} order by all").fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def other_line_ends(data: bytes) -> bytes:
    """LF for a file with CRLF line ends, CRLF for one without: same rows, new bytes."""
    unix = data.replace(b"\r\n", b"\n")
    return unix if unix != data else data.replace(b"\n", b"\r\n")


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    row = con.execute(sql).fetchone()
    assert row is not None
    return row[0]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, LoadSummary]]:
    """A warehouse with every real file loaded kind by kind through ``load_files``."""
    db = tmp_path_factory.mktemp("loaded") / "w.duckdb"
    summaries: dict[str, LoadSummary] = {}
    for kind in KIND_FILES:
        for summary in load_files(db, kind, paths(kind)):
            summaries[summary.file_name] = summary
    return db, summaries


@pytest.fixture(scope="module")
def open_data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, float]]:
    db = tmp_path_factory.mktemp("open") / "w.duckdb"
    started = time.perf_counter()
    build_open_data(db, SHARED_DATA)
    yield db, time.perf_counter() - started


@pytest.fixture
def con(open_data: tuple[Path, float]) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(open_data[0]), read_only=True) as connection:
        yield connection


# ------------------------------------------------------------------------------------
# every file, kind by kind
# ------------------------------------------------------------------------------------


def test_every_shared_file_is_known_to_these_tests() -> None:
    """A file added to shared/data fails here until a test says what becomes of it."""
    on_disk = {
        str(p.relative_to(SHARED_DATA))
        for folder in FOLDER.values()
        for p in (SHARED_DATA / folder).rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }
    known = {f"{FOLDER[kind]}/{name}" for kind, names in KIND_FILES.items() for name in names}
    assert on_disk - known == set()
    assert known - on_disk == set()


@pytest.mark.parametrize("file_name", sorted(EXPECTED_ROWS))
def test_row_counts_match_the_manifest(
    loaded: tuple[Path, dict[str, LoadSummary]], file_name: str
) -> None:
    summary = loaded[1][file_name]
    assert (summary.rows_read, summary.rows_loaded) == EXPECTED_ROWS[file_name]
    assert summary.rows_rejected == 0


def test_qof_palliative_care_totals(loaded: tuple[Path, dict[str, LoadSummary]]) -> None:
    with duckdb.connect(str(loaded[0]), read_only=True) as con:
        row = con.execute(
            "select year, count(*), sum(register), sum(list_size) "
            "from fact_qof where group_code = 'PC' group by year order by year"
        ).fetchall()
    # NHS Digital QOF 2022-23 and NHS England QOF 2024-25 (MANIFEST.md): every practice kept
    assert row == [(2022, 6_378, 290_433, 62_378_057), (2024, 6_188, 356_543, 63_766_671)]


def test_population_keeps_england_districts(loaded: tuple[Path, dict[str, LoadSummary]]) -> None:
    with duckdb.connect(str(loaded[0]), read_only=True) as con:
        rows = con.execute(
            "select year, count(distinct base_code), count(distinct age_band), sum(population) "
            "from fact_population where base_kind = 'lad' group by year order by year"
        ).fetchall()
        outside = scalar(
            con,
            "select count(*) from fact_population where base_kind = 'lad' "
            "and base_code not like 'E0%'",
        )
        practices = con.execute(
            "select year, count(distinct base_code), count(distinct age_band), sum(population) "
            "from fact_population where base_kind = 'practice' group by year"
        ).fetchall()
    # ONS mid-2022: England 57,106,398 (2011 back-cast on 2023 boundaries: 53,107,169)
    assert rows == [(2011, 296, 19, 53_107_169), (2022, 296, 19, 57_106_398)]
    assert outside == 0
    # NHS England, patients registered at a GP practice, July 2026 (MANIFEST.md): 63,436,508
    assert practices == [(2026, 6_139, 19, 63_436_508)]


def test_sape_residents_of_health_areas(loaded: tuple[Path, dict[str, LoadSummary]]) -> None:
    with duckdb.connect(str(loaded[0]), read_only=True) as con:
        rows = con.execute(
            "select year, count(distinct base_code), count(distinct age_band), sum(population) "
            "from fact_population where base_kind = 'sub_icb' group by year order by year"
        ).fetchall()
        old_90 = scalar(
            con,
            "select sum(population) from fact_population where base_kind = 'sub_icb' "
            "and year = 2022 and base_code = 'E38000006' and sex = 'F' and age_band = '90+'",
        )
    # ONS mid-2022 for health geographies: England 57,106,398, as the LAD estimates sum
    assert rows[1] == (2022, 106, 19, 57_106_398)
    assert rows[0] == (2021, 106, 19, 56_554_891)
    assert old_90 == 1_279  # the workbook's F90 (90 and over) for South Yorkshire - 02P
    notes = loaded[1]["ons_sape_health_geographies_mid2021_mid2022.xlsx"].notes
    assert any("'Mid-2022 ICB 2023'" in n for n in notes)
    assert any("left out sheets" in n and "'Mid-2022 CCG 2021'" in n for n in notes)


def test_fingertips_quirks(loaded: tuple[Path, dict[str, LoadSummary]]) -> None:
    with duckdb.connect(str(loaded[0]), read_only=True) as con:
        names = dict(con.execute("select * exclude (load_id) from fingertips_indicator").fetchall())
        api = con.execute(
            "select count(*), count(lower_95), count(lower_998), any_value(parent_type_label), "
            "count(*) filter (where category_type <> '') from fact_indicator "
            "where indicator_id = 93356"
        ).fetchone()
        tidy = con.execute(
            "select count(*), count(value), min(period_sortable), max(period_sortable), "
            "string_agg(distinct compared_to_england, ',' order by compared_to_england) "
            "from fact_indicator where indicator_id = 92727"
        ).fetchone()
        missing = con.execute(
            "select area_code, period from fact_indicator "
            "where indicator_id = 92727 and value is null order by period"
        ).fetchall()
    # the quoted newline inside the name is folded away
    assert names[93356] == "Campylobacter incidence rate/100,000"
    assert names[92727] == "% of deaths in usual place of residence, people aged 65+"
    # category rows (60 deprivation deciles) carry no CIs; 99.8% limits are empty
    assert api is not None and api[0] == 852 and api[3] == "Region" and api[4] == 60
    assert api[1] < 852 and api[2] < api[1]
    # the 3 NA values stay as rows with no value (Isles of Scilly)
    assert tidy == (5_248, 5_245, 20010000, 20160000, "Better,Not compared,Similar,Worse")
    assert missing == [("E06000053", "2005"), ("E06000053", "2009"), ("E06000053", "2014")]
    assert "assigned from its name" in " ".join(
        loaded[1]["trafford_deaths_usual_place_65plus_tidy.csv"].notes
    )


def test_boundaries_are_england_wgs84_and_small(
    loaded: tuple[Path, dict[str, LoadSummary]],
) -> None:
    with duckdb.connect(str(loaded[0]), read_only=True) as con:
        levels = con.execute(
            "select level, vintage, count(*) from geo_boundary group by all order by all"
        ).fetchall()
        size = scalar(con, "select sum(length(geometry_json)) from geo_boundary")
        outside = scalar(con, "select count(*) from geo_boundary where area_code not like 'E%'")
        sample = scalar(con, "select geometry_json from geo_boundary where area_code = 'E07000085'")
    assert levels == [
        ("cty_ua", 2023, 153),
        ("icb", 2023, 42),
        ("lad", 2024, 296),
        ("nhs_region", 2024, 7),
        ("region", 2023, 9),
        ("sub_icb", 2023, 106),
    ]
    assert outside == 0
    assert 1_000_000 < int(str(size)) < 5_000_000  # a few MB for all levels
    import shapely

    repaired = shapely.from_geojson(str(sample))
    assert repaired.is_valid and repaired.geom_type in ("Polygon", "MultiPolygon")
    minx, miny, maxx, maxy = repaired.bounds
    assert -2 < minx < maxx < 0 and 50 < miny < maxy < 52  # East Hampshire, in degrees
    notes = " ".join(loaded[1]["lad_2024_may_uk_bsc.geojson"].notes)
    assert "65 features outside England" in notes and "E07000085, E07000228" in notes


def test_loading_the_same_files_again_changes_nothing(
    loaded: tuple[Path, dict[str, LoadSummary]],
) -> None:
    db = loaded[0]
    before = {t: digest(db, t) for t in TABLES}
    raw = db.read_bytes()
    for kind in KIND_FILES:
        assert all(s.skipped for s in load_files(db, kind, paths(kind)))
    assert db.read_bytes() == raw
    assert {t: digest(db, t) for t in TABLES} == before


def test_reissued_files_replace_rather_than_add(
    loaded: tuple[Path, dict[str, LoadSummary]], tmp_path: Path
) -> None:
    """The same data in new bytes (the other line ends) replaces the earlier load's rows."""
    db = tmp_path / "w.duckdb"
    shutil.copyfile(loaded[0], db)
    before = {t: digest(db, t) for t in TABLES}
    for kind in ("lookups", "qof", "fingertips", "boundaries"):
        copies = []
        for path in paths(kind):
            if path.suffix == ".zip":  # new bytes: the same member in a zip made here
                copy = tmp_path / kind / path.name
                copy.parent.mkdir(exist_ok=True)
                with zipfile.ZipFile(path) as archive, zipfile.ZipFile(copy, "w") as out:
                    [member] = archive.namelist()
                    out.writestr(member, other_line_ends(archive.read(member)))
                copies.append(copy)
        for path in paths(kind):
            if path.suffix == ".zip":
                continue
            copy = tmp_path / kind / path.name
            copy.parent.mkdir(exist_ok=True)
            copy.write_bytes(other_line_ends(path.read_bytes()))
            copies.append(copy)
        assert not any(s.skipped for s in load_files(db, kind, copies))
    assert {t: digest(db, t) for t in TABLES} == before


# ------------------------------------------------------------------------------------
# peolc open-data: the derived geography
# ------------------------------------------------------------------------------------


def test_open_data_builds_quickly(open_data: tuple[Path, float]) -> None:
    db, seconds = open_data
    assert seconds < 120
    with duckdb.connect(str(db), read_only=True) as con:
        assert scalar(con, "select value from warehouse_meta where key = 'data_origin'") == "real"
        assert scalar(con, "select count(*) from load_log") == len(EXPECTED_ROWS)


def test_areas_per_level(con: duckdb.DuckDBPyConnection) -> None:
    counts = dict(
        con.execute(
            "select level || case when is_current then '' else ' (former)' end, count(*) "
            "from dim_area group by all"
        ).fetchall()
    )
    # today's areas by the July 2026 practice map (36 ICBs after the April 2026 mergers),
    # and the 12 ICBs and one sub-ICB (Frimley's E38000252, split three ways) they replaced
    assert counts == {
        "england": 1,
        "nhs_region": 7,
        "icb": 36,
        "icb (former)": 12,
        "sub_icb": 106,
        "sub_icb (former)": 1,
        "pcn": 1_321,
        "practice": 6_402,
        "region": 9,
        "cty_ua": 153,
        "lad": 296,
    }
    assert scalar(con, "select count(*) from dim_area where area_code not like 'E%' "
                  "and level not in ('practice', 'pcn')") == 0  # fmt: skip


@pytest.mark.parametrize(
    ("old", "new", "level"),
    [
        ("E54000052", "E54000063", "icb"),
        ("E54000053", "E54000064", "icb"),
        ("E38000246", "E38000264", "sub_icb"),
        ("E38000248", "E38000265", "sub_icb"),
        ("E40000007", "E40000013", "nhs_region"),
        ("E40000010", "E40000014", "nhs_region"),
    ],
)
def test_old_codes_resolve_to_current_areas(
    con: duckdb.DuckDBPyConnection, old: str, new: str, level: str
) -> None:
    found = con.execute(
        "select area_code, level, alias_kind from area_alias where alias = $old", {"old": old}
    ).fetchall()
    assert found == [(new, level, "previous_code")]


def test_ods_codes_resolve(con: duckdb.DuckDBPyConnection) -> None:
    found = dict(
        con.execute(
            "select alias, area_code from area_alias "
            "where alias in ('QXU', '92A', 'Y61', 'M2L0M') and alias_kind = 'ods_code'"
        ).fetchall()
    )
    assert found == {"QXU": "E54000063", "92A": "E38000264", "Y61": "E40000013",
                     "M2L0M": "E38000257"}  # fmt: skip


def test_every_practice_reaches_england(con: duckdb.DuckDBPyConnection) -> None:
    levels = dict(
        con.execute(
            "select ancestor_level, count(distinct area_code) from area_ancestor "
            "where level = 'practice' group by ancestor_level"
        ).fetchall()
    )
    # every practice of the QOF 2022-23 mapping or the July 2026 map; 51 in no PCN in 2026
    assert levels == {
        "practice": 6_402, "pcn": 6_351, "sub_icb": 6_402, "icb": 6_402,
        "nhs_region": 6_402, "england": 6_402,
    }  # fmt: skip
    # one area of each level above it, never two (a PCN across a boundary is not a path)
    assert (
        scalar(
            con,
            "select count(*) from (select area_code, ancestor_level from area_ancestor "
            "where level = 'practice' group by all having count(*) > 1)",
        )
        == 0
    )


def test_every_practice_counts_in_england(
    open_data: tuple[Path, float], con: duckdb.DuckDBPyConnection
) -> None:
    from queries import registers
    from queries.places import ENGLAND

    england = registers.summary(ENGLAND, 2024, "england", db=open_data[0])
    # the QOF 2024-25 file's own totals (MANIFEST.md), the 9 practices that the 2022-23
    # mapping lacks included
    assert england.select("register", "list_size").row(0) == (356_543, 63_766_671)
    placed = dict(con.execute("select practice_code, level from practice_placement").fetchall())
    assert placed == {"Y00361": "england"}  # in neither mapping: England only
    # C82018 is not in the 2022-23 mapping: the July 2026 map places it today
    assert (
        scalar(
            con,
            "select ancestor_code from area_ancestor where area_code = 'C82018' "
            "and ancestor_level = 'icb'",
        )
        == "E54000015"
    )
    note = scalar(con, "select notes from load_log where file_name = 'PREVALENCE_2425.csv'")
    assert "1 practice (0 on the PC register, 45 registered patients) is in no" in str(note)
    assert "1 in England only, being in no practice mapping (Y00361)" in str(note)


def test_every_area_has_its_parent(con: duckdb.DuckDBPyConnection) -> None:
    orphans = con.execute(
        "select level, count(*) from dim_area where parent_code is null and level <> 'england' "
        "group by level"
    ).fetchall()
    assert orphans == []
    # every LAD sits in one region and one county/UA; ICB boundaries match dim_area
    assert (
        scalar(
            con,
            "select count(*) from dim_area d where level = 'lad' and (select count(*) "
            "from area_ancestor a where a.area_code = d.area_code and a.level = 'lad' "
            "and a.ancestor_level in ('region', 'cty_ua')) <> 2",
        )
        == 0
    )
    # every boundary is an area's, under one of its codes (HIOW's 2023 shape is E54000042's,
    # now E54000067); every one of today's areas has a shape, its own or rebuilt
    assert (
        scalar(
            con,
            "select count(*) from geo_boundary b left join area_alias a "
            "on a.alias = b.area_code and a.level = b.level where a.area_code is null",
        )
        == 0
    )
    unshaped = con.execute(
        "select d.level, d.area_code from dim_area d left join derived.area_shape s "
        "using (level, area_code) where d.is_current and s.area_code is null "
        "and d.level in ('nhs_region', 'icb', 'sub_icb', 'region', 'cty_ua', 'lad')"
    ).fetchall()
    assert unshaped == []


def test_every_2021_lsoa_has_an_imd_decile(con: duckdb.DuckDBPyConnection) -> None:
    methods = dict(
        con.execute(
            "with lsoa21 as (select distinct area_code from geo_name "
            "where level = 'lsoa' and vintage = 2021 and area_code like 'E%') "
            "select coalesce(i.method, 'none'), count(*) from lsoa21 l "
            "left join lsoa_imd i on i.lsoa_code = l.area_code group by 1"
        ).fetchall()
    )
    direct = methods.pop("IMD 2019 decile of the LSOA (2011 code)")
    by_lookup = {k: v for k, v in methods.items() if "ONS LSOA 2011 to 2021 lookup" in k}
    best_fit = {k: v for k, v in methods.items() if "best fit)" in k}
    coarse = {k: v for k, v in methods.items() if "coarse fit" in k}
    assert "none" not in methods
    assert sum(methods.values()) + direct == 33_755
    # about 95% of 2021 LSOAs kept their 2011 code; ONS's best-fit lookup gives 937 more
    # the decile of the 2011 LSOA they best fit (840) or the median of those merged into
    # them (97); the other parts of split LSOAs match a 2011 MSOA by name (781) or, in
    # MSOAs new in 2021, take their local authority's median (227)
    assert direct == 31_810
    assert sorted(by_lookup.values()) == [97, 840]
    assert sum(best_fit.values()) == 781
    assert sum(coarse.values()) == 227


def test_cli_reports_files_it_does_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "open"
    (folder / "fingertips").mkdir(parents=True)
    (folder / "notes").mkdir()
    shutil.copy(SHARED_DATA / "fingertips" / "gm_schoolsdash_neets.csv", folder / "fingertips")
    (folder / "fingertips" / "readme.csv").write_text("what,is,this\n1,2,3\n")
    (folder / "notes" / "todo.txt").write_text("nothing\n")
    result = CliRunner().invoke(app, ["open-data", str(folder), "--db", str(tmp_path / "w.db")])
    assert result.exit_code == 0, result.output
    assert "gm_schoolsdash_neets.csv: 10 rows" in result.output
    assert "fingertips/readme.csv: not loaded" in result.output
    assert "notes/todo.txt: not loaded" in result.output


def test_every_icb_has_residents_and_registered_patients(con: duckdb.DuckDBPyConnection) -> None:
    bases = con.execute(
        "select b.basis, count(*), count(*) filter (where b.apportioned) from "
        "derived.population_area_basis b join dim_area d using (level, area_code) "
        "where d.level = 'icb' and d.is_current group by b.basis order by b.basis"
    ).fetchall()
    # ONS residents of their sub-ICB locations (three shared in NHS Frimley's residents,
    # apportioned by the registered patients of the practices each took) and GP lists
    assert bases == [("practice", 36, 0), ("sub_icb", 36, 3)]
    residents = dict(
        con.execute(
            "select p.area_code, sum(p.population) from derived.population_area p "
            "join dim_area d using (level, area_code) where p.level = 'icb' and d.is_current "
            "and p.basis = 'sub_icb' and p.year = 2022 group by all"
        ).fetchall()
    )
    # each ICB rounded to whole people once: England's 57,106,398 within a person an ICB
    assert abs(sum(residents.values()) - 57_106_398) <= 36
    frimley = scalar(
        con,
        "select sum(population) from fact_population where base_kind = 'sub_icb' "
        "and base_code = 'E38000252' and year = 2022",
    )
    thames_valley = scalar(
        con,
        "select sum(population) from fact_population where base_kind = 'sub_icb' and year = 2022 "
        "and base_code in ('E38000223', 'E38000221', 'E38000136')",
    )
    share = scalar(
        con,
        "select share from area_successor where area_code = 'E38000252' "
        "and successor_code = 'E38000268'",
    )
    expected = int(str(thames_valley)) + int(str(frimley)) * float(str(share))
    assert residents["E54000070"] == round(expected)


def test_merged_icbs_are_drawn_from_their_sub_icb_locations(
    con: duckdb.DuckDBPyConnection,
) -> None:
    estimated = dict(
        con.execute(
            "select area_code, note from derived.area_shape where estimated order by area_code"
        ).fetchall()
    )
    assert sorted(estimated) == [
        "E38000268", "E54000065", "E54000066", "E54000067", "E54000068", "E54000069",
        "E54000070", "E54000071",
    ]  # fmt: skip
    assert "NHS Frimley ICB - D4U1Y (E38000252)" in estimated["E38000268"]
    assert estimated["E54000070"].startswith("drawn from the boundaries of its 4 sub-ICB")
