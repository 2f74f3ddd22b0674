"""What on a page, in a chart or in a download is a count of people, and scanning it.

Disclosure control applies to counts of people below England. Percentages, rates,
intervals, published populations and list sizes, file row counts and codes are not such
counts and must not be scanned as if they were (``is_disclosive`` would flag a 3.4% or a
year). So every column, metric and chart axis the dashboard shows is classified here, by
name, with the reason; a name not classified fails the walk, so a new table cannot slip
past the scan unread.
"""

from __future__ import annotations

import base64
import html.parser
import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import polars as pl
from streamlit.testing.v1 import AppTest

from peolc.levels import ENGLAND_CODE
from tests.disclosive import is_disclosive

COUNT = "count"  # a count of people: scanned
TEXT = "text"  # free text: scanned for count phrases
ROW_KIND = "row kind"  # a count in some rows only (see COUNT_ROWS)

# Columns, by the name people see or the name in a download. Counts of people:
COUNT_COLUMNS: dict[str, str] = {
    "All deaths": "deaths of the place or group",
    "Count": "spine: numerator of the measure",
    "Deaths": "deaths in a setting",
    "Denominator": "equity: deaths (or deaths with need) of the group",
    "Numerator": "equity: people in the measure's numerator",
    "People with a register date": "register timing: people",
    "dated": "register timing: people with a register date",
    "dated_shown": "register timing: people with a register date (text)",
    "deaths": "deaths",
    "deaths_shown": "deaths (text)",
    "denominator": "deaths or deaths with need",
    "denominator_shown": "deaths or deaths with need (text)",
    "need_identified": "people with need identified before death",
    "need_identified_shown": "people with need identified before death (text)",
    "numerator": "people in the measure's numerator",
    "numerator_shown": "people in the measure's numerator (text)",
    "people": "register timing: people in a band",
    "people_shown": "register timing: people in a band (text)",
    "total": "deaths in the year",
    "total_shown": "deaths in the year (text)",
    "with_need": "deaths with palliative need",
    "with_need_shown": "deaths with palliative need (text)",
}
COUNT_COLUMN_PATTERNS: dict[str, str] = {
    r"Deaths with need \d{4}": "deaths with palliative need in the year",
}
# Not counts of people, each with the reason.
NOT_COUNTS: dict[str, str] = {
    **dict.fromkeys(
        (
            "%",
            "Area %",
            "Best %",
            "England %",
            "Worst %",
            "Value %",
            "Prevalence %",
            "Lower 95% CI",
            "Upper 95% CI",
            "Register as % of 1% of list",
            "Register as % of deaths with need",
            "value",
            "lower",
            "upper",
            "lower_998",
            "upper_998",
            "lower_95",
            "upper_95",
            "percent",
            "england_percent",
            "benchmark_value",
            "SII",
            "SII lower 95%",
            "SII upper 95%",
            "RII",
            "RII lower 95%",
            "RII upper 95%",
            "SII (95% CI)",
            "RII (95% CI)",
            "sii",
            "sii_lower",
            "sii_upper",
            "rii",
            "rii_lower",
            "rii_upper",
        ),
        "a percentage, rate, index or its interval",
    ),
    **dict.fromkeys(
        (
            "Lower quartile (days)",
            "Median (days)",
            "Upper quartile (days)",
            "q1_days",
            "median_days",
            "q3_days",
        ),
        "days on the register (blank where the group's count is hidden)",
    ),
    **dict.fromkeys(
        ("population", "List size"),
        "published population or list size (ONS, NHS England), shown in full",
    ),
    **dict.fromkeys(
        ("Other sources", "source_note", "source", "source_kind"),
        "the sources of a figure, and other sources' percentages where they disagree",
    ),
    **dict.fromkeys(
        ("On register", "register", "register_shown"),
        "QOF palliative care register: published for every practice, shown in full",
    ),
    "1% of list": "an estimate: 1% of the published list size",
    "75% of deaths": "an estimate: 75% of the rounded deaths",
    "Practices": "number of practices, not people",
    **dict.fromkeys(
        ("rows_read", "rows_loaded", "rows_rejected", "rows"),
        "rows of a loaded file or warehouse table",
    ),
    **dict.fromkeys(
        (
            "year",
            "load_id",
            "imd_decile",
            "age_band",
            "band",
            "code_first",
            "code_last",
            "Code",
            "area_code",
            "key",
            "sha256",
            "loaded_at",
            "synthetic",
            "kind",
            "layout",
            # the standardised data set (queries/dataset.py) and its dictionary
            "geography_type",
            "geography_code",
            "geography_vintage",
            "period",
            "indicator_id",
            "ambition",
            "breakdown_type",
            "suppressed",
            "restricted",
            "extract_date",
            "section",
        ),
        "a code, key, year or flag",
    ),
    **dict.fromkeys(
        (
            "Area",
            "Practice",
            "Measure",
            "Group",
            "Setting",
            "Cause group",
            "Definition",
            "Polarity",
            "Source",
            "Statistic",
            "CI method",
            "Ambition",
            "Fingertips ids",
            "ICB extract measures",
            "Record-level deaths",
            "Funnel (PHE label)",
            "Compared with England",
            "Compared with the area",
            "Split",
            "area",
            "area_name",
            "band_label",
            "basis",
            "benchmark",
            "cause",
            "cause_group",
            "comparator",
            "condition",
            "data_status",
            "Data status",
            "file_name",
            "group",
            "label",
            "setting",
            "sex",
            "table_name",
            # the standardised data set and its dictionary
            "population_basis",
            "indicator_name",
            "age",
            "breakdown_group",
            "ci_method",
            "source",
            "name",
            "type",
        ),
        "a name or label",
    ),
}
NOT_COUNT_PATTERNS: dict[str, str] = {
    r"Compared with .+": "a benchmark label",
    r".+ %": "a percentage",
}
# Names that mean something else in some exhibits (a regex on the exhibit's label).
NOT_COUNTS_IN: dict[str, dict[str, str]] = {
    r"older-shares|population-pyramid|population-imd": {
        "total": "published population of the area (the group's denominator)",
    },
}
# Free text, scanned for the phrases below (tile notes, the report's sentences, notes).
TEXT_COLUMNS = frozenset({"note", "notes", "Gap", "Text", "Item", "item", "value_note", "meaning"})
# The headline download's "display" holds a count for count tiles, else a percentage.
COUNT_ROWS: dict[str, tuple[str, frozenset[str]]] = {
    "display": ("key", frozenset({"deaths"})),
}
# Metrics: label pattern -> count of people or not.
COUNT_METRICS = (
    r"Deaths in the year",
    r"Deaths with palliative need, \d{4}",
)
NOT_COUNT_METRICS = (
    r"Population",  # published, shown in full
    r"Palliative care register",  # QOF: published for every practice, shown in full
    r"On the register, \d{4}-\d{2}",
    r"\d+% of the list",  # an estimate from the published list size
    r"Deaths (at home|in a care home|in a hospice|in hospital)",  # percentages
    r"Deaths in usual place of residence, \d{4}",
    r"On the register before death",
    r"Identified before death, \d{4}",
    r"Prevalence \(% of list\)",
    r"Aged (65|85)\+, \d{4}",
    r"Slope index of inequality \(percentage points\)",
    r"Relative index of inequality",
)
# Sentences that carry counts of people: each named group is a count.
NUMBER = r"[0-9][0-9,]*|\*"
COUNT_PHRASES: dict[str, re.Pattern[str]] = {
    "tile note": re.compile(rf"\((?P<n>{NUMBER}) of (?P<d>{NUMBER}); 95% CI"),
    "identified caption": re.compile(rf"(?P<n>{NUMBER}) of (?P<d>{NUMBER}) people"),
    "deaths by age caption": re.compile(rf"Share of the (?P<d>{NUMBER}) deaths registered"),
}
# Anything else that reads "<number> deaths|people" is caught here and must be a phrase.
LOOSE_COUNT = re.compile(r"(?<![-\w])(?P<n>[0-9][0-9,]*) (?:deaths|people|patients)\b")
# Chart axes whose values are counts of people.
COUNT_AXES = frozenset({"Deaths"})


