"""The ICB dashboard extract (long layout) computed from the synthetic deaths.

Measures per ICB of residence (and England) by financial-year quarter of death, for all
deaths and by IMD quintile, broad age band and sex: bed days in hospital in the last 90
days of life, emergency admissions in the last 90 days, and specialist palliative care
contact in the last year (people). Small cells are suppressed as ICB analysts would:
fewer than 5 deaths blanks the row, and 1-4 people blanks a people count.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from etl.demo.geography import Geography
from peolc.breakdowns import BreakdownKey as B
from peolc.levels import ENGLAND_CODE, LevelKey
from peolc.measures import MEASURE_BY_KEY
from peolc.measures import MeasureKey as M
from peolc.vocabulary import AGE_BANDS_BROAD


def _extract_name(key: str) -> str:
    return MEASURE_BY_KEY[key].icb_extract_measures[0]


# (the extract's measure name, the synthetic deaths' column it sums, a count of people?)
MEASURES = (
    (_extract_name(M.BED_DAYS_90D), M.BED_DAYS_90D, False),
    (_extract_name(M.ADMISSIONS_PER_DEATH_90D), "emergency_admissions_90d", False),
    (_extract_name(M.SPC_CONTACT), M.SPC_CONTACT, True),
)
SMALL = 5


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


def build_extract(deaths: pl.DataFrame, geo: Geography, years: tuple[int, ...]) -> pl.DataFrame:
    """Rows of the ICB extract: period, area, measure, breakdown, numerator, denominator."""
    first, last = min(years), max(years)
    sums = [pl.col(source).cast(pl.Int64).sum().alias(m) for m, source, _ in MEASURES]
    # a small table first: deaths and sums by quarter, LSOA, decile, age band and sex
    icbs = sorted(geo.ref.icbs["icb_code"].to_list())
    position = {code: i for i, code in enumerate(icbs)}
    lsoa_icb = np.array([position[c] for c in geo.lsoas["icb_code"].to_list()])
    cells = (
        deaths.filter(pl.col("date_of_death").dt.year().is_between(first, last))
        .with_columns(
            _quarter_key(pl.col("date_of_death")).alias("quarter"),
            pl.col("lsoa_index")
            .map_batches(lambda s: pl.Series(lsoa_icb[s.to_numpy()]), return_dtype=pl.Int64)
            .alias("icb_index"),
            _age_band(pl.col("age")).alias(B.AGE_BAND),
        )
        .group_by("quarter", "icb_index", B.IMD_DECILE, B.AGE_BAND, "sex_index")
        .agg(pl.len().alias("deaths"), *sums)
        .with_columns(
            _quarter_label(pl.col("quarter")).alias("period"),
            pl.col("icb_index")
            .replace_strict(list(range(len(icbs))), icbs, return_dtype=pl.Utf8)
            .alias("icb_code"),
            ((pl.col(B.IMD_DECILE) + 1) // 2).cast(pl.Utf8).alias(B.IMD_QUINTILE),
            pl.col("sex_index")
            .replace_strict([0, 1], ["M", "F"], return_dtype=pl.Utf8)
            .alias(B.SEX),
            pl.lit(B.ALL).alias(B.ALL),
        )
    )
    totals = [pl.col("deaths").sum(), *(pl.col(m).sum() for m, _, _ in MEASURES)]
    frames = []
    for area_type, area in (
        (LevelKey.ICB, pl.col("icb_code")),
        (LevelKey.ENGLAND, pl.lit(ENGLAND_CODE)),
    ):
        scoped = cells.with_columns(area.alias("area_code"))
        for breakdown in (B.ALL, B.IMD_QUINTILE, B.AGE_BAND, B.SEX):
            grouped = scoped.group_by("period", "area_code", breakdown).agg(*totals)
            suppressed = pl.col("deaths") < SMALL
            for measure, _, people in MEASURES:
                few = (pl.col(measure) > 0) & (pl.col(measure) < SMALL) & pl.lit(people)
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
                        .otherwise(pl.col(measure))
                        .cast(pl.Float64)
                        .alias("numerator"),
                        pl.when(suppressed)
                        .then(None)
                        .otherwise(pl.col("deaths"))
                        .cast(pl.Float64)
                        .alias("denominator"),
                    )
                )
    return pl.concat(frames).sort(
        "period", "area_type", "area_code", "measure", "breakdown", "breakdown_value"
    )
