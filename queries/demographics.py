"""Demographics of a place: population by age and sex, older-age shares, deprivation, deaths by age.

Populations and their shares are published figures (ONS estimates, NHS registered lists)
and are shown in full; deaths are counts of people and go through ``queries.stats.disclosure``.
Every frame carries the population ``basis`` so pages can say whether it counts residents
or registered patients, which differ for the same place.
"""

from __future__ import annotations

import polars as pl

from peolc.breakdowns import BreakdownKey
from peolc.levels import ENGLAND, POPULATION_BASES, LevelKey
from peolc.vocabulary import AGE_BANDS_5Y, AGE_BANDS_BROAD, five_year_bounds
from queries.places import Place
from queries.runner import Db, memo, run
from queries.stats import disclosure

BASIS_TEXT = {base.kind: base.long for base in POPULATION_BASES}
OLDER_FROM = {"65+": AGE_BANDS_5Y.index("65-69"), "85+": AGE_BANDS_5Y.index("85-89")}
BANDINGS = {"broad": tuple(b for b, _, _ in AGE_BANDS_BROAD), "five_year": AGE_BANDS_5Y}
FIVE_YEAR_IN = {  # the broad band each five-year band lies in ('90+' counts from 90)
    band: broad
    for band in AGE_BANDS_5Y
    for broad, low, high in AGE_BANDS_BROAD
    if low <= five_year_bounds(band)[0] <= high
}


@memo
def population(place: Place, db: Db = None, basis: str | None = None) -> pl.DataFrame:
    """The place's population by year, sex and five-year band (with its basis).

    ``basis`` None: its best base (``place_bases`` first); else that kind of population
    (registered patients beside residents), empty when the place has none of it.
    """
    if basis is None:
        return run("population_by_age", db, area_code=place.code, level=place.level)
    return run(
        "population_by_age_on_basis", db, area_code=place.code, level=place.level, basis=basis
    )


@memo
def place_bases(place: Place, db: Db = None) -> tuple[str, ...]:
    """The kinds of population the place has, best first (empty: none loaded fits it)."""
    frame = run("population_bases_of_area", db, area_code=place.code, level=place.level)
    return tuple(str(b) for b in frame["basis"])


@memo
def estimated_bases(place: Place, db: Db = None) -> tuple[str, ...]:
    """Of ``place_bases``, those partly estimated (residents shared out from a split area)."""
    frame = run("population_bases_of_area", db, area_code=place.code, level=place.level)
    return tuple(str(b) for b in frame.filter(pl.col("apportioned"))["basis"])


@memo
def comparator(place: Place, db: Db = None, basis: str | None = None) -> pl.DataFrame:
    """England's population to set beside the place's: on the place's basis when loaded.

    A practice-based place (registered patients) is compared with England's registered
    patients, not with England's residents of another year; England's own best base is
    the fallback when the place's kind is not loaded for England.
    """
    basis = basis_of(population(place, db, basis))
    if basis is not None and basis != basis_of(population(ENGLAND, db)):
        same = population(ENGLAND, db, basis)
        if not same.is_empty():
            return same
    return population(ENGLAND, db)


def population_year(frame: pl.DataFrame, year: int | None) -> int | None:
    """The population year to show for ``year``: the latest at or before it, else the first."""
    years = sorted(frame["year"].unique().to_list())
    if not years:
        return None
    before = [y for y in years if year is None or y <= year]
    return int(before[-1] if before else years[0])


@memo
def bases(db: Db = None) -> pl.DataFrame:
    """The kinds of population loaded (base_kind, first_year, last_year, rows)."""
    return run("population_bases", db)


def basis_of(frame: pl.DataFrame) -> str | None:
    """The population basis of a frame from ``population`` (None when it is empty)."""
    return None if frame.is_empty() else str(frame["basis"][0])


def _percent(frame: pl.DataFrame, year: int, area: str) -> pl.DataFrame:
    chosen = frame.filter(pl.col("year") == year)
    order = pl.Enum(list(AGE_BANDS_5Y))
    return (
        chosen.with_columns(
            pl.lit(area).alias("area"),
            (pl.col("population") / pl.col("population").sum() * 100).alias("percent"),
            pl.col("age_band").cast(order),
        )
        .sort("sex", "age_band")
        .with_columns(pl.col("age_band").cast(pl.String))
        .select("area", "year", "basis", pl.col("sex"), pl.col("age_band"), "population", "percent")
    )


@memo
def pyramid(
    place: Place, year: int | None, db: Db = None, basis: str | None = None
) -> pl.DataFrame:
    """% of the population in each sex and five-year band, for the place and England.

    One row per area ("place"/"England"), sex and band; each area's ``percent`` sums to
    100. Each takes its latest population year at or before ``year``. Empty when the place
    has no population (of ``basis``, when given; None: its best).
    """
    own = population(place, db, basis)
    own_year = population_year(own, year)
    if own_year is None:
        return _percent(own, 0, "place")
    parts = [_percent(own, own_year, "place")]
    if not place.is_england:
        england = comparator(place, db, basis)
        england_year = population_year(england, own_year)
        if england_year is not None:
            parts.append(_percent(england, england_year, "England"))
    return pl.concat(parts)