def classify(column: str, where: str = "") -> str:
    """COUNT, TEXT, ROW_KIND or the reason a column is not a count; KeyError if unknown."""
    for exhibit, names in NOT_COUNTS_IN.items():
        if re.search(exhibit, where) and column in names:
            return names[column]
    if column in COUNT_ROWS:
        return ROW_KIND
    if column in COUNT_COLUMNS or any(re.fullmatch(p, column) for p in COUNT_COLUMN_PATTERNS):
        return COUNT
    if column in TEXT_COLUMNS:
        return TEXT
    if column in NOT_COUNTS:
        return NOT_COUNTS[column]
    for pattern, reason in NOT_COUNT_PATTERNS.items():
        if re.fullmatch(pattern, column):
            return reason
    raise KeyError(column)


def metric_is_count(label: str) -> bool:
    """True for a metric showing a count of people; KeyError for an unclassified label."""
    if any(re.fullmatch(p, label) for p in COUNT_METRICS):
        return True
    if any(re.fullmatch(p, label) for p in NOT_COUNT_METRICS):
        return False
    raise KeyError(label)


@dataclass
class Scan:
    """What a walk has read: leaks, unclassified names, and how much it looked at."""

    leaks: list[str] = field(default_factory=list)
    read: set[tuple[str, int]] = field(default_factory=set)
    unknown: set[str] = field(default_factory=set)
    counts_read: int = 0
    phrases_seen: set[str] = field(default_factory=set)
    count_charts: int = 0
    files: list[str] = field(default_factory=list)

    def value(self, value: object, where: str) -> None:
        self.counts_read += 1
        if is_disclosive(value):
            self.leaks.append(f"{where}: {value!r}")

    def text(self, text: str, where: str) -> None:
        for name, pattern in COUNT_PHRASES.items():
            for match in pattern.finditer(text):
                self.phrases_seen.add(name)
                for number in match.groupdict().values():
                    self.value(number, f"{where} ({name})")
            text = pattern.sub(" ", text)  # read once
        for match in LOOSE_COUNT.finditer(text):
            self.value(match["n"], f"{where} ('{match[0]}')")

    def frame(self, frame: pl.DataFrame, where: str) -> None:
        """Every count-like cell of a table, England's own rows excepted."""
        rows = frame.with_row_index("_row")
        england = pl.lit(False)
        for column in ("area", "area_name", "Area"):
            if column in frame.columns:
                england = england | (pl.col(column).cast(pl.String) == "England")
        for column in ("area_code", "Code", "geography_code"):
            if column in frame.columns:
                england = england | (pl.col(column).cast(pl.String) == ENGLAND_CODE)
        rows = rows.filter(~england)
        if "restricted" in frame.columns:  # the data set: open published rows are as published
            rows = rows.filter(pl.col("restricted").cast(pl.String).str.to_lowercase() != "false")
        for column in frame.columns:
            try:
                kind = classify(column, where)
            except KeyError:
                self.unknown.add(f"{where}: column {column!r}")
                continue
            if kind == COUNT:
                for v in rows[column].to_list():
                    self.value(v, f"{where} [{column}]")
            elif kind == TEXT:
                for v in rows[column].drop_nulls().cast(pl.String).to_list():
                    self.text(v, f"{where} [{column}]")
            elif kind == ROW_KIND:
                key, counted = COUNT_ROWS[column]
                for k, v in rows.select(key, column).iter_rows():
                    if k in counted:
                        self.value(v, f"{where} [{column} of {k}]")

    def app(self, app: AppTest, where: str) -> None:
        """Tables, metrics, text and count charts on the screen."""
        assert not app.exception, [e.value for e in app.exception]
        for i, table in enumerate(app.dataframe):
            self.frame(pl.from_pandas(table.value), f"{where} table {i}")
        for metric in app.metric:
            try:
                if metric_is_count(metric.label):
                    self.value(metric.value, f"{where} metric {metric.label!r}")
            except KeyError:
                self.unknown.add(f"{where}: metric {metric.label!r}")
        for text in screen_texts(app):
            self.text(text, where)
        for chart in app.get("plotly_chart"):
            self.chart(json.loads(chart.proto.spec), where)

    def chart(self, spec: dict[str, object], where: str) -> None:
        layout = spec.get("layout")
        layout = layout if isinstance(layout, dict) else {}
        axes = {
            name[0]: _title(axis)
            for name, axis in layout.items()
            if re.fullmatch(r"[xy]axis\d*", name) and isinstance(axis, dict)
        }
        for trace in spec.get("data") or []:  # type: ignore[attr-defined]
            for axis, title in axes.items():
                if title in COUNT_AXES and axis in trace:
                    self.count_charts += 1
                    for number in _numbers(trace[axis]):
                        self.value(number, f"{where} chart axis {title!r}")
            for key in ("text", "hovertext", "name"):
                for words in _strings(trace.get(key)):
                    self.text(words, f"{where} chart {key}")
        title = _title(layout.get("title"))
        if title:
            self.text(title, f"{where} chart title")

    def file(self, name: str, data: bytes, where: str) -> None:
        """A download: CSV, Excel (every sheet) or the HTML report (each file read once)."""
        if (name, hash(data)) in self.read:
            return
        self.read.add((name, hash(data)))
        self.files.append(name)
        label = f"{where} download {name}"
        if name.endswith(".csv"):
            self.frame(pl.read_csv(io.BytesIO(data), infer_schema=False), label)
        elif name.endswith(".xlsx"):
            sheets = pl.read_excel(io.BytesIO(data), sheet_id=0, infer_schema_length=0)
            for sheet, frame in sheets.items():
                self.frame(_notes_as_text(frame), f"{label} sheet {sheet!r}")
        elif name.endswith(".json"):  # the data set's records (a list of objects)
            records = json.loads(data.decode("utf-8"))
            self.frame(pl.DataFrame(records, infer_schema_length=None), label)
        elif name.endswith(".zip"):  # the data set's files, each scanned as a download
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for member in archive.namelist():
                    self.file(member, archive.read(member), f"{where} download {name}")
        elif name.endswith(".html"):
            parser = _Tables()
            parser.feed(data.decode("utf-8"))
            for i, frame in enumerate(parser.frames()):
                self.frame(_notes_as_text(frame), f"{label} table {i}")
            for text in parser.text:
                self.text(text, label)
        else:
            raise AssertionError(f"unexpected download {name}")


