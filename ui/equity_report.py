"""The equity audit report: the whole audit as an Excel workbook or one HTML file.

Pure functions of a ``queries.equity.Audit`` returning bytes, so the page only offers
them and tests can open them. Counts are the made-safe text from ``queries.deaths``;
nothing here computes a figure. The HTML report is self-contained (no scripts, styles
or images from elsewhere) and every piece of text put into it is escaped.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass

import polars as pl
import xlsxwriter

from peolc.breakdowns import BREAKDOWN_BY_KEY
from peolc.measures import INDICATORS
from queries.equity import DIMENSIONS, Audit, table
from queries.equity import audit as run_audit
from queries.places import Place
from queries.stats.disclosure import RULE_TEXT

SYNTHETIC_TEXT = "SYNTHETIC demo data - not real figures"
METHODS = (
    (
        "Groups",
        "Deprivation: IMD 2019 quintile or decile of the LSOA of usual residence, national "
        "quantiles (1 = most deprived fifth or tenth of areas in England). Age: completed "
        "years at death. Cause: underlying cause grouped as in Etkind et al. 2017. Deaths "
        "are those registered in the calendar year; PCN and practice figures count patients "
        "registered with their practices, other areas count residents.",
    ),
    (
        "Percentages and intervals",
        "Percentages use the rounded counts; 95% confidence intervals are Wilson score "
        "intervals, as Fingertips uses for proportions.",
    ),
    (
        "Compared with the area",
        "A group is 'better', 'worse', 'higher' or 'lower' than the area overall when its "
        "95% interval lies wholly on one side of the area's value, otherwise 'similar' "
        "(Fingertips' rule; better/worse only for measures with a polarity).",
    ),
    (
        "Slope and relative index of inequality",
        "For deprivation splits: the SII is the fitted difference between the least and the "
        "most deprived ends of the population ranked by deprivation (percentage points; "
        "positive means higher in less deprived areas), the RII their ratio; 95% limits by "
        "simulation (PHEindicatormethods phe_sii; Low and Low 2004). Not calculated when a "
        "group is hidden or has no deaths.",
    ),
    (
        "Other gaps",
        "For other splits the highest and lowest groups shown are compared; the interval of "
        "their difference is Newcombe's (1998, method 10). 'No clear gap' means the 95% "
        "interval includes 0. Groups not known or not stated are shown but not compared.",
    ),
    ("Disclosure control", RULE_TEXT),
)


INDEX_NAMES = {
    "sii": "SII",
    "sii_lower": "SII lower 95%",
    "sii_upper": "SII upper 95%",
    "rii": "RII",
    "rii_lower": "RII lower 95%",
    "rii_upper": "RII upper 95%",
}


@dataclass(frozen=True)
class Context:
    """What the report says about where its figures came from."""

    synthetic: bool
    built_at: str
    tool_version: str


def file_stem(place: Place, year: int, synthetic: bool) -> str:
    """A file name (without extension) saying place, year and, if so, SYNTHETIC."""
    slug = re.sub(r"[^a-z0-9]+", "-", place.name.lower()).strip("-")[:60]
    return f"{'SYNTHETIC-' if synthetic else ''}equity-audit-{slug}-{place.code}-{year}"


def title(audit: Audit) -> str:
    """The report's title line."""
    return f"Equity audit: {audit.place.name} ({audit.place.code}), {audit.year}"


def summary(audit: Audit) -> pl.DataFrame:
    """One row per measure and split: the gap in words, and SII/RII where ordered."""
    return audit.gaps.select(
        pl.col("label").alias("Measure"),
        pl.col("dimension_label").alias("Split"),
        pl.col("sentence").alias("Gap"),
        *(pl.col(c).round(2).alias(name) for c, name in INDEX_NAMES.items()),
    )


