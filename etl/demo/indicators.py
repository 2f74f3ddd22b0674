"""End of Life Care Profile-style Fingertips indicators computed from the synthetic deaths.

Place-of-death percentages for England, NHS regions, ICBs and sub-ICBs (deaths counted by
residence, as Fingertips does), with Wilson 95% and 99.8% limits from ``queries.stats``
and Fingertips' comparisons: an area's 95% interval against the England (or region)
value. England also gets rows by LSOA deprivation decile, as Fingertips publishes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from etl.demo.care import PLACES
from etl.demo.geography import Geography
from peolc.levels import ENGLAND_CODE, ENGLAND_NAME
from peolc.measures import USUAL_RESIDENCE_SETTINGS
from peolc.vocabulary import SettingKey as S

if TYPE_CHECKING:
    from queries.stats import Polarity


@dataclass(frozen=True)
class Indicator:
    """One indicator: which deaths count, among which deaths, and which way is better."""

    indicator_id: int
    name: str
    age_label: str
    places: tuple[str, ...]
    min_age: int
    polarity: Polarity  # "no judgement" gives Higher/Similar/Lower


INDICATORS = (
    # the End of Life Care profile's place-of-death indicators, with Fingertips' own ids and
    # names (peolc.measures: the catalogue), and the retired DiUPR 65+ indicator
    Indicator(93474, "Percentage of deaths that occur in hospital", "All ages",
              (S.HOSPITAL,), 0, "no judgement"),
    Indicator(93475, "Percentage of deaths that occur in care homes", "All ages",
              (S.CARE_HOME,), 0, "no judgement"),
    Indicator(93476, "Percentage of deaths that occur at home", "All ages",
              (S.HOME,), 0, "no judgement"),
    Indicator(93477, "Percentage of deaths that occur in 'other places'", "All ages",
              (S.ELSEWHERE,), 0, "no judgement"),
    Indicator(93478, "Percentage of deaths that occur in hospice", "All ages",
              (S.HOSPICE,), 0, "no judgement"),
    Indicator(92727, "% of deaths in usual place of residence, people aged 65+", "65+ yrs",
              USUAL_RESIDENCE_SETTINGS, 65, "higher is better"),
)  # fmt: skip
COLUMNS = (
    "Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name",
    "Area Type", "Sex", "Age", "Category Type", "Category", "Time period", "Value",
    "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Lower CI 99.8 limit", "Upper CI 99.8 limit",
    "Count", "Denominator", "Value note", "Recent Trend",
    "Compared to England value or percentiles", "Compared to Region value or percentiles",
    "Time period Sortable", "New data", "Compared to goal",
)  # fmt: skip
DECILE_CATEGORY_TYPE = "LSOA deprivation deciles in England (IMD2019)"
DECILE_LABELS = (
    "Most deprived decile", "Second most deprived decile", "Third more deprived decile",
    "Fourth more deprived decile", "Fifth more deprived decile", "Fifth less deprived decile",
    "Fourth less deprived decile", "Third less deprived decile",
    "Second least deprived decile", "Least deprived decile",
)  # fmt: skip
AGGREGATED = "Aggregated from all known lower geography values"

ProportionCi = Callable[..., tuple[np.ndarray, np.ndarray]]


def _proportion_ci() -> ProportionCi:
    """The project's Wilson interval (imported late: queries.stats is its own package)."""
    from queries.stats import proportion_ci

    found: ProportionCi = proportion_ci
    return found


def _cells(deaths: pl.DataFrame, geo: Geography) -> pl.DataFrame:
    """Deaths counted by year, sub-ICB, IMD decile, place and aged 65+ (a small table),
    with the sub-ICB's ICB and NHS region."""
    subs = geo.ref.sub_icbs.sort("sub_icb_code")
    position = {code: i for i, code in enumerate(subs["sub_icb_code"].to_list())}
    lsoa_sub = np.array([position[c] for c in geo.lsoas["sub_icb_code"].to_list()])
    grouped = (
        deaths.select(
            "year",
            pl.Series("sub_index", lsoa_sub[deaths["lsoa_index"].to_numpy()]),
            "imd_decile",
            "place_index",
            (pl.col("age") >= 65).alias("old"),
        )
        .group_by("year", "sub_index", "imd_decile", "place_index", "old")
        .len("n")
    )
    areas = (
        subs.select("sub_icb_code", "sub_icb_name", "icb_code")
        .with_row_index("sub_index")
        .join(geo.ref.icbs.select("icb_code", "icb_name", "region_code"), on="icb_code")
        .join(geo.ref.regions.select("region_code", "region_name"), on="region_code")
        .with_columns(pl.col("sub_index").cast(pl.Int64))
    )
    return grouped.join(areas, on="sub_index", how="left")


