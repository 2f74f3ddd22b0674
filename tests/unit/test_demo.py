"""``peolc demo``: a small seeded build exercises the real loaders and looks like England.

One module-scoped build at scale 0.02 (about 11,000 deaths a year) serves most checks; a
second build with the same seed must be identical, table by table; calibration that
needs more deaths (DiUPR 65+ against Fingertips) runs the generator at scale 0.1 without
loading.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import polars as pl
import pytest

from etl.demo import build, extract, indicators
from etl.demo.care import PLACES
from etl.demo.deaths import DEATHS_PER_YEAR, build_deaths
from etl.demo.extract import ANNUAL_KEYS
from etl.demo.geography import Geography, build_lsoas, build_practices
from etl.demo.population import build_population
from etl.demo.reference import load_reference
from peolc.breakdowns import FINGERTIPS_DECILES, BreakdownKey
from peolc.levels import LEVEL_KEYS, PRACTICE_LEVELS, LevelKey
from peolc.measures import DEATHS, INDICATORS, MEASURE_BY_KEY, SETTING_KEYS, MeasureKey, SourceKind
from queries import deaths as death_queries
from queries import equity, maps
from queries.places import ENGLAND, Place

SCALE = 0.02
SEED = 2024
SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
FINGERTIPS_TIDY = SHARED_DATA / "fingertips" / "trafford_deaths_usual_place_65plus_tidy.csv"
FINGERTIPS_ENGLAND_DIUPR_2016 = 47.2  # that file's England value for 2016, its latest year
# England's place-of-death shares (ONS, roughly): the brief's targets and a tolerance
PLACE_TARGETS = {"hospital": 44, "home": 28, "care_home": 20, "hospice": 5, "elsewhere": 3}
PLACE_TOLERANCE = 2.5  # percentage points
# what may differ between two builds with one seed
VOLATILE = {"load_log": ("loaded_at",), "warehouse_meta": ()}
VOLATILE_META_KEYS = ("build_id", "built_at")


def _build(path: Path, seed: int = SEED) -> Path:
    build.build_demo(path, seed=seed, years=5, scale=SCALE)
    return path


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("demo") / "demo.duckdb")


@pytest.fixture(scope="module")
def demo(demo_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect(str(demo_path), read_only=True) as con:
        yield con


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> Any:
    row = con.execute(sql).fetchone()
    assert row is not None
    return row[0]


def _tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_schema = 'main' and table_type = 'BASE TABLE' order by 1"
    ).fetchall()
    return [str(r[0]) for r in rows]


def _fingerprints(path: Path) -> dict[str, tuple[int, int]]:
    """Row count and an order-free hash of every table, without the volatile columns."""
    out = {}
    with duckdb.connect(str(path), read_only=True) as con:
        for table in _tables(con):
            dropped = VOLATILE.get(table, ())
            columns = "* exclude (" + ", ".join(dropped) + ")" if dropped else "*"
            where = ""
            if table == "warehouse_meta":
                where = "where key not in ('" + "', '".join(VOLATILE_META_KEYS) + "')"
            row = con.execute(
                f"select count(*), coalesce(sum(hash(r)), 0) "
                f"from (select {columns} from {table} {where}) as r"
            ).fetchone()
            assert row is not None
            out[table] = (int(row[0]), int(row[1]))
    return out


# empty on a clean demo: no rejected rows, and every practice of its QOF and population
# files is in its practice mapping (practice_placement holds those that are not: real
# QOF 2024-25 has nine, tests/unit/test_loaders_real.py); its geography is one vintage on
# 2021 LSOAs, so no area has been replaced (area_successor: the April 2026 mergers on the
# real files) and no 2011 LSOA needs its best fit (geo_lsoa_fit)
EMPTY_ON_THE_DEMO = ("load_reject", "practice_placement", "area_successor", "geo_lsoa_fit")


def test_every_table_has_rows(demo: duckdb.DuckDBPyConnection) -> None:
    empty = [
        t
        for t in _tables(demo)
        if t not in EMPTY_ON_THE_DEMO and not _one(demo, f"select count(*) from {t}")
    ]
    assert empty == []
    assert _one(demo, "select count(*) from practice_placement") == 0
    assert _one(demo, "select count(*) from load_reject") == 0
    assert _one(demo, "select bool_and(synthetic) from load_log") is True
    # the figures are synthetic, the shapes are ONS's (etl/demo/reference/boundaries)
    assert _one(demo, "select bool_or(synthetic) from geo_boundary") is False


def test_maps_draw_the_ons_shapes_of_every_demo_area(demo: duckdb.DuckDBPyConnection) -> None:
    """Every area of every map level has its ONS shape, loaded by the boundary loader with
    no note of a missing area, close to the ONS file's area (British National Grid)."""
    import geopandas as gpd
    import shapely

    unshaped = _one(
        demo,
        "select count(*) from dim_area as d where d.level in "
        f"({', '.join(repr(lv) for lv in maps.MAP_LEVELS)}) and not exists "
        "(select 1 from geo_boundary as b where b.level = d.level and b.area_code = d.area_code)",
    )
    assert unshaped == 0
    notes = [r[0] or "" for r in demo.execute(
        "select notes from load_log where kind = 'boundaries'"
    ).fetchall()]  # fmt: skip
    assert len(notes) == len(maps.MAP_LEVELS)
    assert not any("no boundary for" in n for n in notes)
    icbs = demo.execute(
        "select area_code, geometry_json from geo_boundary where level = $level order by 1",
        {"level": LevelKey.ICB},
    ).fetchall()
    ours = gpd.GeoSeries([shapely.from_geojson(g) for _, g in icbs], crs=4326).to_crs(27700)
    ons = gpd.read_file(SHARED_DATA / "boundaries" / "icb_2023_apr_en_bsc.geojson")
    ons_area = dict(zip(ons["ICB23CD"], ons.to_crs(27700).area, strict=True))
    worst = max(abs(a / ons_area[c] - 1) for (c, _), a in zip(icbs, ours.area, strict=True))
    assert worst < 0.01
    assert shapely.is_valid(ours.values).all()


