"""Loaders on small hand-built files: each layout's rules, quirks and error messages."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from etl.loaders.fingertips import synthetic_id
from etl.loading import load_files
from etl.open_data import build_open_data
from peolc.errors import LoadError

EXTRACT_HEADER = (
    "period,area_code,area_type,measure,breakdown,breakdown_value,numerator,denominator\n"
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


# ------------------------------------------------------------------------------------
# ICB dashboard extract
# ------------------------------------------------------------------------------------


def test_extract_loads_and_reissues_replace(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    first = write(
        tmp_path / "a.csv",
        EXTRACT_HEADER
        + "2023,E54000008,icb,deaths_at_home,all,all,1200,4000\n"
        + "2023,E54000008,icb,deaths_at_home,imd_quintile,1,*,610\n"
        + "2023-24 Q1,QYG,icb,deaths_with_acp,sex,F,310,\n",
    )
    [summary] = load_files(db, "icb-extract", [first])
    assert summary.rows_loaded == 3
    loaded = rows(db, "select numerator, denominator from fact_measure order by period, breakdown")
    assert loaded == [
        (1200.0, 4000.0),
        (None, 610.0),
        (310.0, None),
    ]
    again = write(
        tmp_path / "b.csv", EXTRACT_HEADER + "2023,E54000008,icb,deaths_at_home,all,all,1250,4000\n"
    )
    load_files(db, "icb-extract", [again])
    assert rows(db, "select count(*), sum(numerator) from fact_measure") == [(3, 1560.0)]


def test_extract_problems_name_line_column_and_value(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    bad = write(
        tmp_path / "bad.csv",
        EXTRACT_HEADER
        + "2023-25,E54000008,icb,deaths,all,all,1,2\n"
        + "2023,E54000008,ccg,Deaths,all,F,1,2\n"
        + "2023,E54000008,icb,deaths,imd_quintile,6,-1,2\n"
        + "2023,E54000008,icb,deaths,imd_quintile,6,3,4\n",
    )
    with pytest.raises(LoadError) as caught:
        load_files(db, "icb-extract", [bad])
    found = {(p.line, p.column, p.value) for p in caught.value.problems}
    assert (2, "period", "2023-25") in found
    assert (3, "area_type", "ccg") in found
    assert (3, "measure", "Deaths") in found
    assert (3, "breakdown_value", "F") in found  # 'all' breakdown needs value 'all'
    assert (4, "breakdown_value", "6") in found
    assert (4, "numerator", "-1") in found
    assert (5, "period", "2023") in found  # repeats the key of line 4
    assert "bad.csv, line 3, column 'area_type'" in str(caught.value)
    assert not db.exists()


# ------------------------------------------------------------------------------------
# QOF
# ------------------------------------------------------------------------------------

PREVALENCE = "PRACTICE_CODE,GROUP_CODE,REGISTER,PATIENT_LIST_TYPE,PRACTICE_LIST_SIZE\n"


def test_qof_year_comes_from_the_file_name(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    nameless = write(tmp_path / "prevalence.csv", PREVALENCE + "A81001,PC,38.0,TOTAL,4000\n")
    with pytest.raises(LoadError) as caught:
        load_files(db, "qof", [nameless])
    assert "PREVALENCE_2223.csv" in caught.value.detail
    year = tmp_path / "PREVALENCE_2324.csv"
    write(year, PREVALENCE + "A81001,PC,38.0,TOTAL,4000\nA81002,PC,12,TOTAL,3000\n")
    load_files(db, "qof", [year])
    assert rows(db, "select year, sum(register) from fact_qof group by year") == [(2023, 50)]
    # another file for the same year replaces the year
    write(year, PREVALENCE + "A81001,PC,40.0,TOTAL,4010\n")
    load_files(db, "qof", [year])
    assert rows(db, "select year, sum(register) from fact_qof group by year") == [(2023, 40)]


def test_qof_register_must_be_whole(tmp_path: Path) -> None:
    bad = write(tmp_path / "PREVALENCE_2223.csv", PREVALENCE + "A81001,PC,38.5,TOTAL,4000\n")
    with pytest.raises(LoadError) as caught:
        load_files(tmp_path / "w.duckdb", "qof", [bad])
    assert [(p.line, p.column, p.value) for p in caught.value.problems] == [(2, "register", "38.5")]


# ------------------------------------------------------------------------------------
# populations
# ------------------------------------------------------------------------------------


def test_mye_long_layout_bands_single_years_and_keeps_small_areas(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    mye = write(
        tmp_path / "mye.csv",
        "code,name,geography,sex,age,population_2021,population_2022\n"
        "E92000001,ENGLAND,Country,M,0,999,999\n"
        "E06000001,Hartlepool,Unitary Authority,M,0,10,11\n"
        "E06000001,Hartlepool,Unitary Authority,M,4,5,6\n"
        "E06000001,Hartlepool,Unitary Authority,M,90,7,8\n"
        "W06000001,Isle of Anglesey,Unitary Authority,F,0,3,3\n"
        "E01012392,Halton 001A,LSOA,F,85-89,20,21\n"
        "E01012392,Halton 001A,LSOA,F,90+,4,5\n",
    )
    [summary] = load_files(db, "population", [mye])
    assert rows(db, "select * exclude (load_id) from fact_population order by all") == [
        (2021, "lad", "E06000001", "M", "0-4", 15),
        (2021, "lad", "E06000001", "M", "90+", 7),
        (2021, "lsoa", "E01012392", "F", "85-89", 20),
        (2021, "lsoa", "E01012392", "F", "90+", 4),
        (2022, "lad", "E06000001", "M", "0-4", 17),
        (2022, "lad", "E06000001", "M", "90+", 8),
        (2022, "lsoa", "E01012392", "F", "85-89", 21),
        (2022, "lsoa", "E01012392", "F", "90+", 5),
    ]
    assert "other geographies" in summary.notes[0]


def test_mye_without_year_columns_says_what_is_missing(tmp_path: Path) -> None:
    mye = write(tmp_path / "mye.csv", "code,name,geography,sex,age,people\nE06000001,H,UA,M,0,1\n")
    with pytest.raises(LoadError) as caught:
        load_files(tmp_path / "w.duckdb", "population", [mye])
    assert "population_YYYY" in caught.value.detail


def test_gp_registered_patients_into_practice_bands(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    head = "PUBLICATION,EXTRACT_DATE,TYPE,CCG_CODE,ONS_CCG_CODE,CODE,POSTCODE,SEX,AGE_GROUP_5,"
    gp = write(
        tmp_path / "gp-reg-pat-prac-quin-age.csv",
        head + "NUMBER_OF_PATIENTS\n"
        "GP_PRAC_PAT_LIST,01APR2023,GP,00L,E38000130,A81001,TS18 1HU,ALL,ALL,4000\n"
        "GP_PRAC_PAT_LIST,01APR2023,GP,00L,E38000130,A81001,TS18 1HU,MALE,0_4,100\n"
        "GP_PRAC_PAT_LIST,01APR2023,GP,00L,E38000130,A81001,TS18 1HU,MALE,90_94,10\n"
        "GP_PRAC_PAT_LIST,01APR2023,GP,00L,E38000130,A81001,TS18 1HU,MALE,95+,3\n"
        "GP_PRAC_PAT_LIST,01APR2023,GP,00L,E38000130,A81001,TS18 1HU,FEMALE,ALL,2000\n",
    )
    load_files(db, "population", [gp])
    assert rows(db, "select * exclude (load_id) from fact_population order by all") == [
        (2023, "practice", "A81001", "M", "0-4", 100),
        (2023, "practice", "A81001", "M", "90+", 13),
    ]
    bad = write(tmp_path / "bad.csv", gp.read_text().replace("01APR2023", "APR 2023", 1))
    with pytest.raises(LoadError) as caught:
        load_files(db, "population", [bad])
    assert [(p.line, p.column) for p in caught.value.problems] == [(2, "extract_date")]


# ------------------------------------------------------------------------------------
# Fingertips
# ------------------------------------------------------------------------------------

API_HEADER = (
    "Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,Area Type,Sex,"
    "Age,Category Type,Category,Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,"
    "Lower CI 99.8 limit,Upper CI 99.8 limit,Count,Denominator,Value note,Recent Trend,"
    "Compared to England value or percentiles,Compared to ICB value or percentiles,"
    "Time period Sortable,New data,Compared to goal\r\n"
)


def test_fingertips_api_quirks_on_the_fast_path(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    api = write(
        tmp_path / "indicators-GPs.data.csv",
        API_HEADER
        # a quoted newline in the name, rows one field short, an 'n' prefix, '*' suppressed
        + '93474,"Deaths in hospital\n",nE54000050,NENC ICB,A81001,Practice,GPs,Persons,'
        "All ages,,,2022,41.5,30.1,53.2,,,44,106,,,Similar,Worse,20220000,\r\n"
        + '93474,"Deaths in hospital\n",nE54000050,NENC ICB,A81002,Practice 2,GPs,Persons,'
        "All ages,,,2022,*,,,,,*,12,Value suppressed,,Not compared,Not compared,20220000,\r\n",
    )
    [summary] = load_files(db, "fingertips", [api])
    assert summary.rows_loaded == 2
    assert rows(
        db,
        "select area_code, parent_code, category_type, value, count, parent_type_label, "
        "compared_to_parent from fact_indicator order by area_code",
    ) == [
        ("A81001", "E54000050", "", 41.5, 44.0, "ICB", "Worse"),
        ("A81002", "E54000050", "", None, None, "ICB", "Not compared"),
    ]
    assert rows(db, "select indicator_name from fingertips_indicator") == [("Deaths in hospital",)]


def test_fast_load_after_a_checked_load_reads_its_own_file(tmp_path: Path) -> None:
    """Regression: the fast path's src_rows must not be shadowed by a checked one."""
    db = tmp_path / "w.duckdb"
    tidy = write(
        tmp_path / "tidy.csv",
        "area_code,area_name,period,value,indicator,measure,unit,significance\n"
        "E08000009,Trafford,2016,50.1,Some local indicator,Percentage,Deaths,Better\n",
    )
    api = write(
        tmp_path / "api.csv",
        API_HEADER
        + "93475,Deaths at home,E92000001,England,E08000009,Trafford,LA,Persons,All ages,,,"
        "2022,30,,,,,10,33,,,Similar,Similar,20220000,,\r\n",
    )
    summaries = load_files(db, "fingertips", [tidy, api])
    assert [s.rows_loaded for s in summaries] == [1, 1]
    assert rows(db, "select indicator_id, value from fact_indicator order by value") == [
        (93475, 30.0),
        (synthetic_id("Some local indicator"), 50.1),
    ]
    assert synthetic_id("Some local indicator") < 0
    assert synthetic_id("some  LOCAL indicator") == synthetic_id("Some local indicator")
    assert "synthetic id" in summaries[0].notes[0]