def _counts(deaths: pl.DataFrame, geo: Geography) -> pl.DataFrame:
    """Count and denominator per indicator, year and area (all levels), plus parents."""
    places = {name: i for i, name in enumerate(PLACES)}
    cells = _cells(deaths, geo)
    frames = []
    for ind in INDICATORS:
        wanted = [places[p] for p in ind.places]
        scoped = cells.filter(pl.col("old") | pl.lit(ind.min_age == 0)).with_columns(
            (pl.col("place_index").is_in(wanted).cast(pl.Int64) * pl.col("n")).alias("hit")
        )
        totals = (pl.col("hit").sum().alias("count"), pl.col("n").sum().alias("denominator"))
        levels = (
            ("Sub-ICB", "sub_icb_code", "sub_icb_name", "region_code", "region_name"),
            ("ICB", "icb_code", "icb_name", "region_code", "region_name"),
            ("NHS region", "region_code", "region_name", None, None),
        )
        for area_type, code, name, parent, parent_name in levels:
            keys = [code, name] + ([parent, parent_name] if parent else [])
            grouped = scoped.group_by("year", *keys).agg(*totals)
            frames.append(
                grouped.select(
                    pl.lit(ind.indicator_id).alias("indicator_id"),
                    "year",
                    pl.col(code).alias("area_code"),
                    pl.col(name).alias("area_name"),
                    pl.lit(area_type).alias("area_type"),
                    (pl.col(parent) if parent else pl.lit(ENGLAND_CODE)).alias("parent_code"),
                    (pl.col(parent_name) if parent_name else pl.lit(ENGLAND_NAME)).alias(
                        "parent_name"
                    ),
                    pl.lit("").alias("category_type"),
                    pl.lit("").alias("category"),
                    "count",
                    "denominator",
                )
            )
        england = scoped.group_by("year").agg(*totals)
        by_decile = scoped.group_by("year", "imd_decile").agg(*totals)
        for frame, category_type, category in (
            (england, pl.lit(""), pl.lit("")),
            (
                by_decile,
                pl.lit(DECILE_CATEGORY_TYPE),
                pl.format(
                    "{} (IMD2019)",
                    pl.col("imd_decile").replace_strict(
                        list(range(1, 11)), list(DECILE_LABELS), return_dtype=pl.Utf8
                    ),
                ),
            ),
        ):
            frames.append(
                frame.select(
                    pl.lit(ind.indicator_id).alias("indicator_id"),
                    "year",
                    pl.lit(ENGLAND_CODE).alias("area_code"),
                    pl.lit(ENGLAND_NAME).alias("area_name"),
                    pl.lit("Country").alias("area_type"),
                    pl.lit("").alias("parent_code"),
                    pl.lit("").alias("parent_name"),
                    category_type.alias("category_type"),
                    category.alias("category"),
                    "count",
                    "denominator",
                )
            )
    return pl.concat(frames, how="vertical_relaxed")


def _compare(lower: np.ndarray, upper: np.ndarray, value: np.ndarray, ids: list[int]) -> np.ndarray:
    """Fingertips' label ("Better", "Similar", ...) of each 95% interval against a value."""
    from queries.stats import benchmark

    out = np.empty(len(ids), dtype=object)
    id_array = np.array(ids)
    for ind in INDICATORS:
        rows = id_array == ind.indicator_id
        labels = benchmark(lower[rows], upper[rows], value[rows], ind.polarity)
        out[rows] = [str(label).capitalize() for label in labels]
    return out