def test_map_attribution_names_ons_and_the_year(
    demo: duckdb.DuckDBPyConnection, demo_path: Path
) -> None:
    shapes = maps.boundaries(LevelKey.ICB, demo_path)
    assert not shapes["synthetic"].any()
    lines = maps.attribution(shapes)
    assert lines[1].startswith("Source: Office for National Statistics licensed under the Open")
    assert lines[2] == "Contains OS data © Crown copyright and database right 2023."
    assert maps.attribution(maps.boundaries(LevelKey.LAD, demo_path))[2].endswith(" 2024.")
    generated = shapes.with_columns(pl.lit(True).alias("synthetic"))
    assert "SYNTHETIC" in maps.attribution(generated)[0]


def test_meta_says_demo(demo: duckdb.DuckDBPyConnection) -> None:
    meta = dict(demo.execute("select key, value from warehouse_meta").fetchall())
    assert meta["data_origin"] == "demo"
    assert meta["demo_seed"] == str(SEED)
    assert meta["demo_years"] == "5"
    assert float(meta["demo_scale"]) == SCALE
    assert "SYNTHETIC" in meta["demo_note"]


def test_real_nhs_and_local_authority_areas(demo: duckdb.DuckDBPyConnection) -> None:
    ref = load_reference()
    counts = dict(demo.execute("select level, count(*) from dim_area group by level").fetchall())
    assert counts["nhs_region"] == 7
    assert counts["icb"] == 42
    assert counts["sub_icb"] == 106
    assert counts["lad"] == 296
    assert counts["region"] == 9
    names = dict(
        demo.execute("select area_code, area_name from dim_area where level = 'icb'").fetchall()
    )
    assert names == dict(ref.icbs.select("icb_code", "icb_name").iter_rows())
    assert names["E54000063"] == "NHS Surrey Heartlands Integrated Care Board"
    regions = dict(
        demo.execute(
            "select area_code, area_name from dim_area where level = 'nhs_region'"
        ).fetchall()
    )
    assert regions["E40000013"] == "East of England"
    assert (
        _one(
            demo,
            "select count(*) from dim_area "
            "where level in ('sub_icb', 'icb') and parent_code is null",
        )
        == 0
    )


