"""The store of published values: Fingertips as published, ICB extracts made safe, precedence."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.loading import load_files
from peolc.breakdowns import BreakdownKey
from peolc.levels import ENGLAND_CODE, LevelKey
from peolc.measures import MeasureKey, SourceKind
from queries import deaths, store
from queries.places import ENGLAND, Place
from tests.disclosive import is_disclosive

CHESHIRE = Place("E54000008", LevelKey.ICB, "NHS Cheshire and Merseyside ICB")


def rows(db: Path, sql: str, **params: object) -> pl.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        frame: pl.DataFrame = con.sql(sql, params=params).pl()
    return frame


def test_fingertips_rows_reach_the_store_exactly_as_published(real_db: Path) -> None:
    joined = rows(
        real_db,
        """
        select v.value, f.value as published_value, v.lower_95, f.lower_95 as published_lower,
            v.upper_95, f.upper_95 as published_upper, v.numerator, f.count,
            v.denominator, f.denominator as published_denominator
        from store.indicator_value as v
        join fact_indicator as f
            on f.load_id = v.load_id and f.area_code = v.area_code and f.period = v.period
            and f.indicator_id = 93474 and f.category_type = '' and f.age = 'All ages'
        where v.source = 'fingertips' and v.measure = 'hospital' and v.breakdown = 'all'
        """,
    )
    # 4 years of England, ICBs, sub-ICBs, counties/UAs and districts, and the 23 unitary
    # authorities' county/UA rows again at the district level (one area, one code)
    assert joined.height == 4 * (1 + 2 + 17 + 24 + 12 + 23)
    for ours, theirs in (
        ("value", "published_value"),
        ("lower_95", "published_lower"),
        ("upper_95", "published_upper"),
        ("numerator", "count"),
        ("denominator", "published_denominator"),
    ):
        assert joined[ours].to_list() == joined[theirs].to_list(), ours


def test_cheshire_hospital_deaths_2021_are_fingertips_own(real_db: Path) -> None:
    frame = deaths.values(CHESHIRE, 2021, BreakdownKey.ALL, real_db)
    hospital = frame.filter(pl.col("measure") == MeasureKey.HOSPITAL).row(0, named=True)
    assert (hospital["numerator"], hospital["denominator"]) == (13_460, 28_080)
    assert hospital["value"] == pytest.approx(47.93447)
    assert (hospital["lower"], hospital["upper"]) == (
        pytest.approx(47.35048),
        pytest.approx(48.51903),
    )
    assert hospital["source_kind"] == SourceKind.FINGERTIPS
    # the 99.8% limits the file lacks are computed (Wilson) and said to be
    computed = rows(
        real_db,
        "select computed from store.indicator_value where area_code = $a and year = 2021 "
        "and measure = 'hospital' and breakdown = 'all'",
        a=CHESHIRE.code,
    )
    assert computed["computed"].to_list() == ["lower_998,upper_998"]
    assert hospital["lower_998"] < hospital["lower"] < hospital["upper"] < hospital["upper_998"]


def test_a_unitary_authority_published_as_a_county_is_also_its_district(real_db: Path) -> None:
    """Halton (E06000006) is in the file as a county/UA only; the district is the same area."""
    frame = rows(
        real_db,
        "select level, value, numerator, denominator from store.indicator_value "
        "where area_code = 'E06000006' and measure = 'hospital' and breakdown = 'all' "
        "and year = 2021 order by level",
    )
    assert frame["level"].to_list() == [LevelKey.CTY_UA, LevelKey.LAD]
    assert frame["value"].n_unique() == 1 and frame["numerator"].n_unique() == 1
    # a two-tier district is not a county: Burnley stays a district only
    burnley = rows(
        real_db,
        "select distinct level from store.indicator_value where area_code = 'E07000117'",
    )
    assert burnley["level"].to_list() == [LevelKey.LAD]


def test_county_deciles_are_a_breakdown_of_their_own(real_db: Path) -> None:
    split = deaths.values(ENGLAND, 2021, BreakdownKey.CTY_UA_DECILE_2021, real_db)
    hospital = split.filter(pl.col("measure") == MeasureKey.HOSPITAL)
    assert sorted(hospital["group_value"].to_list(), key=int) == [str(i) for i in range(1, 11)]
    # residents' LSOA deciles are not Fingertips' area-based deciles
    assert deaths.values(ENGLAND, 2021, BreakdownKey.IMD_DECILE, real_db).is_empty()


def test_age_rows_become_the_age_band_breakdown(real_db: Path) -> None:
    split = deaths.values(CHESHIRE, 2021, BreakdownKey.AGE_BAND, real_db)
    bands = split.filter(pl.col("measure") == MeasureKey.HOSPITAL)["group_value"].to_list()
    assert sorted(bands) == ["0-64", "65-74", "75-84", "85+"]


def test_icb_extract_counts_are_protected_below_england(demo_db: Path) -> None:
    extract = rows(
        demo_db,
        "select level, numerator, denominator, restricted, suppressed, computed "
        "from store.indicator_value where source = $s",
        s=SourceKind.ICB_EXTRACT,
    )
    assert extract.height > 0 and extract["restricted"].all()
    local = extract.filter(pl.col("level") != LevelKey.ENGLAND)
    counts = [*local["numerator"].drop_nulls(), *local["denominator"].drop_nulls()]
    assert counts and not any(is_disclosive(v) for v in counts)
    assert all(v % 5 == 0 for v in counts)  # rounded to the nearest 5
    assert set(extract["computed"]) == {store_computed()}


def store_computed() -> str:
    from etl.store import COMPUTED_ALL

    return COMPUTED_ALL


def test_england_extract_counts_are_the_extract_summed(demo_db: Path) -> None:
    """England is published in full: its years are the sums of their four quarters."""
    ours = rows(
        demo_db,
        "select sum(numerator) as n from store.indicator_value where source = $s "
        "and area_code = $e and breakdown = 'all' and measure = 'spc_contact'",
        s=SourceKind.ICB_EXTRACT,
        e=ENGLAND_CODE,
    )["n"][0]
    theirs = rows(
        demo_db,
        "select sum(n) as n from (select left(period, 7) as fy, sum(numerator) as n "
        "from fact_measure where area_code = $e and breakdown = 'all' "
        "and measure = 'spc_contact_last_year' group by fy having count(*) = 4)",
        e=ENGLAND_CODE,
    )["n"][0]
    assert ours == theirs


def test_an_icb_extract_wins_over_fingertips_and_deaths_win_over_both(
    real_db: Path, tmp_path: Path
) -> None:
    db = tmp_path / "with-extract.duckdb"
    shutil.copy(real_db, db)
    extract = tmp_path / "extract.csv"
    extract.write_text(
        "period,area_code,area_type,measure,breakdown,breakdown_value,numerator,denominator\n"
        "2021,E54000008,icb,deaths_in_hospital,all,all,13001,28000\n"
    )
    load_files(db, "icb-extract", [extract])
    hospital = (
        deaths.values(CHESHIRE, 2021, BreakdownKey.ALL, db)
        .filter(pl.col("measure") == MeasureKey.HOSPITAL)
        .row(0, named=True)
    )
    assert hospital["source_kind"] == SourceKind.ICB_EXTRACT
    assert (hospital["numerator"], hospital["denominator"]) == (13_000, 28_000)  # rounded
    # 46.4% (45.8-47.0) against Fingertips' 47.9% (47.4-48.5): the intervals are apart
    assert hospital["source_note"].startswith(
        "OHID Fingertips, End of Life Care profile gives 47.9"
    )
    assert "ICB dashboard extract" in store.published(CHESHIRE, 2021, "all", db)["source"].to_list()


def test_record_level_deaths_come_first(demo_db: Path) -> None:
    icb = rows(demo_db, "select area_code from dim_area where level = 'icb' limit 1")
    place = Place(icb["area_code"][0], LevelKey.ICB, "")
    frame = deaths.values(place, 2022, BreakdownKey.ALL, demo_db)
    sources = dict(zip(frame["measure"], frame["source_kind"], strict=True))
    # the demo's Fingertips extract is computed from the same deaths: no disagreement noted
    assert frame["source_note"].null_count() == frame.height
    assert sources[MeasureKey.HOSPITAL] == SourceKind.DEATHS  # Fingertips has it too
    assert sources[MeasureKey.SPC_CONTACT] == SourceKind.ICB_EXTRACT  # deaths do not derive it


def test_rows_the_pages_cannot_show_are_kept_and_listed_in_the_load_notes(real_db: Path) -> None:
    notes = dict(
        rows(real_db, "select file_name, notes from load_log where kind = 'fingertips'").iter_rows()
    )
    county = notes["indicators-CountyUA.data.csv"]
    assert "852 rows of indicators the catalogue does not show (93356" in county
    assert "rows for areas this warehouse does not know (E06000028" in county
    kept = rows(real_db, "select count(*) as n from fact_indicator where indicator_id = 93356")
    assert kept["n"][0] == 852


@given(st.lists(st.integers(min_value=-(10**15), max_value=10**15), max_size=40))
def test_grouped_digits_write_counts_as_python_does(numbers: list[int]) -> None:
    written = pl.DataFrame({"n": numbers}, schema={"n": pl.Int64}).select(
        store.grouped_digits(pl.col("n"))
    )
    assert written.to_series().to_list() == [f"{n:,}" for n in numbers]


READ_PATH = ("queries", "ui", "pages", "peolc", "dashboard.py")


def test_no_python_functions_inside_polars_expressions_on_the_read_path() -> None:
    """The dashboard's sessions run polars in many threads at once: a Python function in an
    expression makes polars' workers wait for the GIL, and that deadlocked the server under
    the load test (benchmarks/loadtest.py, 20 sessions)."""
    root = Path(__file__).resolve().parents[2]
    files = [p for name in READ_PATH for p in sorted((root / name).glob("**/*.py"))]
    files += [root / name for name in READ_PATH if name.endswith(".py")]
    found = [
        f"{path.relative_to(root)}:{number}"
        for path in files
        if path.is_file()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if any(call in line for call in (".map_elements(", ".map_batches(", ".map_groups("))
    ]
    assert found == []