def build_indicators(deaths: pl.DataFrame, geo: Geography) -> pl.DataFrame:
    """Rows of the Fingertips API CSV (COLUMNS, in order) for every indicator and year."""
    proportion_ci = _proportion_ci()
    counts = _counts(deaths, geo)
    count = counts["count"].to_numpy().astype(np.float64)
    denominator = counts["denominator"].to_numpy().astype(np.float64)
    low95, high95 = proportion_ci(count, denominator, 0.95, multiplier=100)
    low998, high998 = proportion_ci(count, denominator, 0.998, multiplier=100)
    frame = counts.with_columns(
        (pl.col("count") / pl.col("denominator") * 100).alias("value"),
        pl.Series("lower_95", low95),
        pl.Series("upper_95", high95),
        pl.Series("lower_998", low998),
        pl.Series("upper_998", high998),
    )
    whole = pl.col("category_type") == ""
    england = frame.filter(whole & (pl.col("area_code") == ENGLAND_CODE)).select(
        "indicator_id", "year", pl.col("value").alias("england_value")
    )
    regions = frame.filter(pl.col("area_type") == "NHS region").select(
        "indicator_id", "year", pl.col("area_code").alias("parent_code"),
        pl.col("value").alias("region_value"),
    )  # fmt: skip
    frame = frame.join(england, on=["indicator_id", "year"], how="left").join(
        regions, on=["indicator_id", "year", "parent_code"], how="left"
    )
    names = {ind.indicator_id: ind.name for ind in INDICATORS}
    ages = {ind.indicator_id: ind.age_label for ind in INDICATORS}
    ids = frame["indicator_id"].to_list()
    lower, upper = frame["lower_95"].to_numpy(), frame["upper_95"].to_numpy()
    versus_england = _compare(lower, upper, frame["england_value"].to_numpy(), ids)
    region_value = frame["region_value"].fill_null(np.nan).to_numpy()
    versus_region = _compare(lower, upper, region_value, ids)
    is_area = (frame["area_code"] != ENGLAND_CODE).to_numpy()
    has_region = frame["region_value"].is_not_null().to_numpy()
    frame = frame.with_columns(
        pl.Series("england_label", np.where(is_area, versus_england, "Not compared")),
        pl.Series("region_label", np.where(has_region, versus_region, "Not compared")),
        pl.Series("indicator_name", [names[i] for i in ids]),
        pl.Series("age_label", [ages[i] for i in ids]),
    )
    category = pl.col("category_type") != ""
    out = frame.sort(
        "indicator_id", "year", "area_type", "area_code", "category_type", "category"
    ).select(
        pl.col("indicator_id").alias("Indicator ID"),
        pl.col("indicator_name").alias("Indicator Name"),
        pl.col("parent_code").alias("Parent Code"),
        pl.col("parent_name").alias("Parent Name"),
        pl.col("area_code").alias("Area Code"),
        pl.col("area_name").alias("Area Name"),
        pl.col("area_type").alias("Area Type"),
        pl.lit("Persons").alias("Sex"),
        pl.col("age_label").alias("Age"),
        pl.col("category_type").alias("Category Type"),
        pl.col("category").alias("Category"),
        pl.col("year").cast(pl.Utf8).alias("Time period"),
        pl.col("value").alias("Value"),
        *(
            pl.when(category).then(None).otherwise(pl.col(c)).alias(label)
            for c, label in (
                ("lower_95", "Lower CI 95.0 limit"),
                ("upper_95", "Upper CI 95.0 limit"),
                ("lower_998", "Lower CI 99.8 limit"),
                ("upper_998", "Upper CI 99.8 limit"),
            )
        ),
        pl.col("count").alias("Count"),
        pl.col("denominator").alias("Denominator"),
        pl.when(category).then(pl.lit(AGGREGATED)).otherwise(pl.lit("")).alias("Value note"),
        pl.lit("").alias("Recent Trend"),
        pl.when(category)
        .then(pl.lit("Not compared"))
        .otherwise(pl.col("england_label"))
        .alias("Compared to England value or percentiles"),
        pl.col("region_label").alias("Compared to Region value or percentiles"),
        (pl.col("year").cast(pl.Int64) * 10000).alias("Time period Sortable"),
        pl.lit("").alias("New data"),
        pl.lit("").alias("Compared to goal"),
    )
    assert tuple(out.columns) == COLUMNS
    return out
