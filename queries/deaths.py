"""Death measures for a place: values with intervals, benchmarks, trends, peers, breakdowns.

Raw counts come from the ``death_measures*.sql`` files; everything shown is made safe by
``queries.stats.disclosure`` (rounded, suppressed, percentages from the rounded figures) and
compared with a benchmark the way Fingertips does (95% interval against the benchmark
value, with the measure's polarity). Frames are long: one row per (group, measure).
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
from peolc.levels import ENGLAND, LEVEL_BY_KEY, PEER_PARENT_LEVEL, Comparator, LevelKey
from peolc.measures import (
    DEATHS_SOURCE,
    MEASURE_BY_KEY,
    MEASURES,
    SETTING_KEYS,
    USUAL_RESIDENCE_SETTINGS,
    Measure,
    MeasureKey,
    SourceKind,
)
from queries import store
from queries.places import Place, lineage
from queries.runner import Db, run
from queries.stats import benchmark, disclosure, sii

ORDERED_DIMENSIONS = ORDERED_BREAKDOWNS
DIMENSIONS = BREAKDOWN_KEYS


DENOMINATOR_OF = "denominator_of"


def summed(level: str, dimension: str) -> bool:
    """Whether death_measures.sql answers this split from the sums etl/derived.py keeps.

    Sums are kept for every place not split, for deprivation splits of England and of the
    places counted by residence, and for every split of England; other splits are counted
    from the deaths (death_measures_split.sql). Both give the same counts.
    """
    if dimension == BreakdownKey.ALL or level == LevelKey.ENGLAND:
        return True
    return dimension in ORDERED_DIMENSIONS and not LEVEL_BY_KEY[level].by_practice


def measure_sums(by: str, across: bool) -> disclosure.Cells:
    """The sums between a frame's counts, for ``disclosure.protect``.

    Within each ``by`` (a group of a split, a year, an area): the places of death add up
    to the deaths; home and care home add up to the usual place of residence, which with
    hospital, hospice and elsewhere adds up to the deaths again. ``across``: the groups of
    a split add up, measure by measure and denominator by denominator, to the place's own
    figures, which are published on every page.
    """
    item, deaths = disclosure.item, disclosure.item("deaths")
    sums = [
        disclosure.Adds((by,), item(*SETTING_KEYS), deaths),
        disclosure.Adds((by,), item(*USUAL_RESIDENCE_SETTINGS), item(MeasureKey.USUAL_RESIDENCE)),
        disclosure.Adds(
            (by,),
            item(
                MeasureKey.USUAL_RESIDENCE,
                MeasureKey.HOSPITAL,
                MeasureKey.HOSPICE,
                MeasureKey.ELSEWHERE,
            ),
            deaths,
        ),
    ]
    if across:
        sums.append(disclosure.Adds((disclosure.ITEM,), disclosure.everything()))
    return disclosure.Cells((by,), "measure", DENOMINATOR_OF, tuple(sums))


def _made_safe(long: pl.DataFrame, level: str, by: str, across: bool = False) -> pl.DataFrame:
    safe = disclosure.proportions(
        long, "numerator", "denominator", level, cells=measure_sums(by, across)
    )
    return safe.drop(DENOMINATOR_OF)


def _long(raw: pl.DataFrame, ids: list[str], measures: tuple[Measure, ...]) -> pl.DataFrame:
    """Wide counts (one column per numerator) to one row per id and measure."""
    if raw.is_empty():
        schema: dict[str, pl.DataType] = {c: raw.schema[c] for c in ids}
        schema |= {
            "measure": pl.String(),
            "family": pl.String(),
            "numerator": pl.Int64(),
            "denominator": pl.Int64(),
            DENOMINATOR_OF: pl.String(),
        }
        return pl.DataFrame(schema=schema)
    parts = [
        raw.select(
            *ids,
            pl.lit(m.key).alias("measure"),
            pl.lit("setting" if m.key in SETTING_KEYS else m.key).alias("family"),
            pl.col(m.numerator).cast(pl.Int64).alias("numerator"),
            pl.col(m.denominator).cast(pl.Int64).alias("denominator"),
            pl.lit(m.denominator).alias(DENOMINATOR_OF),
        )
        for m in measures
    ]
    return pl.concat(parts)


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


def values(
    place: Place, year: int, dimension: str = BreakdownKey.ALL, db: Db = None
) -> pl.DataFrame:
    """Every indicator for ``place`` in ``year``, split by ``dimension``; made safe.

    From record-level deaths where they cover the place and year, else from the store of
    published values (``queries.store``: Fingertips, ICB extracts), which also adds the
    indicators record-level deaths do not derive. Columns: group_value, measure, family,
    numerator, denominator (rounded, null where hidden), numerator_shown,
    denominator_shown, value (%), lower, upper, lower_998, upper_998, source (its name),
    source_kind (the load kind). Record-level counts are protected against every sum they
    are part of (``measure_sums``): the settings of a group add up to its deaths, and for
    a split the groups add up to the place's own figures.
    """
    if dimension not in DIMENSIONS:
        raise QueryError(
            f"Unknown breakdown {dimension!r}.", "Expected one of: " + ", ".join(DIMENSIONS)
        )
    published = store.published(place, year, dimension, db)
    if dimension not in RECORD_LEVEL_BREAKDOWNS:
        return published
    raw = run(
        "death_measures" if summed(place.level, dimension) else "death_measures_split",
        db,
        area_code=place.code,
        level=place.level,
        year=year,
        dimension=dimension,
    )
    if raw.is_empty():  # no record-level deaths for the place that year
        return published
    long = _long(raw, ["group_value"], MEASURES)
    own = _made_safe(long, place.level, "group_value", across=dimension != BreakdownKey.ALL)
    own = store.with_disagreement(_with_source(own), published.drop("source_note"))
    # record-level deaths first; the store adds the indicators they do not derive
    rest = published.filter(~pl.col("measure").is_in(own["measure"].unique().to_list()))
    return pl.concat([own, rest], how="diagonal_relaxed") if not rest.is_empty() else own


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


def trend(place: Place, db: Db = None) -> pl.DataFrame:
    """Every measure for the place, each year, with intervals; made safe."""
    raw = run(
        "death_measures_trend",
        db,
        area_code=place.code,
        level=place.level,
        england_level=LevelKey.ENGLAND,
    )
    if raw.is_empty():  # no record-level deaths for the place: what the store publishes
        return store.trend(place, db)
    long = _long(raw, ["year"], MEASURES)
    return _with_source(_made_safe(long, place.level, "year"))


def peers(
    place: Place, year: int, compare: str = Comparator.ENGLAND, db: Db = None
) -> pl.DataFrame:
    """The measures for every peer of the place (same level, same parent), made safe.

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
    raw = run(
        "death_measures_peers",
        db,
        peer_level=place.level,
        parent_code=parent.code,
        parent_level=parent.level,
        year=year,
    )
    long = _long(raw.drop_nulls("deaths"), ["area_code", "area_name"], MEASURES)
    if long.is_empty():  # no record-level deaths for the peers: what the store publishes
        shown = store.areas(place.level, parent, year, db)
    else:
        shown = _with_source(_made_safe(long, place.level, "area_code"))
    reference = values(comparator(place, compare, db), year, BreakdownKey.ALL, db)
    return _with_benchmark(shown, reference).with_columns(
        (pl.col("area_code") == place.code).alias("is_selected"),
        pl.lit(parent.name).alias("peer_group"),
    )


def level_values(level: str, year: int, db: Db = None) -> pl.DataFrame:
    """Every measure for every area of ``level`` in England (maps, spine ranges); made safe."""
    raw = run(
        "death_measures_peers",
        db,
        peer_level=level,
        parent_code=ENGLAND.code,
        parent_level=ENGLAND.level,
        year=year,
    )
    long = _long(raw.drop_nulls("deaths"), ["area_code", "area_name"], MEASURES)
    if long.is_empty():  # no record-level deaths at this level: what the store publishes
        return store.areas(level, ENGLAND, year, db)
    return _with_source(_made_safe(long, level, "area_code"))


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
