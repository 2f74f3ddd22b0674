"""The standardised data set: every indicator value for chosen places, in long format.

One row per place, period, indicator, breakdown and group, with the columns of ``COLUMNS``
(issue 12, part 6), and a data dictionary naming every column, indicator and breakdown.
The numbers are exactly the pages' numbers: each (place, year, breakdown) is read with
``queries.deaths.values``, which takes record-level deaths where they cover the place and
the store of published values otherwise, already through disclosure control; a count the
pages hide is blank here with ``suppressed`` true. The store adds what ``values`` leaves
out (the period, sex and age as published, notes, restriction, the load date).

``build`` makes the frames; ``files`` turns them into the bytes of the files ``peolc
export dataset`` writes and Data & methods offers (CSV, Excel or JSON, with the
dictionary). Read-only: nothing here writes to the warehouse.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import polars as pl
import xlsxwriter

from peolc.breakdowns import (
    BREAKDOWN_BY_KEY,
    BREAKDOWNS,
    UNKNOWN_LABEL,
    Breakdown,
    BreakdownKey,
)
from peolc.levels import LEVEL_BY_KEY, LEVELS, CountsBy, Place
from peolc.measures import AMBITIONS, INDICATORS, SOURCE_NAMES, Measure
from peolc.measures import SourceKind as Kind
from peolc.vocabulary import SEXES
from queries import deaths, places, warehouse_info
from queries.runner import Db, Reader, run
from queries.stats.disclosure import RULE, RULE_TEXT

SYNTHETIC_STATUS = "SYNTHETIC demo data - not real figures"
REAL_STATUS = "real data as loaded"
ALL_PERSONS = "Persons"  # the sex of a row not split by sex
ALL_AGES = "All ages"  # the age of a row not split by age, unless the indicator says
ALL_PEOPLE = BREAKDOWN_BY_KEY[BreakdownKey.ALL].label  # the group of a row not split
HIDDEN_NOTE = "counts hidden to protect confidentiality (NHS Digital small-number rule)"
NOT_GIVEN_NOTE = "numerator not given by the source"  # e.g. a quarter left blank in an extract
POPULATION_BASIS: dict[str, str] = {
    CountsBy.EVERYONE: "residents",
    CountsBy.RESIDENCE: "residents",
    CountsBy.REGISTERED_PRACTICE: "registered patients",
}


class Format:
    """The file formats of the data set."""

    CSV: Final = "csv"
    XLSX: Final = "xlsx"
    JSON: Final = "json"


FORMATS: dict[str, str] = {  # format -> MIME type
    Format.CSV: "text/csv",
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Format.JSON: "application/json",
}


@dataclass(frozen=True)
class Column:
    """A column of the data set: its name, polars type, type in words and meaning."""

    name: str
    dtype: pl.DataType
    kind: str
    meaning: str


def _levels() -> str:
    return ", ".join(f"{lv.key} ({lv.label})" for lv in LEVELS)


def _breakdowns() -> str:
    return ", ".join(b.key for b in BREAKDOWNS)


TEXT, INTEGER, NUMBER, BOOLEAN, DATE = "text", "integer", "number", "true/false", "date"
COLUMNS: tuple[Column, ...] = (
    Column("geography_type", pl.String(), TEXT, f"The level of the place: {_levels()}."),
    Column(
        "geography_code",
        pl.String(),
        TEXT,
        "The place's current code: ONS (GSS) for England, regions, ICBs, sub-ICB locations "
        "and local authorities; ODS for PCNs and GP practices.",
    ),
    Column(
        "geography_vintage",
        pl.Int32(),
        INTEGER,
        "The year of the boundaries and codes the place is on. Figures published for "
        "earlier codes of the same area are given under its current code.",
    ),
    Column(
        "population_basis",
        pl.String(),
        TEXT,
        "Whose deaths are counted: 'residents' (by the LSOA of usual residence; for "
        "England every death registered in England) or 'registered patients' (PCNs and GP "
        "practices: by the GP practice the person was registered with).",
    ),
    Column(
        "period",
        pl.String(),
        TEXT,
        "The period the figure covers, as its source gives it: a calendar year of death "
        "registration (2021) or a financial year (2021/22, 2023-24).",
    ),
    Column(
        "indicator_id",
        pl.String(),
        TEXT,
        "The indicator's key in the catalogue (peolc/measures.py); the dictionary's "
        "indicator rows define each one.",
    ),
    Column("indicator_name", pl.String(), TEXT, "The indicator's name, as the pages show it."),
    Column(
        "ambition",
        pl.Int32(),
        INTEGER,
        "The Ambition for Palliative and End of Life Care (2021-2026) the indicator "
        "evidences, 1 to 6: "
        + "; ".join(f"{number}. {text}" for number, text in AMBITIONS.items())
        + ".",
    ),
    Column(
        "sex",
        pl.String(),
        TEXT,
        f"The sex of the people counted: {ALL_PERSONS}, or the group of the sex breakdown "
        "(Male, Female).",
    ),
    Column(
        "age",
        pl.String(),
        TEXT,
        f"The ages of the people counted: the indicator's population as published "
        f"({ALL_AGES}, 65+ yrs), or the band of the age_band breakdown.",
    ),
    Column(
        "breakdown_type",
        pl.String(),
        TEXT,
        f"How the place's people are split: {_breakdowns()} ('all': not split). The "
        "dictionary's breakdown rows name each one and its groups.",
    ),
    Column(
        "breakdown_group",
        pl.String(),
        TEXT,
        f"The group of the split, as the pages label it ('{ALL_PEOPLE}' when not split; "
        f"'{UNKNOWN_LABEL}' where the group is not recorded).",
    ),
    Column(
        "numerator",
        pl.Int64(),
        INTEGER,
        "What the indicator counts: people (for a rate per death, admissions or bed "
        "days). Counts from restricted sources below England are rounded to the nearest 5 "
        "and blank where hidden (suppressed true).",
    ),
    Column(
        "denominator",
        pl.Int64(),
        INTEGER,
        "Who the indicator counts among: people who died (or who died with palliative "
        "need); rounded and hidden as the numerator.",
    ),
    Column(
        "value",
        pl.Float64(),
        NUMBER,
        "The indicator's value in its unit (a % for proportions, per death for rates); "
        "for restricted sources computed from the rounded counts.",
    ),
    Column("lower_95", pl.Float64(), NUMBER, "Lower 95% confidence limit (see ci_method)."),
    Column("upper_95", pl.Float64(), NUMBER, "Upper 95% confidence limit (see ci_method)."),
    Column("lower_998", pl.Float64(), NUMBER, "Lower 99.8% confidence limit (see ci_method)."),
    Column("upper_998", pl.Float64(), NUMBER, "Upper 99.8% confidence limit (see ci_method)."),
    Column(
        "ci_method",
        pl.String(),
        TEXT,
        "How the limits are computed: Wilson score for proportions, Byar's method for "
        "rates (as PHEindicatormethods and Fingertips).",
    ),
    Column(
        "suppressed",
        pl.Boolean(),
        BOOLEAN,
        "true where counts are hidden to protect confidentiality (NHS Digital "
        "small-number rule, with complementary suppression so a hidden count cannot be "
        "worked out from a total): the hidden counts, and any value and limits they "
        "would give, are blank.",
    ),
    Column(
        "value_note",
        pl.String(),
        TEXT,
        "Notes on the figure: the source's own note (Fingertips' value note), the fields "
        "computed here rather than published, why counts are hidden, or that the source "
        "gives no numerator.",
    ),
    Column(
        "source",
        pl.String(),
        TEXT,
        "The source of the figure, one of: "
        + "; ".join(f"'{name}'" for name in SOURCE_NAMES.values())
        + ". Where several cover a figure, the first of these.",
    ),
    Column(
        "restricted",
        pl.Boolean(),
        BOOLEAN,
        "true where the figure comes from a restricted source (record-level deaths, ICB "
        "dashboard extracts): below England its counts are rounded and small ones hidden. "
        "false for open published statistics (Fingertips), given exactly as published.",
    ),
    Column(
        "extract_date",
        pl.Date(),
        f"{DATE} (YYYY-MM-DD)",
        "The date the file that gave the figure was loaded into this warehouse (the "
        "sources carry no extract date of their own).",
    ),
)
COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
SCHEMA: dict[str, pl.DataType] = {c.name: c.dtype for c in COLUMNS}
DICTIONARY_COLUMNS: tuple[str, ...] = ("section", "name", "type", "meaning")


@dataclass(frozen=True)
class Dataset:
    """The data set for some places: its rows, its dictionary and its file stem."""

    places: tuple[Place, ...]
    years: tuple[int, ...] | None  # the years asked for (None: every year with figures)
    data: pl.DataFrame
    dictionary: pl.DataFrame
    synthetic: bool

    @property
    def stem(self) -> str:
        return file_stem(self.places, self.years, self.synthetic)

    def rows_of(self, place: Place) -> int:
        """How many rows the data set has for ``place``."""
        return self.data.filter(
            (pl.col("geography_code") == place.code) & (pl.col("geography_type") == place.level)
        ).height


def candidate_years(db: Db = None) -> list[int]:
    """Every year any place has death figures (record-level or published), ascending."""
    covered = places.years(db)
    return sorted({*covered.get(Kind.DEATHS, []), *covered.get("published", [])})


def _group_order() -> pl.DataFrame:
    """(breakdown, group_value) -> the group's label and its place in the order."""
    rows: list[tuple[str, str, str, int]] = [(BreakdownKey.ALL, BreakdownKey.ALL, ALL_PEOPLE, 0)]
    for b in BREAKDOWNS:
        if b.key == BreakdownKey.ALL:
            continue
        rows.extend((b.key, g, label, i) for i, (g, label) in enumerate(b.group_labels().items()))
    return pl.DataFrame(
        rows,
        schema={
            "breakdown": pl.String,
            "group_value": pl.String,
            "group_label": pl.String,
            "group_rank": pl.Int32,
        },
        orient="row",
    )


