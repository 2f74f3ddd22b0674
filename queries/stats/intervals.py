"""Confidence intervals for proportions (Wilson) and for counts and rates (Byar / exact Poisson).

These are the methods of PHEindicatormethods (`phe_proportion`, `phe_rate`, and its
internal `wilson_*` and `byars_*`), reimplemented from the published formulas so that our
figures match Fingertips to full double precision. All functions are vectorised, return
float64 arrays shaped like the broadcast inputs (0-d for scalars), and give NaN, never an
exception, for a bad cell: missing, negative, a count above its denominator, a
denominator of zero.
"""

from __future__ import annotations

import numpy as np
from scipy import stats as st

from queries.stats._inputs import (
    FloatArray,
    Numbers,
    as_float,
    lower_tail,
    upper_tail,
    z_value,
)

#: Counts below this use exact Poisson limits in rates, ISRs and funnel significance.
EXACT_BELOW = 10


def proportion_ci(
    count: Numbers,
    denominator: Numbers,
    confidence: float = 0.95,
    multiplier: float | FloatArray = 1,
) -> tuple[FloatArray, FloatArray]:
    """Wilson score interval for count/denominator, times `multiplier` (100 for a percentage).

    lower, upper = (2x + z² ∓ z·√(z² + 4x(1 − x/n))) / 2 / (n + z²)

    Source: Wilson (1927); Newcombe & Altman in *Statistics with Confidence* (2000);
    PHEindicatormethods `phe_proportion` and Fingertips technical guidance. Units: those of
    the proportion times `multiplier`. count = 0 gives a lower limit of exactly 0 and
    count = denominator an upper limit of exactly 1 (times the multiplier), where the
    formula would leave rounding dust of 1e-16; limits are clipped to [0, 1]. NaN when
    either input is missing, the count is negative or above the denominator, or the
    denominator is not positive.
    """
    x = as_float(count)
    n = as_float(denominator)
    x, n = np.broadcast_arrays(x, n)
    z = z_value(confidence)
    valid = (x >= 0) & (n > 0) & (x <= n)
    with np.errstate(all="ignore"):
        root = z * np.sqrt(z**2 + 4 * x * (1 - (x / n)))
        lower = (2 * x + z**2 - root) / 2 / (n + z**2)
        upper = (2 * x + z**2 + root) / 2 / (n + z**2)
    lower = np.where(x == 0, 0.0, np.clip(lower, 0.0, 1.0))
    upper = np.where(x == n, 1.0, np.clip(upper, 0.0, 1.0))
    lower = np.where(valid, lower, np.nan) * multiplier
    upper = np.where(valid, upper, np.nan) * multiplier
    return np.asarray(lower, np.float64), np.asarray(upper, np.float64)


def byars_ci(count: Numbers, confidence: float = 0.95) -> tuple[FloatArray, FloatArray]:
    """Byar's approximation to the Poisson limits of an observed count.

    lower = x(1 − 1/(9x) − z/(3√x))³;  upper = (x+1)(1 − 1/(9(x+1)) + z/(3√(x+1)))³

    Source: Breslow & Day (1987) vol. II; PHEindicatormethods `byars_lower`/`byars_upper`.
    Units: counts. The lower limit is NaN where the approximation goes negative (very
    small counts or very high confidence), as in the package; count 0 has no Byar lower
    limit. Use `poisson_ci` for the package's exact-below-10 rule.
    """
    x = as_float(count)
    z = z_value(confidence)
    valid = x >= 0
    with np.errstate(all="ignore"):
        lower = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
        upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * np.sqrt(x + 1))) ** 3
    lower = np.where(valid & (lower >= 0), lower, np.nan)
    upper = np.where(valid, upper, np.nan)
    return np.asarray(lower, np.float64), np.asarray(upper, np.float64)


def exact_poisson_ci(count: Numbers, confidence: float = 0.95) -> tuple[FloatArray, FloatArray]:
    """Exact (Garwood) Poisson limits of an observed count, from the chi-squared distribution.

    lower = χ²((1 − c)/2; 2x) / 2 (0 when x = 0);  upper = χ²(c + (1 − c)/2; 2x + 2) / 2

    Source: Armitage & Berry (2002); PHEindicatormethods `phe_rate` for counts < 10. Units:
    counts. Non-integer counts are allowed (the chi-squared form is continuous in x).
    """
    x = as_float(count)
    valid = x >= 0
    safe = np.where(valid, x, 1.0)
    with np.errstate(all="ignore"):
        lower = np.where(safe > 0, st.chi2.ppf(lower_tail(confidence), 2 * safe) / 2, 0.0)
        upper = st.chi2.ppf(upper_tail(confidence), 2 * safe + 2) / 2
    lower = np.where(valid, lower, np.nan)
    upper = np.where(valid, upper, np.nan)
    return np.asarray(lower, np.float64), np.asarray(upper, np.float64)


def poisson_ci(count: Numbers, confidence: float = 0.95) -> tuple[FloatArray, FloatArray]:
    """Limits of an observed count: exact below 10, Byar's from 10 up (PHEindicatormethods' rule).

    Units: counts. This is the rule behind `phe_rate`, `calculate_ISRatio` and
    `calculate_ISRate`; divide by a denominator or by expected events to get their limits.
    """
    x = as_float(count)
    exact_lower, exact_upper = exact_poisson_ci(x, confidence)
    byar_lower, byar_upper = byars_ci(x, confidence)
    small = x < EXACT_BELOW
    lower = np.where(small, exact_lower, byar_lower)
    upper = np.where(small, exact_upper, byar_upper)
    return np.asarray(lower, np.float64), np.asarray(upper, np.float64)


def rate_ci(
    count: Numbers,
    denominator: Numbers,
    confidence: float = 0.95,
    multiplier: float | FloatArray = 100_000,
) -> tuple[FloatArray, FloatArray]:
    """Limits of a crude rate count/denominator × multiplier (per 100,000 by default).

    Exact Poisson limits (chi-squared) for counts below 10 and Byar's method from 10 up,
    each divided by the denominator: PHEindicatormethods `phe_rate`, which is what
    Fingertips publishes. Units: events per `multiplier` of the denominator (for example
    deaths per 100,000 population). Count 0 gives a lower limit of 0 and a positive upper
    limit. NaN where the count is missing or negative or the denominator is not positive.
    """
    x = as_float(count)
    n = as_float(denominator)
    x, n = np.broadcast_arrays(x, n)
    lower_count, upper_count = poisson_ci(x, confidence)
    valid = n > 0
    with np.errstate(all="ignore"):
        lower = np.where(valid, lower_count / n * multiplier, np.nan)
        upper = np.where(valid, upper_count / n * multiplier, np.nan)
    return np.asarray(lower, np.float64), np.asarray(upper, np.float64)
