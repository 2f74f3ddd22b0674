"""Death measures for a place: values with intervals, benchmarks, trends, peers, breakdowns.

Every figure comes from the store of published values (``queries.store``), made safe when
it was built (rounded, suppressed, percentages from the rounded figures); only PCN and
practice splits of record-level deaths are counted and protected here, by the same
functions (``queries.stats.death_cells``). Figures are compared with a benchmark the way
Fingertips does (95% interval against the benchmark value, with the measure's polarity).
Frames are long: one row per (group, measure).
"""

from __future__ import annotations

import polars as pl

from peolc.breakdowns import (
    BREAKDOWN_KEYS,
    ORDERED_BREAKDOWNS,
    RECORD_LEVEL_BREAKDOWNS,
    BreakdownKey,
)
from peolc.errors import QueryError
from peolc.levels import ENGLAND, LEVEL_BY_KEY, PEER_PARENT_LEVEL, Comparator
from peolc.measures import (
    DEATHS_SOURCE,
    MEASURE_BY_KEY,
    SourceKind,
)
from queries import store
from queries.places import Place, lineage
from queries.runner import Db, memo, run
from queries.stats import benchmark, death_cells, sii

ORDERED_DIMENSIONS = ORDERED_BREAKDOWNS
DIMENSIONS = BREAKDOWN_KEYS


def counted_when_asked(level: str, dimension: str) -> bool:
    """Whether a split is counted from the deaths on demand rather than read from the store.

    The store keeps record-level figures for every place not split and every split of
    England and of the places counted by residence (etl/sql/store_deaths_cells.sql);
    splits of PCNs and practices (a million small cells, nearly all hidden) are counted
    when a page asks, and protected by the same functions
    (``queries.stats.death_cells``).
    """
    return (
        dimension != BreakdownKey.ALL
        and dimension in RECORD_LEVEL_BREAKDOWNS
        and level in LEVEL_BY_KEY
        and LEVEL_BY_KEY[level].by_practice
    )


def _with_benchmark(frame: pl.DataFrame, reference: pl.DataFrame) -> pl.DataFrame:
    """Join the comparator's value per measure and label each row as Fingertips would."""
    joined = frame.join(
        reference.select("measure", pl.col("value").alias("benchmark_value")),
        on="measure",
        how="left",
    )
    if joined.is_empty():  # no deaths for the place that year: nothing to label
        return joined.with_columns(pl.lit(None, pl.String).alias("benchmark"))
    labels: list[str] = []
    for measure_key, part in joined.group_by("measure", maintain_order=True):
        polarity = MEASURE_BY_KEY[str(measure_key[0])].polarity
        labels.extend(
            benchmark(
                part["lower"].to_numpy(),
                part["upper"].to_numpy(),
                part["benchmark_value"].to_numpy(),
                polarity,
            ).tolist()
        )
    ordered = pl.concat([part for _, part in joined.group_by("measure", maintain_order=True)])
    return ordered.with_columns(pl.Series("benchmark", labels, dtype=pl.String))


def _with_source(frame: pl.DataFrame) -> pl.DataFrame:
    """Name record-level deaths as the source of every row."""
    return frame.with_columns(
        pl.lit(DEATHS_SOURCE).alias("source"),
        pl.lit(SourceKind.DEATHS).alias("source_kind"),
    )


def comparator(place: Place, compare: str, db: Db = None) -> Place:
    """The place to compare with: England, or the place's parent on its hierarchy."""
    if compare != Comparator.PARENT or place.is_england:
        return ENGLAND
    ancestors = lineage(place, db)
    rows = ancestors.clear()
    for parent_level in LEVEL_BY_KEY[place.level].parents:
        rows = ancestors.filter(pl.col("ancestor_level") == parent_level)
        if not rows.is_empty():
            break
    if rows.is_empty():
        return ENGLAND
    row = rows.row(0, named=True)
    return Place(row["ancestor_code"], row["ancestor_level"], row["ancestor_name"])


