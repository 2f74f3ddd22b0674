"""The statistics layer: one exact implementation of every figure the dashboard shows.

Methods follow PHEindicatormethods (the R package behind Fingertips) and are checked
against its published test tables and against Fingertips extracts in
`tests/backtests/`; docs/statistics.md lists each formula, source, unit and the tolerance
achieved. Everything here is pure numpy/scipy/polars: no Streamlit, no DuckDB.

    from queries.stats import proportion_ci, rate_ci, dsr, isr, sii, benchmark, suppress_frame

The dashboard's disclosure policy (``queries.stats.disclosure``: which counts are
controlled, and suppression across sums that add up in more than one direction) sits
here too, beside the rule it applies (``suppression``), where the ETL may import it too.
"""

from queries.stats.benchmark import (
    BENCHMARK_TEXT,
    POLARITIES,
    Polarity,
    benchmark,
)
from queries.stats.funnels import (
    FunnelLimits,
    funnel_grid,
    funnel_limits,
    funnel_significance,
)
from queries.stats.inequality import SiiResult, sii
from queries.stats.intervals import (
    byars_ci,
    exact_poisson_ci,
    poisson_ci,
    proportion_ci,
    rate_ci,
)
from queries.stats.standardised import (
    DSR_MIN_COUNT,
    ESP2013,
    ESP2013_BANDS,
    ESP2013_WEIGHTS,
    DsrResult,
    IsrResult,
    dsr,
    isr,
)
from queries.stats.suppression import (
    NHS_DIGITAL_RULE,
    Suppressed,
    SuppressionRule,
    round_count,
    suppress,
    suppress_frame,
)

__all__ = [
    "BENCHMARK_TEXT",
    "DSR_MIN_COUNT",
    "ESP2013",
    "ESP2013_BANDS",
    "ESP2013_WEIGHTS",
    "NHS_DIGITAL_RULE",
    "POLARITIES",
    "DsrResult",
    "FunnelLimits",
    "IsrResult",
    "Polarity",
    "SiiResult",
    "Suppressed",
    "SuppressionRule",
    "benchmark",
    "byars_ci",
    "dsr",
    "exact_poisson_ci",
    "funnel_grid",
    "funnel_limits",
    "funnel_significance",
    "isr",
    "poisson_ci",
    "proportion_ci",
    "rate_ci",
    "round_count",
    "sii",
    "suppress",
    "suppress_frame",
]