def test_synthetic_codes_are_well_formed(demo: duckdb.DuckDBPyConnection) -> None:
    assert _one(
        demo,
        "select bool_and(regexp_full_match(area_code, 'Z[0-9]{5}')) "
        "from dim_area where level = 'practice'",
    )
    assert _one(
        demo,
        "select bool_and(regexp_full_match(area_code, 'UZ[0-9]{4}')) "
        "from dim_area where level = 'pcn'",
    )
    assert _one(
        demo,
        "select bool_and(area_name like 'Synthetic%') "
        "from dim_area where level in ('practice', 'pcn')",
    )
    assert _one(demo, "select bool_and(regexp_full_match(lsoa_code, 'E019[0-9]{5}')) from lsoa_imd")
    # every death's LSOA has an IMD decile (2011 codes direct, new 2021 codes by MSOA)
    assert (
        _one(
            demo,
            "select count(*) from fact_death d anti join lsoa_imd i on i.lsoa_code = d.lsoa_code",
        )
        == 0
    )
    assert _one(demo, "select count(distinct method) from lsoa_imd") == 2


def test_deaths_per_year_are_national_scale(demo: duckdb.DuckDBPyConnection) -> None:
    per_year = dict(demo.execute("select year, count(*) from fact_death group by year").fetchall())
    assert sorted(per_year) == [2019, 2020, 2021, 2022, 2023]
    for year, deaths in per_year.items():
        assert abs(deaths / (DEATHS_PER_YEAR * SCALE) - 1) < 0.10, (year, deaths)
    assert _one(demo, "select avg((age >= 75)::int) from fact_death") > 0.6
    male, female = demo.execute(
        "select avg(age) filter (sex = 'M'), avg(age) filter (sex = 'F') from fact_death"
    ).fetchone() or (0, 0)
    assert female > male
    assert 0.45 < _one(demo, "select avg((sex = 'F')::int) from fact_death") < 0.55


def test_place_of_death_shares(demo: duckdb.DuckDBPyConnection) -> None:
    shares = dict(
        demo.execute(
            "select place_of_death, 100 * count(*) / sum(count(*)) over () "
            "from fact_death group by place_of_death"
        ).fetchall()
    )
    for place, target in PLACE_TARGETS.items():
        assert abs(shares[place] - target) <= PLACE_TOLERANCE, (place, shares[place])
    assert set(shares) == set(PLACES)


def _fingertips_england_latest() -> float:
    if not FINGERTIPS_TIDY.exists():
        return FINGERTIPS_ENGLAND_DIUPR_2016
    with open(FINGERTIPS_TIDY, newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["area_code"] == "E92000001" and r["value"]]
    latest = max(rows, key=lambda r: int(r["period"]))
    return float(latest["value"])


def test_diupr_65_plus_matches_fingertips_england() -> None:
    """Deaths at home or in a care home among people 65+: within 3 points of Fingertips."""
    ref = load_reference()
    lsoas = build_lsoas(ref, 0.1, SEED)
    practices, catchment = build_practices(ref, lsoas, 0.1, SEED)
    geo = Geography(ref, lsoas, practices, catchment)
    deaths = build_deaths(geo, build_population(geo, build.demo_years(5)), 0.1, SEED)
    usual = [PLACES.index("home"), PLACES.index("care_home")]
    older = deaths.filter(pl.col("age") >= 65)
    by_year = older.group_by("year").agg(pl.col("place_index").is_in(usual).mean() * 100)
    target = _fingertips_england_latest()
    assert target == pytest.approx(FINGERTIPS_ENGLAND_DIUPR_2016)
    for year, value in by_year.iter_rows():
        assert abs(value - target) <= 3.0, (year, value, target)


