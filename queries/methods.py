"""What the Data & methods page shows: sources loaded, definitions and methods."""

from __future__ import annotations

import polars as pl

from peolc.measures import AMBITIONS, DEATHS, INDICATORS, SOURCE_NAMES, Measure
from peolc.vocabulary import CAUSE_GROUPS
from queries.runner import Db, run

METHODS: tuple[tuple[str, str], ...] = (
    (
        "Proportions",
        "Wilson score 95% and 99.8% intervals, as PHEindicatormethods "
        "phe_proportion and Fingertips.",
    ),
    ("Rates", "Byar's method, exact Poisson limits below 10 events (phe_rate)."),
    (
        "Comparison with a benchmark",
        "Fingertips' method: an area is better/worse (or "
        "higher/lower) when its 95% interval lies wholly above or below the benchmark value; "
        "colours are Fingertips' with a text label and pattern for colour-blind readers.",
    ),
    (
        "Slope and relative index of inequality",
        "PHEindicatormethods phe_sii: weighted "
        "regression of the measure on the midpoint of each IMD group's cumulative share of "
        "deaths (most deprived first), limits by simulation (10,000 draws, fixed seed).",
    ),
    ("Funnel plots", "95% and 99.8% control limits around the average (phe_funnel_prop)."),
    (
        "Attribution to places",
        "Sub-ICB, ICB, NHS region and local authority figures count "
        "deaths by the LSOA of usual residence; PCN and practice figures by registered GP "
        "practice. Deprivation is the IMD 2019 decile of the LSOA (2021 LSOAs new since 2011 "
        "take the decile of the 2011 LSOA they best fit, by ONS's lookup, else a median of "
        "their MSOA or district; see lsoa_imd.method). Areas are on the latest loaded "
        "geography; previous codes (e.g. E54000052) still find the area.",
    ),
    (
        "Areas that changed (the April 2026 ICB mergers)",
        "The newest NHS England practice map is today's geography. An ICB or sub-ICB it "
        "lacks is a former area: its old codes still open it, as it was (its practices and "
        "small areas then), with a note naming what it became and the share of its "
        "registered patients each successor took. Today's areas are built from their "
        "practices where figures are by practice (QOF, registered patients). ONS residents "
        "of a sub-ICB location split since its estimate (NHS Frimley, E38000252) are shared "
        "out in those shares and labelled an estimate. On maps, an ICB without its own "
        "boundary is drawn as the union of its sub-ICB locations', and a new sub-ICB "
        "location as the former one it took most of: estimated shapes.",
    ),
)


def load_log(db: Db = None) -> pl.DataFrame:
    """Every file loaded, newest first."""
    return run("load_log", db)


def rejects(db: Db = None) -> pl.DataFrame:
    """Rows set aside by lenient loads, by file, column and reason."""
    return run("load_rejects", db)


def _numerator(m: Measure) -> str:
    return f"deaths with {m.numerator.replace('_', ' ')}" if m.record_level else m.numerator


def _denominator(m: Measure) -> str:
    if not m.record_level:
        return m.denominator
    return "all deaths" if m.denominator == DEATHS else "deaths with palliative need"


def measure_definitions() -> pl.DataFrame:
    """The indicator catalogue as a table: definition, counts, method and every source."""
    return pl.DataFrame(
        [
            {
                "Measure": m.label,
                "Definition": m.definition,
                "Numerator": _numerator(m),
                "Denominator": _denominator(m),
                "Statistic": f"{m.statistic} ({m.unit})",
                "CI method": m.ci_method,
                "Polarity": m.polarity,
                "Ambition": f"{m.ambition}. {AMBITIONS[m.ambition]}",
                "Fingertips ids": ", ".join(str(i) for i in m.fingertips_ids),
                "ICB extract measures": ", ".join(m.icb_extract_measures),
                "Record-level deaths": "yes" if m.record_level else "no",
                "Source": " > ".join(SOURCE_NAMES[k] for k in m.sources),
            }
            for m in INDICATORS
        ]
    )


def cause_groups(db: Db = None) -> pl.DataFrame:
    """The ICD-10 ranges behind cause groups and palliative need, as loaded."""
    frame = run("cause_groups", db)
    return frame.with_columns(
        pl.col("cause_group").replace_strict(CAUSE_GROUPS, default=pl.col("cause_group"))
    )


def tables(db: Db = None) -> pl.DataFrame:
    """Warehouse tables and their row counts."""
    return run("warehouse_tables", db)
