"""Register coverage: the QOF palliative care register against expected palliative need.

Expected need has three measures, from best to roughest: deaths in the year whose
underlying cause is on the Etkind et al. 2017 list (record-level deaths, the
``palliative_need`` flag); about 75% of all deaths where only counts exist
(``NEED_SHARE_OF_DEATHS``); and 1% of the registered list, the rule of thumb for a practice
(``NEED_SHARE_OF_LIST``). The identification rate (measure ``need_identified``) comes from
``queries.deaths`` so every page reports the same figure.

QOF registers and list sizes are open statistics NHS England publishes for every practice:
they are shown exactly as published. Deaths are counts from restricted record-level data
and go through ``queries.stats.disclosure`` (percentages from the rounded counts). Areas of
one table are siblings: they add up to the place's figure shown above them.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from peolc.breakdowns import BreakdownKey
from peolc.levels import ENGLAND, LEVEL_BY_KEY, LEVELS, LevelKey, descendants
from peolc.measures import MeasureKey
from peolc.vocabulary import CAUSE_GROUPS, NEED_SHARE_OF_DEATHS, NEED_SHARE_OF_LIST
from queries import deaths
from queries.places import Place, lineage
from queries.runner import Db, memo, run
from queries.stats import (
    BENCHMARK_TEXT,
    benchmark,
    disclosure,
    funnel_grid,
    funnel_limits,
    funnel_significance,
    suppress_frame,
)

QOF_SOURCE = "NHS England, Quality and Outcomes Framework (QOF), palliative care register (PC)"
# the levels whose areas a place's register table can list: every NHS level below it
# (a practice lists the practices of its PCN); local authorities hold no practices
CHILD_LEVELS: dict[str, tuple[str, ...]] = {
    level.key: tuple(d for d in descendants(level.key) if LEVEL_BY_KEY[d].family == "nhs")
    or (level.key,)
    for level in LEVELS
    if level.family != "la"
}
TIMING_BANDS: dict[str, str] = {
    "under_1m": "Under 1 month",
    "m1_3": "1 to 3 months",
    "m3_12": "3 to 12 months",
    "m12_plus": "12 months or more",
}
FUNNEL_FLAGS: dict[str, str] = {
    "High (0.001)": "above_998",
    "High (0.025)": "above_95",
    "Not significant": "within",
    "Low (0.025)": "below_95",
    "Low (0.001)": "below_998",
    "": "not assessed",
}


def has_registers(place: Place) -> bool:
    """QOF is by practice, and practices belong to NHS areas only (not local authorities)."""
    return place.level in CHILD_LEVELS


def table_parent(place: Place, db: Db = None) -> Place:
    """The area whose practices a table lists: the place, or a practice's PCN."""
    if place.level != LevelKey.PRACTICE:
        return place
    parent = LEVEL_BY_KEY[place.level].parent
    rows = lineage(place, db).filter(pl.col("ancestor_level") == parent)
    if rows.is_empty():
        return place
    code, level, name = rows.select("ancestor_code", "ancestor_level", "ancestor_name").row(0)
    return Place(str(code), str(level), str(name))


def _raw(parent: Place, child_level: str, year: int, db: Db) -> pl.DataFrame:
    return run(
        "register_by_area",
        db,
        parent_code=parent.code,
        parent_level=parent.level,
        child_level=child_level,
        year=year,
        england_level=LevelKey.ENGLAND,
        practice_level=LevelKey.PRACTICE,
    )


def _shown(values: pl.Series) -> pl.Series:
    """Counts as text in full (England: published figures are not controlled)."""
    return pl.Series([None if v is None else f"{v:,}" for v in values], dtype=pl.String)


def _made_safe(raw: pl.DataFrame, level: str) -> pl.DataFrame:
    """Registers as % of the list (Wilson intervals), as published; deaths made safe."""
    frame = raw.with_columns(pl.col("list_size").alias("denominator"))
    shown = disclosure.proportions(
        frame, "register", "denominator", level, group_by=[], restricted=False
    )
    shown = shown.rename({"numerator_shown": "register_shown"})
    shown = shown.drop("denominator", "denominator_shown")
    death_counts = ["deaths", "with_need", MeasureKey.NEED_IDENTIFIED]
    if disclosure.applies(level):
        safe = suppress_frame(shown, death_counts, group_by=[])
        return safe.rename({f"{c}_display": f"{c}_shown" for c in death_counts})
    return shown.with_columns(_shown(shown[c]).alias(f"{c}_shown") for c in death_counts)