def test_fingertips_rows_agree_with_the_deaths(demo: duckdb.DuckDBPyConnection) -> None:
    from_deaths = dict(
        demo.execute(
            "select year::varchar, 100 * avg((place_of_death in ('home', 'care_home'))::int) "
            "from fact_death where age >= 65 group by year"
        ).fetchall()
    )
    published = dict(
        demo.execute(
            "select period, value from fact_indicator where indicator_id = 92727 "
            "and area_code = 'E92000001' and category_type = ''"
        ).fetchall()
    )
    assert published.keys() == from_deaths.keys()
    for year, value in published.items():
        assert value == pytest.approx(from_deaths[year])
    levels = dict(
        demo.execute(
            "select area_type, count(distinct area_code) from fact_indicator group by 1"
        ).fetchall()
    )
    assert levels == {
        "Country": 1,
        "NHS region": 7,
        "ICB": 42,
        "Sub-ICB": 106,
        "Regions (statistical)": 9,
        "Counties & UAs (from Apr 2023)": 153,
        # the districts of two-tier counties; single-tier authorities are written once,
        # as counties/UAs, and the store gives them to the district level too
        "Districts & UAs (from Apr 2023)": 164,
    }
    assert _one(
        demo,
        "select bool_and(lower_95 <= value and value <= upper_95) "
        "from fact_indicator where category_type = ''",
    )


def test_fingertips_rows_have_real_ids_and_layouts(demo: duckdb.DuckDBPyConnection) -> None:
    ids = {
        r[0] for r in demo.execute("select distinct indicator_id from fact_indicator").fetchall()
    }
    assert ids == {92727, 93474, 93475, 93476, 93477, 93478, 93613}
    assert {i for m in INDICATORS for i in m.fingertips_ids} & ids == ids - {92727}
    # hospital deaths by age as Fingertips publishes them, for every area type
    ages = {
        r[0]
        for r in demo.execute(
            "select distinct age from fact_indicator where indicator_id = 93474"
        ).fetchall()
    }
    assert ages == {"All ages", "<65 yrs", "65-74 yrs", "75-84 yrs", "85+ yrs"}
    age_types = _one(
        demo,
        "select count(distinct area_type) from fact_indicator "
        "where indicator_id = 93474 and age = '<65 yrs'",
    )
    assert age_types == 7
    # England by County & UA deprivation decile, labelled as Fingertips labels them
    categories = demo.execute(
        "select category, count(*) from fact_indicator where area_code = 'E92000001' "
        "and category_type = 'County & UA deprivation deciles in England (IMD2019, "
        "4/21 geography)' group by 1"
    ).fetchall()
    years = 5
    indicators = 7
    assert dict(categories) == {f"{d} (IMD2019)": years * indicators for d in FINGERTIPS_DECILES}
    # counties and districts name their ONS region as parent and are compared with it
    parents = demo.execute(
        "select distinct area_type, left(parent_code, 3), parent_type_label "
        "from fact_indicator where area_type like 'Counties%' or area_type like 'Districts%'"
    ).fetchall()
    assert {(t, p) for t, p, _ in parents} == {
        ("Counties & UAs (from Apr 2023)", "E12"),
        ("Districts & UAs (from Apr 2023)", "E12"),
    }
    assert {label for _, _, label in parents} == {"Region"}


def test_county_ua_deciles_cut_counties_into_tenths() -> None:
    ref = load_reference()
    lsoas = build_lsoas(ref, SCALE, SEED)
    practices, catchment = build_practices(ref, lsoas, SCALE, SEED)
    deciles = indicators.cty_ua_deciles(Geography(ref, lsoas, practices, catchment))
    assert deciles.height == 153 and deciles["cty_code"].n_unique() == 153
    sizes = deciles.group_by("cty_imd_decile").len()["len"].to_list()
    assert sorted(deciles["cty_imd_decile"].unique().to_list()) == list(range(1, 11))
    assert set(sizes) <= {15, 16}
    by_code = dict(deciles.iter_rows())
    assert by_code["E08000003"] <= 2 < 9 <= by_code["E10000030"]  # Manchester; Surrey


