"""The ICB dashboard extract (long layout) computed from the synthetic deaths.

Measures per ICB of residence (and England), for all deaths and by IMD quintile, broad
age band and sex. By financial-year quarter of death: bed days in hospital in the last 90
days of life, emergency admissions in the last 90 days, and specialist palliative care
contact in the last year (people). By calendar year of registration (period '2023', as
deaths are counted): the catalogue's place-of-death and care indicators (people; over
all deaths, or over deaths with palliative need for need identified before death), under
the catalogue's ICB-extract measure names. Small cells are suppressed as ICB analysts
would: fewer than 5 in the denominator blanks the row, and 1-4 people blanks a people count.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from etl.demo import causes
from etl.demo.care import PLACES
from etl.demo.geography import Geography
from peolc.breakdowns import BreakdownKey as B
from peolc.levels import ENGLAND_CODE, LevelKey
from peolc.measures import (
    DEATHS,
    MEASURE_BY_KEY,
    SETTING_KEYS,
    USUAL_RESIDENCE_SETTINGS,
    WITH_NEED,
)
from peolc.measures import MeasureKey as M
from peolc.vocabulary import AGE_BANDS_BROAD


def _extract_name(key: str) -> str:
    return MEASURE_BY_KEY[key].icb_extract_measures[0]


# by quarter: (the extract's measure name, the synthetic deaths' column it sums, a count
# of people?); the denominator is the deaths
MEASURES = (
    (_extract_name(M.BED_DAYS_90D), M.BED_DAYS_90D, False),
    (_extract_name(M.ADMISSIONS_PER_DEATH_90D), "emergency_admissions_90d", False),
    (_extract_name(M.SPC_CONTACT), M.SPC_CONTACT, True),
)
# by calendar year of registration: the catalogue's indicators, counts of people over the
# catalogue's denominator (deaths, or deaths with palliative need)
ANNUAL_KEYS = (
    *SETTING_KEYS, M.USUAL_RESIDENCE, M.ON_REGISTER, M.NEED_IDENTIFIED, M.ADVANCE_CARE_PLAN,
    M.EPACCS, M.ADMITTED_90D, M.ADMITTED_3PLUS_90D,
)  # fmt: skip
SMALL = 5


def _people(key: str) -> pl.Expr:
    """Whether a synthetic death counts in the numerator of indicator ``key``."""
    place = pl.col("place_index")
    on_register = pl.col("on_register")
    admissions = pl.col("emergency_admissions_90d")
    if key in SETTING_KEYS:
        return place == PLACES.index(key)
    flags = {
        M.USUAL_RESIDENCE: place.is_in([PLACES.index(s) for s in USUAL_RESIDENCE_SETTINGS]),
        M.ON_REGISTER: on_register,
        M.NEED_IDENTIFIED: _with_need() & on_register,
        M.ADVANCE_CARE_PLAN: pl.col("advance_care_plan"),
        M.EPACCS: pl.col("epaccs_record"),
        M.ADMITTED_90D: admissions >= 1,
        M.ADMITTED_3PLUS_90D: admissions >= 3,
    }
    return flags[key]


def _with_need() -> pl.Expr:
    """A death from a cause indicating palliative need (every group but sudden/other)."""
    return pl.col("group_index") != causes.SUDDEN


def _quarter_key(date: pl.Expr) -> pl.Expr:
    """Financial year start × 10 + quarter (20231 for April-June 2023): cheap to group."""
    start = pl.when(date.dt.month() >= 4).then(date.dt.year()).otherwise(date.dt.year() - 1)
    return start.cast(pl.Int32) * 10 + ((date.dt.month() + 8) % 12) // 3 + 1


def _quarter_label(key: pl.Expr) -> pl.Expr:
    """'2023-24 Q1' for the key 20231."""
    start = key // 10
    return pl.format("{}-{} Q{}", start, ((start + 1) % 100).cast(pl.Utf8).str.zfill(2), key % 10)


def _age_band(age: pl.Expr) -> pl.Expr:
    """The broad age band (peolc.vocabulary.AGE_BANDS_BROAD) of an age."""
    band = pl.lit(AGE_BANDS_BROAD[-1][0])
    for label, _, high in reversed(AGE_BANDS_BROAD[:-1]):
        band = pl.when(age <= high).then(pl.lit(label)).otherwise(band)
    return band


# (the extract's measure name, numerator column, denominator column, a count of people?)
Emitted = tuple[tuple[str, str, str, bool], ...]


def _icb_index(deaths: pl.DataFrame, geo: Geography) -> tuple[list[str], pl.Expr]:
    """The ICB codes, sorted, and each death's position among them (by its LSOA)."""
    icbs = sorted(geo.ref.icbs["icb_code"].to_list())
    position = {code: i for i, code in enumerate(icbs)}
    lsoa_icb = np.array([position[c] for c in geo.lsoas["icb_code"].to_list()])
    index = pl.col("lsoa_index").map_batches(
        lambda s: pl.Series(lsoa_icb[s.to_numpy()]), return_dtype=pl.Int64
    )
    return icbs, index.alias("icb_index")