def _vintage(place: Place, db: Db) -> int | None:
    found = run("dataset_area", db, area_code=place.code, level=place.level)
    return None if found.is_empty() else int(found["vintage"][0])


def _joined_notes(*parts: pl.Expr) -> pl.Expr:
    """The non-empty parts joined by '; ', null when none."""
    text = pl.concat_str([p.fill_null("") for p in parts], separator="; ")
    cleaned = text.str.replace_all(r"(; )+", "; ").str.strip_chars("; ")
    return pl.when(cleaned == "").then(None).otherwise(cleaned)


def place_rows(place: Place, years: Sequence[int] | None = None, db: Db = None) -> pl.DataFrame:
    """Every indicator value for ``place`` in ``years`` (default: every year with figures),
    every breakdown, in the data set's columns and order."""
    reader = Reader.of(db)
    chosen = sorted(set(years)) if years is not None else candidate_years(reader)
    vintage = _vintage(place, reader)
    death_dates = run("dataset_death_loads", reader)
    parts = [part for year in chosen if not (part := _year_rows(place, year, reader)).is_empty()]
    if not parts:
        return pl.DataFrame(schema=SCHEMA)
    frame = pl.concat(parts, how="vertical_relaxed")
    measures = pl.DataFrame(
        {
            "measure": [m.key for m in INDICATORS],
            "indicator_name": [m.label for m in INDICATORS],
            "ambition": [m.ambition for m in INDICATORS],
            "ci_method": [m.ci_method for m in INDICATORS],
            "measure_rank": list(range(len(INDICATORS))),
        },
        schema_overrides={"ambition": pl.Int32, "measure_rank": pl.Int32},
    )
    breakdown_rank = pl.DataFrame(
        {"breakdown": [b.key for b in BREAKDOWNS], "breakdown_rank": list(range(len(BREAKDOWNS)))},
        schema_overrides={"breakdown_rank": pl.Int32},
    )
    frame = (
        frame.join(measures, on="measure", how="left")
        .join(breakdown_rank, on="breakdown", how="left")
        .join(_group_order(), on=["breakdown", "group_value"], how="left")
        .join(
            death_dates.rename({"extract_date": "death_date"}),
            on="year",
            how="left",
        )
    )
    is_deaths = pl.col("source_kind") == Kind.DEATHS
    num_hidden = pl.col("numerator_shown") == RULE.symbol
    den_hidden = pl.col("denominator_shown") == RULE.symbol
    hidden = num_hidden | den_hidden
    computed = pl.col("computed").str.replace_all(",", ", ")
    label = pl.col("group_label").fill_null(pl.col("group_value"))
    basis = POPULATION_BASIS[LEVEL_BY_KEY[place.level].counts_by]
    out = frame.sort("year", "breakdown_rank", "measure_rank", "group_rank", "group_value").select(
        pl.lit(place.level).alias("geography_type"),
        pl.lit(place.code).alias("geography_code"),
        pl.lit(vintage, pl.Int32).alias("geography_vintage"),
        pl.lit(basis).alias("population_basis"),
        pl.col("period").fill_null(pl.col("year").cast(pl.String)).alias("period"),
        pl.col("measure").alias("indicator_id"),
        "indicator_name",
        "ambition",
        pl.when(pl.col("breakdown") == BreakdownKey.SEX)
        .then(pl.col("group_value").replace_strict(SEXES, default=label))
        .otherwise(pl.col("sex").fill_null(ALL_PERSONS))
        .alias("sex"),
        pl.when(pl.col("breakdown") == BreakdownKey.AGE_BAND)
        .then(label)
        .otherwise(pl.col("age").fill_null(ALL_AGES))
        .alias("age"),
        pl.col("breakdown").alias("breakdown_type"),
        label.alias("breakdown_group"),
        pl.when(num_hidden).then(None).otherwise(pl.col("numerator")).alias("numerator"),
        pl.when(den_hidden).then(None).otherwise(pl.col("denominator")).alias("denominator"),
        pl.col("value"),
        pl.col("lower").alias("lower_95"),
        pl.col("upper").alias("upper_95"),
        "lower_998",
        "upper_998",
        "ci_method",
        hidden.alias("suppressed"),
        _joined_notes(
            pl.col("value_note"),
            pl.when(computed.is_not_null()).then(pl.lit("computed here: ") + computed),
            pl.when(hidden).then(pl.lit(HIDDEN_NOTE)),
            pl.when(~hidden & pl.col("numerator").is_null()).then(pl.lit(NOT_GIVEN_NOTE)),
        ).alias("value_note"),
        "source",
        pl.col("restricted").fill_null(is_deaths).alias("restricted"),
        pl.when(is_deaths)
        .then(pl.col("death_date"))
        .otherwise(pl.col("extract_date"))
        .alias("extract_date"),
    )
    return out.cast(pl.Schema(SCHEMA))


