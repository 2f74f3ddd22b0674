"""End of Life Care Profile-style Fingertips indicators computed from the synthetic deaths.

What Fingertips' End of Life Care profile publishes, in the API CSV layout: place-of-death
percentages (and three or more emergency admissions in the last 90 days) for England,
NHS regions, ICBs and sub-ICBs, and for local government: ONS regions, counties & UAs and
districts & UAs, every death counted by residence (its LSOA's sub-ICB, LAD, county/UA and
region), with Wilson 95% and 99.8% limits from ``queries.stats`` and Fingertips'
comparisons: an area's 95% interval against the England (or region) value. England also
gets rows by LSOA deprivation decile (aggregated from the LSOAs, as Fingertips publishes)
and by County & UA deprivation decile (each death takes the decile of its county/UA:
``cty_ua_deciles``); hospital deaths (93474) also come by broad age band, for every area.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from etl.demo.care import PLACES
from etl.demo.geography import IMD_LSOAS, Geography
from peolc.breakdowns import BREAKDOWN_BY_KEY, FINGERTIPS_CATEGORY_TYPES, FINGERTIPS_DECILES
from peolc.breakdowns import BreakdownKey as B
from peolc.levels import ENGLAND_CODE, ENGLAND_NAME
from peolc.measures import USUAL_RESIDENCE_SETTINGS
from peolc.vocabulary import AGE_BANDS_BROAD
from peolc.vocabulary import SettingKey as S

if TYPE_CHECKING:
    from queries.stats import Polarity


@dataclass(frozen=True)
class Indicator:
    """One indicator: which deaths count, among which deaths, and which way is better.

    ``places``: the places of death it counts (none: it counts deaths with three or more
    emergency admissions in the last 90 days); ``by_age``: also published by broad age band.
    """

    indicator_id: int
    name: str
    age_label: str
    places: tuple[str, ...]
    min_age: int
    polarity: Polarity  # "no judgement" gives Higher/Similar/Lower
    by_age: bool = False


INDICATORS = (
    # the End of Life Care profile's place-of-death indicators, with Fingertips' own ids and
    # names (peolc.measures: the catalogue), the retired DiUPR 65+ indicator, and 93613
    Indicator(93474, "Percentage of deaths that occur in hospital", "All ages",
              (S.HOSPITAL,), 0, "no judgement", by_age=True),
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
    Indicator(93613, "Percentage of deaths with three or more emergency admissions in the "
              "last 90 days of life.", "All ages", (), 0, "lower is better"),
)  # fmt: skip
COLUMNS = (
    "Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name",
    "Area Type", "Sex", "Age", "Category Type", "Category", "Time period", "Value",
    "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Lower CI 99.8 limit", "Upper CI 99.8 limit",
    "Count", "Denominator", "Value note", "Recent Trend",
    "Compared to England value or percentiles", "Compared to Region value or percentiles",
    "Time period Sortable", "New data", "Compared to goal",
)  # fmt: skip
# Fingertips' category types, as the kernel reads them (peolc.breakdowns)
DECILE_CATEGORY_TYPE = next(k for k, v in FINGERTIPS_CATEGORY_TYPES.items() if v == B.IMD_DECILE)
CTY_UA_CATEGORY_TYPE = BREAKDOWN_BY_KEY[B.CTY_UA_DECILE_2021].label
DECILE_LABELS = FINGERTIPS_DECILES
AGGREGATED = "Aggregated from all known lower geography values"
# Fingertips' age labels of the broad bands: '<65 yrs', '65-74 yrs', '75-84 yrs', '85+ yrs'
AGE_LABELS = tuple(
    f"<{high + 1} yrs" if low == 0 else f"{band} yrs" for band, low, high in AGE_BANDS_BROAD
)
# Fingertips' area types (peolc.levels.FINGERTIPS_AREA_TYPES reads them) and, per type,
# the columns of the cell table giving an area's code and name and its parent's
COUNTRY = "Country"
NHS_REGION = "NHS region"
ONS_REGION = "Regions (statistical)"
DISTRICT = "Districts & UAs (from Apr 2023)"
AREA_LEVELS: tuple[tuple[str, str, str, str | None, str | None], ...] = (
    (COUNTRY, "england_code", "england_name", None, None),
    (NHS_REGION, "region_code", "region_name", None, None),
    ("ICB", "icb_code", "icb_name", "region_code", "region_name"),
    ("Sub-ICB", "sub_icb_code", "sub_icb_name", "region_code", "region_name"),
    (ONS_REGION, "rgn_code", "rgn_name", None, None),
    ("Counties & UAs (from Apr 2023)", "cty_code", "cty_name", "rgn_code", "rgn_name"),
    (DISTRICT, "lad_code", "lad_name", "rgn_code", "rgn_name"),
)
REGION_TYPES = (NHS_REGION, ONS_REGION)  # the parents "Compared to Region" means
# A single-tier authority (UA, metropolitan district, London borough) is written once, as
# a county/UA, as the real combined extract in ../shared has it (the loader keys rows by
# area code, not area type); the store gives its rows to the district level too
DISTRICTS_OF_TWO_TIER_COUNTIES = pl.col("lad_code") != pl.col("cty_code")

ProportionCi = Callable[..., tuple[np.ndarray, np.ndarray]]


def _proportion_ci() -> ProportionCi:
    """The project's Wilson interval (imported late: queries.stats is its own package)."""
    from queries.stats import proportion_ci

    found: ProportionCi = proportion_ci
    return found