def _breakdown_columns(icbs: list[str]) -> tuple[pl.Expr, ...]:
    """A grouped cell's ICB code and breakdown groups (IMD quintile, sex, 'all')."""
    return (
        pl.col("icb_index")
        .replace_strict(list(range(len(icbs))), icbs, return_dtype=pl.Utf8)
        .alias("icb_code"),
        ((pl.col(B.IMD_DECILE) + 1) // 2).cast(pl.Utf8).alias(B.IMD_QUINTILE),
        pl.col("sex_index").replace_strict([0, 1], ["M", "F"], return_dtype=pl.Utf8).alias(B.SEX),
        pl.lit(B.ALL).alias(B.ALL),
    )


def _rows(cells: pl.DataFrame, measures: Emitted) -> list[pl.DataFrame]:
    """The extract's rows of ``measures`` for each ICB and England × breakdown, made safe."""
    sums = dict.fromkeys(c for _, num, den, _ in measures for c in (den, num))
    totals = [pl.col(c).sum() for c in sums]
    frames = []
    for area_type, area in (
        (LevelKey.ICB, pl.col("icb_code")),
        (LevelKey.ENGLAND, pl.lit(ENGLAND_CODE)),
    ):
        scoped = cells.with_columns(area.alias("area_code"))
        for breakdown in (B.ALL, B.IMD_QUINTILE, B.AGE_BAND, B.SEX):
            grouped = scoped.group_by("period", "area_code", breakdown).agg(*totals)
            for measure, numerator, denominator, people in measures:
                suppressed = pl.col(denominator) < SMALL
                few = (pl.col(numerator) > 0) & (pl.col(numerator) < SMALL) & pl.lit(people)
                frames.append(
                    grouped.select(
                        "period",
                        "area_code",
                        pl.lit(area_type).alias("area_type"),
                        pl.lit(measure).alias("measure"),
                        pl.lit(breakdown).alias("breakdown"),
                        pl.col(breakdown).alias("breakdown_value"),
                        pl.when(suppressed | few)
                        .then(None)
                        .otherwise(pl.col(numerator))
                        .cast(pl.Float64)
                        .alias("numerator"),
                        pl.when(suppressed)
                        .then(None)
                        .otherwise(pl.col(denominator))
                        .cast(pl.Float64)
                        .alias("denominator"),
                    )
                )
    return frames


def _quarterly(deaths: pl.DataFrame, geo: Geography, years: tuple[int, ...]) -> list[pl.DataFrame]:
    """Bed days, emergency admissions and SPC contact by financial-year quarter of death."""
    first, last = min(years), max(years)
    sums = [pl.col(source).cast(pl.Int64).sum().alias(m) for m, source, _ in MEASURES]
    icbs, icb_index = _icb_index(deaths, geo)
    # a small table first: deaths and sums by quarter, ICB, decile, age band and sex
    cells = (
        deaths.filter(pl.col("date_of_death").dt.year().is_between(first, last))
        .with_columns(
            _quarter_key(pl.col("date_of_death")).alias("quarter"),
            icb_index,
            _age_band(pl.col("age")).alias(B.AGE_BAND),
        )
        .group_by("quarter", "icb_index", B.IMD_DECILE, B.AGE_BAND, "sex_index")
        .agg(pl.len().alias(DEATHS), *sums)
        .with_columns(_quarter_label(pl.col("quarter")).alias("period"), *_breakdown_columns(icbs))
    )
    return _rows(cells, tuple((m, m, DEATHS, people) for m, _, people in MEASURES))


def _annual(deaths: pl.DataFrame, geo: Geography, years: tuple[int, ...]) -> list[pl.DataFrame]:
    """The catalogue's place-of-death and care indicators by calendar year of registration."""
    icbs, icb_index = _icb_index(deaths, geo)
    flags = [_people(key).cast(pl.Int64).sum().alias(key) for key in ANNUAL_KEYS]
    cells = (
        deaths.filter(pl.col("year").is_in(years))
        .with_columns(icb_index, _age_band(pl.col("age")).alias(B.AGE_BAND))
        .group_by("year", "icb_index", B.IMD_DECILE, B.AGE_BAND, "sex_index")
        .agg(pl.len().alias(DEATHS), _with_need().cast(pl.Int64).sum().alias(WITH_NEED), *flags)
        .with_columns(pl.col("year").cast(pl.Utf8).alias("period"), *_breakdown_columns(icbs))
    )
    measures = tuple(
        (_extract_name(key), key, MEASURE_BY_KEY[key].denominator, True) for key in ANNUAL_KEYS
    )
    return _rows(cells, measures)


def build_extract(deaths: pl.DataFrame, geo: Geography, years: tuple[int, ...]) -> pl.DataFrame:
    """Rows of the ICB extract: period, area, measure, breakdown, numerator, denominator."""
    frames = [*_quarterly(deaths, geo, years), *_annual(deaths, geo, years)]
    return pl.concat(frames).sort(
        "period", "area_type", "area_code", "measure", "breakdown", "breakdown_value"
    )