def _notes_as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """A notes sheet (item, value / Item, Text) is text, whatever its column is called."""
    if frame.columns[:2] in (["item", "value"], ["Item", "Text"]):
        return frame.rename({frame.columns[1]: "notes"})
    return frame


def _title(axis: object) -> str | None:
    if isinstance(axis, dict):
        title = axis.get("title")
        if isinstance(title, dict):
            return str(title.get("text")) if title.get("text") is not None else None
        return None if title is None else str(title)
    return None if axis is None else str(axis)


def _numbers(data: object) -> Iterable[float]:
    """Plotly data arrays, plain or packed (plotly 6+ sends numbers as base64 'bdata')."""
    if isinstance(data, dict) and "bdata" in data:
        raw = base64.b64decode(str(data["bdata"]))
        return np.frombuffer(raw, dtype=np.dtype(str(data["dtype"]))).tolist()  # type: ignore[no-any-return]
    if isinstance(data, list):
        return [v for v in data if isinstance(v, int | float)]
    return []


def _strings(data: object) -> Iterable[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, list):
        return [v for v in data if isinstance(v, str)]
    return []


def screen_texts(app: AppTest) -> list[str]:
    """Every piece of text on the screen, the sidebar included."""
    found: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "error", "warning"):
        found.extend(str(e.value) for e in getattr(app, kind))
    for kind in ("info", "success", "exception"):
        found.extend(str(e.value) for e in getattr(app, kind))
    return found


class _Tables(html.parser.HTMLParser):
    """The tables (header row + body) and the other text of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.text: list[str] = []
        self._cell: list[str] | None = None
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
            self._depth += 1
        elif tag == "tr" and self._depth:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self._depth:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._depth -= 1
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif data.strip():
            self.text.append(data)

    def frames(self) -> list[pl.DataFrame]:
        out = []
        for rows in self.tables:
            header, *body = rows
            columns = {name: [row[i] for row in body] for i, name in enumerate(header)}
            out.append(pl.DataFrame(columns, schema=dict.fromkeys(header, pl.String)))
        return out