def test_fingertips_counts_are_the_deaths_counted(demo: duckdb.DuckDBPyConnection) -> None:
    """Published counts equal counting the deaths directly, at every level and split."""
    # every death is in one county/UA, one district and one region: their counts add up
    sums = (
        demo.cursor()
        .sql(
            """
        select indicator_id, period, area_type, age, sum(count), sum(denominator)
        from fact_indicator where category_type = '' group by all
        """
        )
        .pl()
    )
    england = sums.filter(pl.col("area_type") == "Country").drop("area_type")
    for area_type in ("Regions (statistical)", "Counties & UAs (from Apr 2023)", "ICB"):
        part = sums.filter(pl.col("area_type") == area_type).drop("area_type")
        assert part.sort(part.columns[:3]).equals(england.sort(england.columns[:3])), area_type
    # a county's deaths are its residents' (its LSOAs'); ages and 93613 as death_facts has them
    direct = dict(
        demo.execute(
            """
            select concat_ws('|', b.area_code, d.year, d.age_band), sum(d.n_hospital)
            from death_facts as d
            join area_base as b on b.base_code = d.lsoa_code and b.base_kind = 'lsoa'
            where b.level = 'cty_ua'
            group by all
            """
        ).fetchall()
    )
    published = demo.execute(
        "select area_code, period, age, count from fact_indicator "
        "where indicator_id = 93474 and area_type like 'Counties%' and age <> 'All ages'"
    ).fetchall()
    band = {"<65 yrs": "0-64", "65-74 yrs": "65-74", "75-84 yrs": "75-84", "85+ yrs": "85+"}
    assert published
    for area, period, age, count in published:
        assert count == direct.get(f"{area}|{period}|{band[age]}", 0), (area, period, age)
    three_plus = dict(
        demo.execute(
            "select year::varchar, sum(n_admitted_3plus_90d) from death_facts group by 1"
        ).fetchall()
    )
    published_3plus = dict(
        demo.execute(
            "select period, count from fact_indicator where indicator_id = 93613 "
            "and area_code = 'E92000001' and category_type = ''"
        ).fetchall()
    )
    assert published_3plus == three_plus


def test_deprivation_gradient(demo: duckdb.DuckDBPyConnection) -> None:
    rows = demo.execute(
        """
        select i.imd_decile,
            avg((d.place_of_death = 'hospital')::int) as hospital,
            avg(d.on_palliative_register::int) filter (d.palliative_need) as identified
        from fact_death as d
        join lsoa_imd as i on i.lsoa_code = d.lsoa_code
        group by i.imd_decile
        """
    ).fetchall()
    by_decile = {int(r[0]): (float(r[1]), float(r[2])) for r in rows}
    assert by_decile[1][0] > by_decile[10][0]  # more hospital deaths where more deprived
    assert by_decile[1][1] < by_decile[10][1]  # fewer identified where more deprived
    mortality = dict(
        demo.execute(
            """
            with deaths as (
                select i.imd_decile, count(*) as deaths
                from fact_death as d join lsoa_imd as i on i.lsoa_code = d.lsoa_code
                where d.age between 75 and 84 group by 1
            ),
            people as (
                select i.imd_decile, sum(p.population) / count(distinct p.year) as people
                from fact_population as p join lsoa_imd as i on i.lsoa_code = p.base_code
                where p.base_kind = 'lsoa' and p.age_band in ('75-79', '80-84') group by 1
            )
            select imd_decile, deaths / people / 5 from deaths join people using (imd_decile)
            """
        ).fetchall()
    )
    assert mortality[1] > mortality[10]


def test_registers_lists_and_populations(demo: duckdb.DuckDBPyConnection) -> None:
    prevalence = _one(
        demo,
        "select sum(register) / sum(list_size) "
        "from fact_qof where group_code = 'PC' and year = 2022",
    )
    assert 0.0040 < prevalence < 0.0055
    assert _one(demo, "select count(distinct group_code) from fact_qof") == 5
    lists = _one(
        demo, "select sum(list_size) from fact_qof where group_code = 'PC' and year = 2022"
    )
    assert 62.4e6 * SCALE * 0.85 < lists < 62.4e6 * SCALE * 1.25
    residents = _one(
        demo, "select sum(population) from fact_population where base_kind = 'lsoa' and year = 2022"
    )
    assert 57.1e6 * SCALE * 0.98 < residents < 57.1e6 * SCALE * 1.02
    registered = _one(
        demo,
        "select sum(population) from fact_population where base_kind = 'practice' and year = 2022",
    )
    assert registered == lists  # the GP registered file and QOF agree
    assert _one(demo, "select bool_and(palliative_register_date <= date_of_death) from fact_death")
    assert 40 < _one(demo, "select median(days_on_register) from fact_death") < 120