def _with_need_measures(frame: pl.DataFrame) -> pl.DataFrame:
    """Expected need three ways, and the register set against each."""
    return frame.with_columns(
        (pl.col("list_size") * NEED_SHARE_OF_LIST).round(0).cast(pl.Int64).alias("expected_list"),
        (pl.col("value") / NEED_SHARE_OF_LIST).alias("register_vs_list"),
        (pl.col("deaths") * NEED_SHARE_OF_DEATHS).round(0).cast(pl.Int64).alias("need_from_deaths"),
        pl.when(pl.col("with_need") > 0)
        .then(pl.col("register") / pl.col("with_need") * 100)
        .alias("register_vs_need"),
    )


def _benchmarked(frame: pl.DataFrame, reference: Place, value: float | None) -> pl.DataFrame:
    ref = np.full(frame.height, np.nan if value is None else value)
    labels = benchmark(frame["lower"].to_numpy(), frame["upper"].to_numpy(), ref)
    return frame.with_columns(
        pl.Series("benchmark", labels.tolist(), dtype=pl.String),
        pl.lit(value, pl.Float64).alias("benchmark_value"),
        pl.lit(reference.name).alias("comparator"),
        _sentences(labels.tolist(), reference.name),
    )


def _sentences(labels: list[object], name: str) -> pl.Series:
    """Fingertips' words for each comparison ("Similar to England"), for captions."""
    text = [BENCHMARK_TEXT[str(label)].format(benchmark=name) for label in labels]
    return pl.Series("comparison", text, dtype=pl.String)


@memo
def prevalence(place: Place, year: int, db: Db = None) -> float | None:
    """The place's register prevalence (% of list) as shown (from rounded counts)."""
    row = _made_safe(_raw(place, place.level, year, db), place.level)
    if row.is_empty() or row["value"][0] is None:
        return None
    return float(row["value"][0])


def comparator(place: Place, compare: str, db: Db = None) -> Place:
    """What the place's own register is compared with: England or its parent area."""
    other = deaths.comparator(place, compare, db)
    return other if has_registers(other) else ENGLAND


def centre(place: Place, compare: str, db: Db = None) -> Place:
    """What the areas listed within a place (and its funnel) are compared with and centred
    on: England, or the area they all belong to (the place, or a practice's PCN)."""
    return ENGLAND if compare != "parent" else table_parent(place, db)


@memo
def summary(place: Place, year: int, compare: str, db: Db = None) -> pl.DataFrame:
    """The place's own register row (see ``by_area``), benchmarked against ``comparator``."""
    other = comparator(place, compare, db)
    own = _with_need_measures(_made_safe(_raw(place, place.level, year, db), place.level))
    return _benchmarked(own, other, prevalence(other, year, db))


@memo
def by_area(place: Place, child_level: str, year: int, compare: str, db: Db = None) -> pl.DataFrame:
    """Register, prevalence and expected need for each area of ``child_level`` in the place.

    For a practice: the practices of its PCN. Columns: area_code, area_name, qof_year,
    practices, list_size (exact), register (rounded, null where hidden), register_shown,
    value/lower/upper/lower_998/upper_998 (prevalence %, Wilson), deaths, with_need,
    need_identified (rounded, null where hidden) and their ``_shown`` text, expected_list
    (1% of the list), register_vs_list (register as % of that), need_from_deaths (75% of
    deaths), register_vs_need (register as % of deaths with need), benchmark,
    benchmark_value and comparator (see ``centre``).
    """
    parent = table_parent(place, db)
    raw = _raw(parent, child_level, year, db)
    rows = _with_need_measures(_made_safe(raw, child_level))
    reference = centre(place, compare, db)
    return _benchmarked(rows, reference, prevalence(reference, year, db))