# ------------------------------------------------------------------------------------
# boundaries
# ------------------------------------------------------------------------------------


def square(x: float, y: float, size: float) -> dict[str, object]:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def geojson(path: Path, features: list[dict[str, object]], crs: str | None) -> Path:
    collection: dict[str, object] = {"type": "FeatureCollection", "features": features}
    if crs:
        collection["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(collection))
    return path


def feature(props: dict[str, object], geometry: dict[str, object] | None) -> dict[str, object]:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def test_boundaries_reproject_and_report_features_by_number(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    ring = [[400000, 100000], [410000, 110000], [410000, 100000], [400000, 110000]]
    bowtie: dict[str, object] = {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
    path = geojson(
        tmp_path / "icb.geojson",
        [
            feature({"ICB23CD": "E54000008", "ICB23NM": "Good"}, square(400000, 300000, 5000)),
            feature({"ICB23CD": "E38000001", "ICB23NM": "Wrong level"}, square(0, 0, 1)),
            feature({"ICB23CD": None, "ICB23NM": "No code"}, square(0, 0, 1)),
            feature({"ICB23CD": "E54000009", "ICB23NM": "No shape"}, None),
            feature({"ICB23CD": "W11000001", "ICB23NM": "Wales"}, square(300000, 200000, 1)),
            feature({"ICB23CD": "E54000010", "ICB23NM": "Bow tie"}, bowtie),
        ],
        "urn:ogc:def:crs:EPSG::27700",
    )
    with pytest.raises(LoadError) as caught:
        load_files(db, "boundaries", [path])
    assert [(p.line, p.column) for p in caught.value.problems] == [
        (2, "ICB23CD"),
        (3, "ICB23CD"),
        (4, "geometry"),
    ]
    [summary] = load_files(db, "boundaries", [path], lenient=True)
    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (6, 2, 3)
    notes = " ".join(summary.notes)
    assert "reprojected" in notes and "1 features outside England" in notes
    assert "repaired 1 invalid geometries: E54000010" in notes
    import shapely

    loaded = rows(db, "select area_code, geometry_json from geo_boundary order by 1")
    shape = shapely.from_geojson(str(loaded[0][1]))
    assert -2.5 < shape.centroid.x < -1.5 and 52 < shape.centroid.y < 53  # BNG 400000, 300000
    assert all(shapely.from_geojson(str(g)).is_valid for _, g in loaded)
    assert rows(db, "select count(*) from load_reject") == [(3,)]


def test_boundaries_refuse_unknown_levels_and_grid_metres(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    wards = geojson(
        tmp_path / "wards.geojson",
        [feature({"WD24CD": "E05000001", "WD24NM": "A ward"}, square(0, 51, 0.1))],
        None,
    )
    with pytest.raises(LoadError, match="not an ONS boundary file"):
        load_files(db, "boundaries", [wards])
    metres = geojson(
        tmp_path / "lad.geojson",
        [feature({"LAD24CD": "E06000001", "LAD24NM": "H"}, square(400000, 300000, 10))],
        None,
    )
    with pytest.raises(LoadError, match="not longitude and latitude"):
        load_files(db, "boundaries", [metres])


# ------------------------------------------------------------------------------------
# lookups and open-data
# ------------------------------------------------------------------------------------


def test_lookup_checks_codes_by_level(tmp_path: Path) -> None:
    bad = write(
        tmp_path / "lad_region.csv",
        "ltla24_name,ltla24_code,region24_name,region24_code\n"
        "Hartlepool,E06000001,North East,E12000001\n"
        "Middlesbrough,E06000002,North East,E40000001\n",
    )
    with pytest.raises(LoadError) as caught:
        load_files(tmp_path / "w.duckdb", "lookups", [bad])
    assert [(p.line, p.column, p.value) for p in caught.value.problems] == [
        (3, "region24_code", "E40000001")
    ]


LSOA_FIT_HEADER = "ObjectId,LSOA11CD,LSOA11NM,LSOA21CD,LSOA21NM,LAD22CD,LAD22NM,LAD22NMW\n"
IMD_HEADER = (
    "LSOA code (2011),LSOA name (2011),Local Authority District code (2019),"
    "Local Authority District name (2019),Index of Multiple Deprivation (IMD) Rank,"
    "Index of Multiple Deprivation (IMD) Decile\n"
)


def test_lsoa_best_fit_gives_2021_lsoas_their_2011_decile(tmp_path: Path) -> None:
    """ONS's best fit: a kept code, a re-coded LSOA, and two 2011 LSOAs merged into one."""
    fit = write(
        tmp_path / "lsoa11_lsoa21.csv",
        LSOA_FIT_HEADER
        + "1,E01000001,City 001A,E01000001,City 001A,E09000001,City,\n"
        + "2,E01000002,City 001B,E01035001,City 001E,E09000001,City,\n"
        + "3,E01000003,City 001C,E01035002,City 001F,E09000001,City,\n"
        + "4,E01000004,City 001D,E01035002,City 001F,E09000001,City,\n",
    )
    imd = write(
        tmp_path / "imd.csv",
        IMD_HEADER
        + "E01000001,City 001A,E09000001,City,100,1\n"
        + "E01000002,City 001B,E09000001,City,8000,3\n"
        + "E01000003,City 001C,E09000001,City,12000,4\n"
        + "E01000004,City 001D,E09000001,City,25000,8\n",
    )
    db = tmp_path / "w.duckdb"
    (summary,) = load_files(db, "lookups", [fit])
    load_files(db, "imd", [imd])
    assert "4 English 2011 LSOAs to 3 2021 LSOAs" in " ".join(summary.notes)
    assert "1 kept their code, 1 2021 LSOAs are 2011 LSOAs merged" in " ".join(summary.notes)
    deciles = rows(db, "select lsoa_code, imd_decile, method from lsoa_imd order by lsoa_code")
    assert [(code, decile) for code, decile, _ in deciles] == [
        ("E01000001", 1), ("E01000002", 3), ("E01000003", 4), ("E01000004", 8),
        ("E01035001", 3),  # re-coded: its one 2011 LSOA's decile
        ("E01035002", 6),  # merged: the median of 4 and 8
    ]  # fmt: skip
    assert "merged into it" in str(deciles[-1][2]) and "it best fits" in str(deciles[-2][2])


def test_lsoa_best_fit_checks_its_codes(tmp_path: Path) -> None:
    bad = write(
        tmp_path / "lsoa11_lsoa21.csv",
        LSOA_FIT_HEADER + "1,E01000001,City 001A,E02000001,City 001,E09000001,City,\n",
    )
    with pytest.raises(LoadError) as caught:
        load_files(tmp_path / "w.duckdb", "lookups", [bad])
    assert [(p.line, p.column, p.value) for p in caught.value.problems] == [
        (2, "lsoa21_code", "E02000001")
    ]


def test_open_data_needs_some_known_files(tmp_path: Path) -> None:
    (tmp_path / "stuff").mkdir()
    (tmp_path / "stuff" / "a.csv").write_text("a,b\n1,2\n")
    with pytest.raises(LoadError, match="none of the open data files"):
        build_open_data(tmp_path / "w.duckdb", tmp_path)
    with pytest.raises(LoadError, match="is not a folder"):
        build_open_data(tmp_path / "w.duckdb", tmp_path / "missing")
    assert not (tmp_path / "w.duckdb").exists()