def test_icb_extract_is_consistent_with_the_deaths(demo: duckdb.DuckDBPyConnection) -> None:
    measures = {r[0] for r in demo.execute("select distinct measure from fact_measure").fetchall()}
    assert {"hospital_bed_days_last_90d", "spc_contact_last_year"} <= measures
    breakdowns = {
        r[0] for r in demo.execute("select distinct breakdown from fact_measure").fetchall()
    }
    assert breakdowns == {"all", "imd_quintile", "age_band", "sex"}
    in_extract = _one(
        demo,
        "select sum(denominator) from fact_measure where area_code = 'E92000001' "
        "and measure = 'spc_contact_last_year' and breakdown = 'all'",
    )
    died = _one(
        demo, "select count(*) from fact_death where year(date_of_death) between 2019 and 2023"
    )
    assert in_extract == died


def test_icb_extract_gives_the_catalogue_indicators_by_calendar_year(
    demo: duckdb.DuckDBPyConnection,
) -> None:
    """Every annual ICB-extract count for England and an ICB equals counting the deaths."""
    names = {k: MEASURE_BY_KEY[k].icb_extract_measures[0] for k in ANNUAL_KEYS}
    annual = (
        demo.cursor()
        .sql("select * from fact_measure where regexp_full_match(period, '[0-9]{4}')")
        .pl()
    )
    assert set(annual["measure"].unique().to_list()) == set(names.values())
    assert set(annual["period"].unique().to_list()) == {str(y) for y in build.demo_years(5)}
    assert set(annual["breakdown"].unique().to_list()) == {"all", "imd_quintile", "age_band", "sex"}
    icb = "E54000008"
    for key, name in names.items():
        denominator = (
            "count(*)" if MEASURE_BY_KEY[key].denominator == DEATHS else "sum(n_with_need)"
        )
        for breakdown, group in (("all", "'all'"), ("imd_quintile", "imd_quintile::varchar"),
                                 ("age_band", "age_band"), ("sex", "sex")):  # fmt: skip
            direct = demo.execute(
                f"""
                select 'E92000001', year::varchar, {group}, sum(n_{key}), {denominator}
                from death_facts group by all
                union all
                select b.area_code, year::varchar, {group}, sum(n_{key}), {denominator}
                from death_facts as d
                join area_base as b on b.base_code = d.lsoa_code and b.base_kind = 'lsoa'
                where b.level = 'icb' and b.area_code = '{icb}'
                group by all
                """
            ).fetchall()
            given = {
                (r["area_code"], r["period"], r["breakdown_value"]): (
                    r["numerator"],
                    r["denominator"],
                )
                for r in annual.filter(
                    (pl.col("measure") == name) & (pl.col("breakdown") == breakdown)
                ).iter_rows(named=True)
            }
            for area, period, value, numerator, total in direct:
                shown = given[(area, period, value)]
                if total < extract.SMALL:
                    assert shown == (None, None)
                elif 0 < numerator < extract.SMALL:
                    assert shown == (None, total)
                else:
                    assert shown == (numerator, total), (key, area, period, breakdown, value)