@memo
def older_shares(place: Place, db: Db = None, basis: str | None = None) -> pl.DataFrame:
    """% of the population aged 65+ and 85+ each year, for the place and England.

    Columns: area ("place"/"England"), year, basis, group ("65+"/"85+"), population (of the
    group), total, percent. ``basis`` as for ``pyramid``.
    """
    frames = [("place", population(place, db, basis))]
    if not place.is_england:
        frames.append(("England", comparator(place, db, basis)))
    parts = []
    for area, frame in frames:
        band = pl.col("age_band").replace_strict(
            {b: i for i, b in enumerate(AGE_BANDS_5Y)}, return_dtype=pl.Int32
        )
        for group, start in OLDER_FROM.items():
            parts.append(
                frame.group_by("year", "basis")
                .agg(
                    pl.col("population").filter(band >= start).sum().alias("population"),
                    pl.col("population").sum().alias("total"),
                )
                .with_columns(pl.lit(area).alias("area"), pl.lit(group).alias("group"))
            )
    if not parts:
        return pl.DataFrame()
    return (
        pl.concat(parts)
        .with_columns((pl.col("population") / pl.col("total") * 100).alias("percent"))
        .select("area", "year", "basis", "group", "population", "total", "percent")
        .sort("area", "group", "year")
    )


@memo
def imd_profile(place: Place, year: int | None, db: Db = None) -> pl.DataFrame:
    """Residents by IMD 2019 decile (% of the place's population) with England's share.

    Needs LSOA-based populations: empty when the place's population is LAD-based or
    registered patients. Columns: year, imd_decile (null = no decile), population,
    percent, england_percent.
    """
    own = run("population_by_imd", db, area_code=place.code, level=place.level)
    own_year = population_year(own, year)
    if own_year is None:
        return own.with_columns(pl.lit(None, pl.Float64).alias("percent"))
    chosen = own.filter(pl.col("year") == own_year).with_columns(
        (pl.col("population") / pl.col("population").sum() * 100).alias("percent")
    )
    england = run("population_by_imd", db, area_code=ENGLAND.code, level=ENGLAND.level)
    reference = england.filter(pl.col("year") == population_year(england, own_year))
    reference = reference.select(
        pl.col("imd_decile"),
        (pl.col("population") / pl.col("population").sum() * 100).alias("england_percent"),
    )
    # every decile appears (0% where the place has none), so England's shares are whole
    joined = chosen.join(
        reference, on=BreakdownKey.IMD_DECILE, how="full", coalesce=True, nulls_equal=True
    )
    return joined.with_columns(
        pl.lit(own_year, pl.Int32).alias("year"),
        pl.col("population", "percent", "england_percent").fill_null(0),
    ).sort("imd_decile", nulls_last=True)


AGE_SUMS = disclosure.Cells(
    ("year",),
    BreakdownKey.AGE_BAND,
    "total_of",
    (
        # the broad bands, and the five-year bands, each add up to the year's deaths ...
        disclosure.Adds(("year",), pl.col("banding") == "broad", disclosure.item("deaths")),
        disclosure.Adds(("year",), pl.col("banding") == "five_year", disclosure.item("deaths")),
        # ... and the five-year bands within a broad band add up to it (both are offered)
        disclosure.Adds(
            ("year", "broad"), pl.col("banding") == "five_year", pl.col("banding") == "broad"
        ),
    ),
)


@memo
def deaths_by_age(place: Place, banding: str = "broad", db: Db = None) -> pl.DataFrame:
    """Deaths each year by age band, made safe, as counts and % of the year's deaths.

    ``banding``: "broad" (0-64, 65-74, 75-84, 85+) or "five_year" (ESP2013 bands). Every
    band appears every year (zero where nobody died). Both bandings are made safe
    together (``AGE_SUMS``): the bands of a year add up to the year's deaths, and the
    five-year bands of a broad band add up to it, so switching banding reveals nothing.
    Columns: year, age_band, deaths (rounded, null where hidden), total, deaths_shown,
    value (%), lower, upper (Wilson 95%) and 99.8% limits.
    """
    if banding not in BANDINGS:
        raise ValueError(f"unknown banding {banding!r}")
    raw = run(
        "deaths_by_age",
        db,
        area_code=place.code,
        level=place.level,
        england_level=LevelKey.ENGLAND,
    )
    years = pl.DataFrame({"year": raw["year"].unique().sort()})
    parts = []
    for kind, column in (("broad", "broad_band"), ("five_year", BreakdownKey.AGE_BAND)):
        bands = pl.DataFrame({BreakdownKey.AGE_BAND: list(BANDINGS[kind])})
        counted = raw.group_by("year", pl.col(column).alias("age_band")).agg(pl.col("deaths").sum())
        parts.append(
            years.join(bands, how="cross")
            .join(counted, on=["year", BreakdownKey.AGE_BAND], how="left")
            .with_columns(pl.col("deaths").fill_null(0), pl.lit(kind).alias("banding"))
        )
    full = pl.concat(parts).with_columns(
        pl.col("deaths").filter(pl.col("banding") == "broad").sum().over("year").alias("total"),
        pl.when(pl.col("banding") == "broad")
        .then(pl.col("age_band"))
        .otherwise(pl.col("age_band").replace_strict(FIVE_YEAR_IN, default=None))
        .alias("broad"),
        pl.lit("deaths").alias("total_of"),
    )
    safe = disclosure.proportions(full, "deaths", "total", place.level, cells=AGE_SUMS)
    safe = safe.filter(pl.col("banding") == banding).drop("banding", "broad", "total_of")
    return safe.rename({"numerator_shown": "deaths_shown", "denominator_shown": "total_shown"})
