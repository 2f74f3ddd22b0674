"""The scanner's test of one shown count: does it break the disclosure rule?

Only tests scan rendered tables and downloads, so the check lives here, beside them, and
not in the statistics the dashboard runs (``queries.stats.suppression`` applies the rule;
this only recognises a count that escaped it).
"""

from __future__ import annotations

import numpy as np

from queries.stats import NHS_DIGITAL_RULE, SuppressionRule


def is_disclosive(value: object, rule: SuppressionRule = NHS_DIGITAL_RULE) -> bool:
    """True if a shown count breaks `rule`: 1 to smallest_shown − 1, or not rounded.

    For scanning rendered tables and downloads in tests. Accepts numbers or text
    ("1,235", "*"); the suppression symbol, blanks and non-numbers are not disclosive.
    Zero is disclosive only when the rule hides zeros. Meant for count columns, not
    percentages or rates.
    """
    if value is None or isinstance(value, bool):
        return False
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if text in ("", rule.symbol, rule.missing):
            return False
        try:
            number = float(text)
        except ValueError:
            return False
    else:
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return False
    if not np.isfinite(number):
        return False
    if number == 0:
        return not rule.show_zero
    if 0 < abs(number) < rule.smallest_shown:
        return True
    return rule.round_to > 1 and number % rule.round_to != 0