@pytest.fixture(scope="module")
def aggregate_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse from the aggregate sources only (``peolc demo --without deaths``)."""
    path = tmp_path_factory.mktemp("aggregate") / "demo.duckdb"
    build.build_demo(path, seed=SEED, years=2, scale=SCALE, without=frozenset({"deaths"}))
    return path


def test_without_deaths_every_level_fingertips_covers_has_figures(aggregate_only: Path) -> None:
    """Fingertips publishes no place of death for PCNs and practices; every other level has
    figures from Fingertips or the ICB extract."""
    with duckdb.connect(str(aggregate_only), read_only=True) as con:
        assert _one(con, "select count(*) from fact_death") == 0
        firsts = con.execute(
            "select level, arg_min(area_code, area_code), arg_min(area_name, area_code) "
            "from dim_area group by level"
        ).fetchall()
    found = {}
    for level, code, name in firsts:
        frame = death_queries.values(
            Place(code, level, name), build.LAST_YEAR, BreakdownKey.ALL, aggregate_only
        )
        found[level] = set(frame["measure"].to_list())
    assert set(found) == set(LEVEL_KEYS) - {LevelKey.LSOA}
    for level in PRACTICE_LEVELS:
        assert found[level] == set(), level
    for level in set(found) - set(PRACTICE_LEVELS):
        assert set(SETTING_KEYS) <= found[level], level
    # England and ICBs also have the care indicators, from the ICB extract
    assert MeasureKey.NEED_IDENTIFIED in found[LevelKey.ICB] & found[LevelKey.ENGLAND]


def test_without_deaths_the_equity_audit_splits_an_icb_from_the_extract(
    aggregate_only: Path,
) -> None:
    place = Place("E54000008", LevelKey.ICB, "NHS Cheshire and Merseyside ICB")
    split = equity.split(place, build.LAST_YEAR, BreakdownKey.IMD_QUINTILE, aggregate_only)
    hospital = split.filter(pl.col("measure") == MeasureKey.HOSPITAL)
    assert hospital["group_value"].to_list() == ["1", "2", "3", "4", "5"]
    assert hospital["value"].is_not_null().all()
    assert set(split["source_kind"].to_list()) == {SourceKind.ICB_EXTRACT}
    assert split["benchmark"].is_not_null().all()
    # England's split by its counties' deprivation comes from Fingertips
    by_county = equity.split(
        ENGLAND, build.LAST_YEAR, BreakdownKey.CTY_UA_DECILE_2021, aggregate_only
    )
    hospital = by_county.filter(pl.col("measure") == MeasureKey.HOSPITAL)
    assert hospital.height == 10
    assert set(hospital["source_kind"].to_list()) == {SourceKind.FINGERTIPS}


def test_same_seed_gives_identical_tables(demo: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    first = Path(
        str(
            _one(
                demo, "select path from duckdb_databases() where database_name = current_database()"
            )
        )
    )
    again = _fingerprints(_build(tmp_path / "again.duckdb"))
    assert again == _fingerprints(first)


def test_another_seed_differs(tmp_path: Path) -> None:
    ref = load_reference()
    draws = []
    for seed in (SEED, SEED + 1):
        lsoas = build_lsoas(ref, SCALE, seed)
        practices, catchment = build_practices(ref, lsoas, SCALE, seed)
        geo = Geography(ref, lsoas, practices, catchment)
        deaths = build_deaths(geo, build_population(geo, build.demo_years(2)), SCALE, seed)
        draws.append(deaths)
    assert not draws[0].equals(draws[1])


@pytest.mark.slow
def test_national_scale_build_time(tmp_path: Path) -> None:
    """Scale 1.0 builds in about a minute on two cores, with England's shape."""
    times = build.build_demo_timed(tmp_path / "demo.duckdb", seed=SEED, years=5, scale=1.0)
    print(
        f"\ngeneration {times.generation:.1f} s, loading {times.loading:.1f} s "
        f"(overlapping), total {times.total:.1f} s"
    )
    with duckdb.connect(str(tmp_path / "demo.duckdb"), read_only=True) as con:
        practices = _one(con, "select count(*) from dim_area where level = 'practice'")
        pcns = _one(con, "select count(*) from dim_area where level = 'pcn'")
        per_year = con.execute("select count(*) from fact_death group by year").fetchall()
    assert practices == 6_378
    assert 1_150 < pcns < 1_350
    deaths = np.array([r[0] for r in per_year])
    assert (abs(deaths / DEATHS_PER_YEAR - 1) < 0.1).all()
    assert times.total < 90  # the target is 60 s; loaders dominate (docs/demo-data.md)