VALUE_COLUMNS = (
    "group_value",
    "measure",
    "numerator",
    "denominator",
    "numerator_shown",
    "denominator_shown",
    "value",
    "lower",
    "upper",
    "lower_998",
    "upper_998",
    "source",
    "source_kind",
)


def _year_rows(place: Place, year: int, reader: Reader) -> pl.DataFrame:
    """``queries.deaths.values`` for every breakdown of one year, with the store's facts."""
    parts = []
    for b in BREAKDOWNS:
        frame = deaths.values(place, year, b.key, reader)
        if not frame.is_empty():
            parts.append(frame.select(VALUE_COLUMNS).with_columns(pl.lit(b.key).alias("breakdown")))
    if not parts:
        return pl.DataFrame()
    frame = pl.concat(parts, how="vertical_relaxed")
    cells = run("dataset_cells", reader, area_code=place.code, level=place.level, year=year)
    return frame.join(
        cells.rename({"source": "source_kind"}),
        on=["breakdown", "group_value", "measure", "source_kind"],
        how="left",
        validate="m:1",
    ).with_columns(pl.lit(year, pl.Int32).alias("year"))


def _indicator_meaning(m: Measure) -> str:
    sources = " > ".join(SOURCE_NAMES[k] for k in m.sources)
    fingertips = (
        f" Fingertips indicator id(s): {', '.join(str(i) for i in m.fingertips_ids)}."
        if m.fingertips_ids
        else ""
    )
    return (
        f"{m.label}. {m.definition} Statistic: {m.statistic} ({m.unit}); limits: "
        f"{m.ci_method}; polarity: {m.polarity}; Ambition {m.ambition}: "
        f"{AMBITIONS[m.ambition]}. Sources, in order: {sources}.{fingertips}"
    )