@memo
def values(
    place: Place, year: int, dimension: str = BreakdownKey.ALL, db: Db = None
) -> pl.DataFrame:
    """Every indicator for ``place`` in ``year``, split by ``dimension``; made safe.

    From the store (``queries.store``), which holds record-level deaths, ICB extracts and
    Fingertips, each cell from the best source that covers it, protected when it was built;
    PCN and practice splits of record-level deaths are counted here
    (``counted_when_asked``). Columns: group_value, measure, family, numerator,
    denominator (rounded, null where hidden), numerator_shown, denominator_shown, value
    (%), lower, upper, lower_998, upper_998, source (its name), source_kind (the load
    kind), source_note (other sources that disagree beyond their intervals).
    """
    if dimension not in DIMENSIONS:
        raise QueryError(
            f"Unknown breakdown {dimension!r}.", "Expected one of: " + ", ".join(DIMENSIONS)
        )
    published = store.published(place, year, dimension, db)
    if not counted_when_asked(place.level, dimension):
        return published
    raw = run(
        "death_measures_split",
        db,
        area_code=place.code,
        level=place.level,
        year=year,
        dimension=dimension,
    )
    if raw.is_empty():  # no record-level deaths for the place that year
        return published
    long = death_cells.long_counts(raw, ["group_value"])
    own = death_cells.protected(long, place.level, ["group_value"], split=pl.lit(True))
    own = own.with_columns(
        *(
            store.count_text(pl.col(c), pl.col(f"{c}_shown") == store.SUPPRESSED_TEXT).alias(
                f"{c}_shown"
            )
            for c in ("numerator", "denominator")
        ),
        pl.lit(DEATHS_SOURCE).alias("source"),
        pl.lit(SourceKind.DEATHS).alias("source_kind"),
    )
    own = store.with_disagreement(own, published.drop("source_note"))
    # record-level deaths first; the store adds the indicators they do not derive
    rest = published.filter(~pl.col("measure").is_in(own["measure"].unique().to_list()))
    return pl.concat([own, rest], how="diagonal_relaxed") if not rest.is_empty() else own


@memo
def summary(
    place: Place, year: int, compare: str = Comparator.ENGLAND, db: Db = None
) -> pl.DataFrame:
    """Every measure for the place (not split) with the comparator's value and label."""
    own = values(place, year, BreakdownKey.ALL, db)
    other = comparator(place, compare, db)
    reference = values(other, year, BreakdownKey.ALL, db)
    result = _with_benchmark(own, reference)
    return result.with_columns(
        pl.lit(other.name).alias("comparator"),
        pl.col("measure")
        .replace_strict({k: m.label for k, m in MEASURE_BY_KEY.items()})
        .alias("label"),
    )


@memo
def trend(place: Place, db: Db = None) -> pl.DataFrame:
    """Every indicator for the place, each year, with intervals, from the store."""
    return store.trend(place, db)


@memo
def peers(
    place: Place, year: int, compare: str = Comparator.ENGLAND, db: Db = None
) -> pl.DataFrame:
    """The indicators for every peer of the place (same level, same parent), from the store.

    Peers: all ICBs for an ICB, the sub-ICBs of its region for a sub-ICB, and so on
    (``peolc.levels.Level.peer_parent``). Benchmarked against England or the parent.
    """
    parent_level = PEER_PARENT_LEVEL.get(place.level)
    if parent_level is None:
        return pl.DataFrame()
    parent_rows = lineage(place, db).filter(pl.col("ancestor_level") == parent_level)
    parent = (
        ENGLAND
        if parent_rows.is_empty()
        else Place(*parent_rows.select("ancestor_code", "ancestor_level", "ancestor_name").row(0))
    )
    shown = store.areas(place.level, parent, year, db)
    reference = values(comparator(place, compare, db), year, BreakdownKey.ALL, db)
    return _with_benchmark(shown, reference).with_columns(
        (pl.col("area_code") == place.code).alias("is_selected"),
        pl.lit(parent.name).alias("peer_group"),
    )


@memo
def level_values(level: str, year: int, db: Db = None) -> pl.DataFrame:
    """Every indicator for every area of ``level`` in England (maps, spine ranges)."""
    return store.areas(level, ENGLAND, year, db)


def inequality(frame: pl.DataFrame, measure: str, dimension: str) -> dict[str, float] | None:
    """Slope and relative index of inequality for one measure across IMD groups.

    ``frame`` is ``values(...)`` split by an IMD dimension. Quantile 1 is the most
    deprived, so a positive SII means the measure is higher in the least deprived areas.
    Returns None when the split is not ordered or a group is suppressed or empty.
    """
    if dimension not in ORDERED_DIMENSIONS:
        return None
    rows = frame.filter((pl.col("measure") == measure) & (pl.col("group_value") != "unknown"))
    rows = rows.with_columns(pl.col("group_value").cast(pl.Int32)).sort("group_value")
    expected = 5 if dimension == BreakdownKey.IMD_QUINTILE else 10
    if (
        rows.height != expected
        or rows["numerator"].null_count()
        or rows["denominator"].null_count()
    ):
        return None
    result = sii(
        rows["group_value"].to_numpy(),
        rows["denominator"].to_numpy(),
        count=rows["numerator"].to_numpy(),
        value_type="proportion",
        multiplier=100,
        confidence=0.95,
        repetitions=10_000,
    )
    return {
        "sii": float(result.sii[0]),
        "sii_lower": float(result.sii_lower[0, 0]),
        "sii_upper": float(result.sii_upper[0, 0]),
        "rii": float(result.rii[0]),
        "rii_lower": float(result.rii_lower[0, 0]),
        "rii_upper": float(result.rii_upper[0, 0]),
    }