def funnel(points: pl.DataFrame, centre_value: float) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Practices flagged against funnel limits centred on ``centre_value`` (a prevalence %).

    ``points``: ``by_area`` rows of practices. Returns (points with ``funnel_label``, the
    package's label, and ``flag``: above_998, above_95, within, below_95, below_998 or
    "not assessed" for a hidden register; limits: denominator, lower/upper 95 and 99.8,
    baseline). Uses the rounded registers, as shown, so a flag agrees with its point.
    """
    x = points["register"].cast(pl.Float64).fill_null(float("nan")).to_numpy()
    n = points["list_size"].cast(pl.Float64).fill_null(float("nan")).to_numpy()
    labels = funnel_significance(x, n, baseline=centre_value / 100)
    flagged = points.with_columns(
        pl.Series("funnel_label", labels.tolist(), dtype=pl.String),
        pl.Series("flag", [FUNNEL_FLAGS[str(v)] for v in labels.tolist()], dtype=pl.String),
    )
    grid = funnel_grid(x, n)
    limits = funnel_limits(grid.denominator, centre_value / 100, multiplier=100).to_frame()
    return flagged, limits


@memo
def identification(place: Place, year: int, compare: str, db: Db = None) -> pl.DataFrame:
    """The identification rate for the place (measure ``need_identified``), benchmarked."""
    summary = deaths.summary(place, year, compare, db)
    rate = summary.filter(pl.col("measure") == MeasureKey.NEED_IDENTIFIED)
    name = str(rate["comparator"][0]) if rate.height else ""
    return rate.with_columns(_sentences(rate["benchmark"].to_list(), name))


@memo
def identification_by_cause(place: Place, year: int, compare: str, db: Db = None) -> pl.DataFrame:
    """The identification rate by cause group, each against the comparator's same group.

    Groups without palliative need (sudden or other causes) are left out. Columns:
    cause_group, label, numerator, denominator (rounded), numerator_shown,
    denominator_shown, value, lower, upper, benchmark_value, benchmark, comparator.
    """
    other = deaths.comparator(place, compare, db)
    own = deaths.values(place, year, CAUSE, db)
    reference = deaths.values(other, year, CAUSE, db)
    keep = pl.col("measure") == MeasureKey.NEED_IDENTIFIED
    groups = [g for g in CAUSE_GROUPS if g != "sudden_other"]
    own = own.filter(keep & pl.col("group_value").is_in(groups))
    joined = own.join(
        reference.filter(keep).select("group_value", pl.col("value").alias("benchmark_value")),
        on="group_value",
        how="left",
    )
    labels = benchmark(
        joined["lower"].to_numpy(),
        joined["upper"].to_numpy(),
        joined["benchmark_value"].to_numpy(),
        "higher is better",
    )
    return joined.select(
        pl.col("group_value").alias("cause_group"),
        pl.col("group_value").replace_strict(CAUSE_GROUPS).alias("label"),
        "numerator",
        "denominator",
        "numerator_shown",
        "denominator_shown",
        "value",
        "lower",
        "upper",
        "benchmark_value",
        pl.Series("benchmark", labels.tolist(), dtype=pl.String),
        pl.lit(other.name).alias("comparator"),
    )


CAUSE = BreakdownKey.CAUSE_GROUP  # register_timing.sql splits by cause group
TIMING_SUMS = disclosure.Cells(
    (CAUSE,),
    "band",
    "dated_of",
    (
        # the bands of a cause group add up to its people with a register date ...
        disclosure.Adds((CAUSE,), disclosure.item(*TIMING_BANDS), disclosure.item("dated")),
        # ... and each band (and the dated count) adds up over causes to the 'all' row
        disclosure.Adds(
            (disclosure.ITEM,), pl.col(CAUSE) != BreakdownKey.ALL, pl.col(CAUSE) == BreakdownKey.ALL
        ),
    ),
)


@memo
def timing(place: Place, year: int, db: Db = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """How long before death people with need were added to the register, made safe.

    Returns (bands: cause_group, label, band, band_label, people (rounded, null where
    hidden), people_shown, dated, dated_shown, value (% of the group's dated), lower,
    upper; summary: cause_group, label, dated (rounded), dated_shown, q1_days,
    median_days, q3_days, blank where the group's count is hidden). "all" is every cause:
    the bands are protected along both sums (``TIMING_SUMS``).
    """
    raw = run(
        "register_timing",
        db,
        area_code=place.code,
        level=place.level,
        year=year,
        all_group=BreakdownKey.ALL,
    )
    raw = raw.filter(pl.col("dated") > 0)
    labels = {**CAUSE_GROUPS, BreakdownKey.ALL: "All causes"}
    long = pl.concat(
        [
            raw.select(
                CAUSE,
                pl.lit(band).alias("band"),
                pl.lit(text).alias("band_label"),
                pl.col(band).alias("people"),
                "dated",
            )
            for band, text in TIMING_BANDS.items()
        ]
    ).sort("cause_group", "band")
    long = long.with_columns(pl.lit("dated").alias("dated_of"))
    bands = disclosure.proportions(long, "people", "dated", place.level, cells=TIMING_SUMS)
    bands = bands.drop("dated_of")
    bands = bands.rename({"numerator_shown": "people_shown", "denominator_shown": "dated_shown"})
    # the quartiles are blank wherever the group's count is hidden in the bands
    dated = bands.select(CAUSE, "dated", "dated_shown").unique(CAUSE)
    summary = raw.drop("dated").join(dated, on=CAUSE, how="left", maintain_order="left")
    if disclosure.applies(place.level):
        hidden = pl.col("dated").is_null()
        summary = summary.with_columns(
            pl.when(hidden).then(None).otherwise(pl.col(c)).alias(c)
            for c in ("q1_days", "median_days", "q3_days")
        )
    summary = summary.select(
        CAUSE,
        pl.col("cause_group").replace_strict(labels).alias("label"),
        "dated",
        "dated_shown",
        "q1_days",
        "median_days",
        "q3_days",
    )
    bands = bands.with_columns(pl.col("cause_group").replace_strict(labels).alias("label"))
    return bands, summary