def _breakdown_meaning(b: Breakdown) -> str:
    groups = "; ".join(b.group_labels().values()) if b.groups else b.label
    return f"{b.label}. Groups: {groups}."


def dictionary(
    synthetic: bool,
    meta: dict[str, str],
    chosen: Sequence[Place] = (),
    years: Sequence[int] | None = None,
) -> pl.DataFrame:
    """One row per column of the data set, per indicator and per breakdown, then notes:
    the data's status (SYNTHETIC for demo warehouses), the warehouse, the disclosure rule."""
    rows: list[tuple[str, str, str, str]] = [("column", c.name, c.kind, c.meaning) for c in COLUMNS]
    rows += [
        ("indicator", m.key, f"{m.statistic} ({m.unit})", _indicator_meaning(m)) for m in INDICATORS
    ]
    rows += [("breakdown", b.key, TEXT, _breakdown_meaning(b)) for b in BREAKDOWNS]
    notes = [
        ("data_status", SYNTHETIC_STATUS if synthetic else REAL_STATUS),
        ("places", "; ".join(f"{p.name} ({p.code}, {p.level_label})" for p in chosen)),
        (
            "years",
            ", ".join(str(y) for y in years) if years else "every year with figures",
        ),
        ("warehouse_built", meta.get("built_at", "")),
        ("tool", f"peolc-needs {meta.get('tool_version', '')}"),
        ("disclosure_control", RULE_TEXT),
    ]
    rows += [("note", name, TEXT, text) for name, text in notes]
    return pl.DataFrame(rows, schema=list(DICTIONARY_COLUMNS), orient="row")