def notes(audit: Audit, context: Context) -> pl.DataFrame:
    """Title, data status, methods, disclosure rule and every measure's definition."""
    rows = [
        ("Title", title(audit)),
        ("Data", SYNTHETIC_TEXT if context.synthetic else "Real data as loaded"),
        ("Warehouse built", context.built_at),
        ("Tool", f"peolc-needs {context.tool_version}"),
        *METHODS,
        *((f"Measure: {m.label}", f"{m.definition} Polarity: {m.polarity}.") for m in INDICATORS),
    ]
    return pl.DataFrame(rows, schema=["Item", "Text"], orient="row")


def sheets(audit: Audit, context: Context) -> dict[str, pl.DataFrame]:
    """Sheet name -> frame: Summary, one per split, Notes (synthetic column if so)."""
    out = {"Summary": summary(audit)}
    out |= {BREAKDOWN_BY_KEY[d].short_label: table(frame) for d, frame in audit.tables.items()}
    if context.synthetic:
        out = {
            k: v.with_columns(pl.lit(SYNTHETIC_TEXT).alias("Data status")) for k, v in out.items()
        }
    return out | {"Notes": notes(audit, context)}


def workbook(audit: Audit, context: Context) -> bytes:
    """The audit as an .xlsx workbook."""
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as book:
        for name, frame in sheets(audit, context).items():
            frame.write_excel(book, worksheet=name, autofit=True)
    return buffer.getvalue()


def _interval(frame: pl.DataFrame, name: str, digits: int) -> list[str]:
    """'13.1 (9.0 to 17.2)' per row of ``frame`` from columns name, name_lower, name_upper."""
    columns = (name, f"{name}_lower", f"{name}_upper")

    def fmt(value: float) -> str:
        text = f"{value:.{digits}f}"
        return text[1:] if text.startswith("-") and float(text) == 0 else text

    return [
        "" if None in row else f"{fmt(row[0])} ({fmt(row[1])} to {fmt(row[2])})"
        for row in frame.select(columns).iter_rows()
    ]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}"
    return html.escape(str(value), quote=True)


def _table(frame: pl.DataFrame) -> str:
    head = "".join(f"<th scope='col'>{html.escape(c)}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in frame.iter_rows()
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


STYLE = """
body{font-family:Arial,sans-serif;margin:2em;color:#111;max-width:1200px}
table{border-collapse:collapse;margin:0.5em 0 1.5em;font-size:0.9em}
th,td{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#eee}.synthetic{background:#FFC000;padding:0.5em;font-weight:bold}
"""


def html_report(audit: Audit, context: Context) -> bytes:
    """The audit as one self-contained, escaped HTML page."""
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{html.escape(title(audit))}</title><style>{STYLE}</style></head><body>",
    ]
    if context.synthetic:
        parts.append(f"<p class='synthetic'>{html.escape(SYNTHETIC_TEXT)}</p>")
    parts.append(f"<h1>{html.escape(title(audit))}</h1>")
    parts.append(f"<p>Built {html.escape(context.built_at)}. {html.escape(RULE_TEXT)}</p>")
    parts.append("<h2>The gaps</h2>")
    gaps = summary(audit).with_columns(  # same rows as audit.gaps, unrounded limits there
        pl.Series("SII (95% CI)", _interval(audit.gaps, "sii", 1), dtype=pl.String),
        pl.Series("RII (95% CI)", _interval(audit.gaps, "rii", 2), dtype=pl.String),
    )
    parts.append(_table(gaps.select("Measure", "Split", "Gap", "SII (95% CI)", "RII (95% CI)")))
    for dimension, frame in audit.tables.items():
        parts.append(f"<h2>{html.escape(DIMENSIONS[dimension])}</h2>")
        parts.append(_table(table(frame)))
    parts.append("<h2>Notes</h2>")
    parts.append(_table(notes(audit, context)))
    parts.append("</body></html>")
    return "".join(parts).encode("utf-8")


FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html",
}


def build(place: Place, year: int, kind: str, context: Context) -> bytes:
    """Run the audit and render it ('xlsx' or 'html'): what a download button calls on click."""
    whole = run_audit(place, year)
    return workbook(whole, context) if kind == "xlsx" else html_report(whole, context)