def cty_ua_deciles(geo: Geography) -> pl.DataFrame:
    """Each county/UA's IMD 2019 decile among counties/UAs (cty_code, cty_imd_decile).

    As MHCLG's "rank of average rank": the county/UA's average rank is the mean of its
    LSOAs' IMD 2019 ranks weighted by their residents (mid-2022); an LSOA new in 2021
    (no rank of its own) counts at the middle rank of its decile. Counties/UAs are ranked
    by it, most deprived (lowest average rank) first, ties by code, and cut into ten
    groups of as equal a number of areas as can be (153 counties/UAs: 15 or 16 each).
    """
    decile = geo.lsoas["imd_decile"].cast(pl.Float64)
    mid_rank = (decile - 0.5) * IMD_LSOAS / 10
    rank = geo.lsoas["imd_rank"].cast(pl.Float64)
    averages = (
        geo.lsoas.select(
            "cty_code",
            pl.Series("rank", rank).zip_with(rank > 0, mid_rank).alias("rank"),
            pl.col("residents"),
        )
        .group_by("cty_code")
        .agg((pl.col("rank") * pl.col("residents")).sum() / pl.col("residents").sum())
        .sort("rank", "cty_code")
    )
    n = averages.height
    return averages.select(
        "cty_code",
        (pl.int_range(pl.len()) * 10 // n + 1).cast(pl.Int64).alias("cty_imd_decile"),
    )


def _cells(deaths: pl.DataFrame, geo: Geography) -> pl.DataFrame:
    """Deaths counted by year, sub-ICB × LAD cell, IMD decile, place, broad age band and
    three or more emergency admissions (a small table), with every area the cell is in."""
    pairs = (
        geo.lsoas.select("sub_icb_code", "lad_code")
        .unique()
        .sort("sub_icb_code", "lad_code")
        .with_row_index("cell")
    )
    lsoa_cell = (
        geo.lsoas.select("sub_icb_code", "lad_code")
        .join(pairs, on=["sub_icb_code", "lad_code"], how="left", maintain_order="left")["cell"]
        .to_numpy()
    )
    bounds = [low for _, low, _ in AGE_BANDS_BROAD[1:]]
    grouped = (
        deaths.select(
            "year",
            pl.Series("cell", lsoa_cell[deaths["lsoa_index"].to_numpy()]),
            "imd_decile",
            "place_index",
            pl.Series("band", np.searchsorted(bounds, deaths["age"].to_numpy(), side="right")),
            (pl.col("emergency_admissions_90d") >= 3).alias("admitted_3plus"),
        )
        .group_by("year", "cell", "imd_decile", "place_index", "band", "admitted_3plus")
        .len("n")
    )
    areas = (
        pairs.join(
            geo.ref.sub_icbs.select("sub_icb_code", "sub_icb_name", "icb_code"), on="sub_icb_code"
        )
        .join(geo.ref.icbs.select("icb_code", "icb_name", "region_code"), on="icb_code")
        .join(geo.ref.regions.select("region_code", "region_name"), on="region_code")
        .join(
            geo.ref.lads.select(
                "lad_code", "lad_name", "cty_code", "cty_name", "rgn_code", "rgn_name"
            ),
            on="lad_code",
        )  # fmt: skip
        .join(cty_ua_deciles(geo), on="cty_code")
        .with_columns(
            pl.lit(ENGLAND_CODE).alias("england_code"), pl.lit(ENGLAND_NAME).alias("england_name")
        )
    )
    return grouped.join(areas, on="cell", how="left")


def _counted(frame: pl.DataFrame, keys: list[str], ind: Indicator) -> pl.DataFrame:
    """Count and denominator of ``ind`` grouped by ``keys``."""
    totals = (pl.col("hit").sum().alias("count"), pl.col("n").sum().alias("denominator"))
    return frame.group_by("year", *keys).agg(*totals)


def _rows(
    counted: pl.DataFrame,
    ind: Indicator,
    area: tuple[str, str, str, str | None, str | None],
    age: pl.Expr,
    category_type: str = "",
    category: pl.Expr | None = None,
) -> pl.DataFrame:
    """Counted rows as the output's columns (before values, limits and comparisons)."""
    area_type, code, name, parent, parent_name = area
    national = area_type == COUNTRY
    return counted.select(
        pl.lit(ind.indicator_id).alias("indicator_id"),
        "year",
        pl.col(code).alias("area_code"),
        pl.col(name).alias("area_name"),
        pl.lit(area_type).alias("area_type"),
        (pl.col(parent) if parent else pl.lit("" if national else ENGLAND_CODE)).alias(
            "parent_code"
        ),
        (pl.col(parent_name) if parent_name else pl.lit("" if national else ENGLAND_NAME)).alias(
            "parent_name"
        ),
        age.alias("age_label"),
        pl.lit(category_type).alias("category_type"),
        (category if category is not None else pl.lit("")).alias("category"),
        pl.lit(category_type == DECILE_CATEGORY_TYPE).alias("aggregated"),
        "count",
        "denominator",
    )


def _decile_label(column: str) -> pl.Expr:
    """'Most deprived decile (IMD2019)' ... for deciles 1 ... 10."""
    return pl.format(
        "{} (IMD2019)",
        pl.col(column).replace_strict(
            list(range(1, 11)), list(DECILE_LABELS), return_dtype=pl.Utf8
        ),
    )


def _counts(deaths: pl.DataFrame, geo: Geography) -> pl.DataFrame:
    """Count and denominator per indicator, year and area (all levels), plus parents."""
    places = {name: i for i, name in enumerate(PLACES)}
    cells = _cells(deaths, geo)
    band_label = pl.col("band").replace_strict(
        list(range(len(AGE_LABELS))), list(AGE_LABELS), return_dtype=pl.Utf8
    )
    frames = []
    for ind in INDICATORS:
        wanted = [places[p] for p in ind.places]
        hit = pl.col("place_index").is_in(wanted) if wanted else pl.col("admitted_3plus")
        min_band = sum(low <= ind.min_age for _, low, _ in AGE_BANDS_BROAD) - 1
        scoped = cells.filter(pl.col("band") >= min_band).with_columns(
            (hit.cast(pl.Int64) * pl.col("n")).alias("hit")
        )
        age = pl.lit(ind.age_label)
        for area in AREA_LEVELS:
            area_type, code, name, parent, parent_name = area
            keys = [code, name] + ([parent, parent_name] if parent and parent_name else [])
            within = (
                scoped.filter(DISTRICTS_OF_TWO_TIER_COUNTIES) if area_type == DISTRICT else scoped
            )
            frames.append(_rows(_counted(within, keys, ind), ind, area, age))
            if ind.by_age:
                by_band = _counted(within, [*keys, "band"], ind)
                frames.append(_rows(by_band, ind, area, band_label))
        country = AREA_LEVELS[0]
        _, code, name, _, _ = country
        for column, category_type in (
            (B.IMD_DECILE, DECILE_CATEGORY_TYPE),
            ("cty_imd_decile", CTY_UA_CATEGORY_TYPE),
        ):
            by_decile = _counted(scoped, [code, name, column], ind)
            frames.append(_rows(by_decile, ind, country, age, category_type, _decile_label(column)))
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
    # an area is compared with England's, and its region's, value for the same ages
    whole = pl.col("category_type") == ""
    same = ["indicator_id", "year", "age_label"]
    england = frame.filter(whole & (pl.col("area_code") == ENGLAND_CODE)).select(
        *same, pl.col("value").alias("england_value")
    )
    regions = frame.filter(whole & pl.col("area_type").is_in(REGION_TYPES)).select(
        *same, pl.col("area_code").alias("parent_code"), pl.col("value").alias("region_value")
    )
    frame = frame.join(england, on=same, how="left").join(
        regions, on=[*same, "parent_code"], how="left"
    )
    names = {ind.indicator_id: ind.name for ind in INDICATORS}
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
    )
    category = pl.col("category_type") != ""
    aggregated = pl.col("aggregated")  # LSOA deciles: no limits, as Fingertips publishes
    out = frame.sort(
        "indicator_id", "year", "area_type", "area_code", "age_label", "category_type", "category"
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
            pl.when(aggregated).then(None).otherwise(pl.col(c)).alias(label)
            for c, label in (
                ("lower_95", "Lower CI 95.0 limit"),
                ("upper_95", "Upper CI 95.0 limit"),
                ("lower_998", "Lower CI 99.8 limit"),
                ("upper_998", "Upper CI 99.8 limit"),
            )
        ),
        pl.col("count").alias("Count"),
        pl.col("denominator").alias("Denominator"),
        pl.when(aggregated).then(pl.lit(AGGREGATED)).otherwise(pl.lit("")).alias("Value note"),
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