def build(chosen: Sequence[Place], years: Sequence[int] | None = None, db: Db = None) -> Dataset:
    """The data set for ``chosen`` places (each once, in order) in ``years`` (default: every
    year each place has figures)."""
    reader = Reader.of(db)
    unique = tuple(dict.fromkeys(chosen))
    asked = tuple(sorted(set(years))) if years else None
    parts = [place_rows(place, asked, reader) for place in unique]
    data = pl.concat(parts, how="vertical") if parts else pl.DataFrame(schema=SCHEMA)
    synthetic = warehouse_info.is_synthetic(reader)
    return Dataset(
        unique, asked, data, dictionary(synthetic, reader.meta(), unique, asked), synthetic
    )


def file_stem(chosen: Sequence[Place], years: Sequence[int] | None, synthetic: bool) -> str:
    """A file name without extension: SYNTHETIC if so, the places' codes, the years asked."""
    codes = [re.sub(r"[^A-Za-z0-9]+", "", p.code) for p in chosen]
    where = "-".join(codes) if len(codes) <= 4 else f"{codes[0]}-and-{len(codes) - 1}-more"
    when = "-" + "-".join(str(y) for y in years) if years else ""
    return f"{'SYNTHETIC-' if synthetic else ''}peolc-dataset-{where or 'none'}{when}"


def files(dataset: Dataset, kind: str) -> dict[str, bytes]:
    """File name -> bytes: ``<stem>.csv`` and ``<stem>-dictionary.csv``; ``<stem>.xlsx``
    (sheets ``data`` and ``dictionary``); or ``<stem>.json`` and ``<stem>-dictionary.json``
    (records)."""
    stem = dataset.stem
    if kind == Format.CSV:
        return {
            f"{stem}.csv": _csv(dataset.data),
            f"{stem}-dictionary.csv": _csv(dataset.dictionary),
        }
    if kind == Format.XLSX:
        buffer = io.BytesIO()
        with xlsxwriter.Workbook(buffer, {"in_memory": True}) as workbook:
            dataset.data.write_excel(workbook, worksheet="data", autofit=True)
            dataset.dictionary.write_excel(workbook, worksheet="dictionary", autofit=True)
        return {f"{stem}.xlsx": buffer.getvalue()}
    if kind == Format.JSON:
        return {
            f"{stem}.json": _json(dataset.data),
            f"{stem}-dictionary.json": _json(dataset.dictionary),
        }
    raise ValueError(f"unknown format {kind!r}: expected one of {', '.join(FORMATS)}")


def _csv(frame: pl.DataFrame) -> bytes:
    return frame.write_csv().encode("utf-8-sig")  # a BOM so Excel opens it as UTF-8


def _json(frame: pl.DataFrame) -> bytes:
    return frame.write_json().encode("utf-8")  # a list of records, one object per row
