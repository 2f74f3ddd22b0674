"""The warehouse's schema version and the domain's reference tables (``ref_*``).

The kernel says what the reference tables hold; ``etl/reference.py`` writes them into
every new warehouse, so SQL joins ``ref_level`` or ``ref_setting`` instead of repeating
level names and places of death as literals.
"""

from __future__ import annotations

from peolc.breakdowns import BREAKDOWNS
from peolc.levels import LEVELS
from peolc.measures import INDICATORS
from peolc.vocabulary import (
    AGE_BANDS_5Y,
    AGE_BANDS_BROAD,
    PALLIATIVE_NEED_RANGES,
    PLACES_OF_DEATH,
    five_year_bounds,
)

# 2: the derived schema (etl/derived.py); 3: the reference tables below; 4: the indicator
# catalogue in ref_measure and the store of published values (store.indicator_value);
# 5: every population basis of an area (derived.population_area_basis), sub-ICB residents,
# the LSOA 2011 -> 2021 best-fit lookup (geo_lsoa_fit)
SCHEMA_VERSION = "5"

Row = tuple[object, ...]


def reference_rows() -> dict[str, list[Row]]:
    """Table name -> rows, in the column order of ``etl/sql/schema.sql``."""
    age_bands: list[Row] = [
        ("five_year", i, band, *five_year_bounds(band)) for i, band in enumerate(AGE_BANDS_5Y, 1)
    ]
    age_bands += [
        ("broad", i, band, low, high) for i, (band, low, high) in enumerate(AGE_BANDS_BROAD, 1)
    ]
    return {
        "ref_level": [
            (i, lv.key, lv.label, lv.plural, lv.family, lv.parent, lv.peer_parent, lv.counts_by)
            for i, lv in enumerate(LEVELS, start=1)
        ],
        "ref_setting": [
            (i, key, label) for i, (key, label) in enumerate(PLACES_OF_DEATH.items(), start=1)
        ],
        "ref_breakdown": [
            (i, b.key, b.label, b.ordered, b.equity) for i, b in enumerate(BREAKDOWNS, start=1)
        ],
        "ref_breakdown_group": [
            (b.key, j, value, label)
            for b in BREAKDOWNS
            for j, (value, label) in enumerate(b.group_labels().items(), start=1)
        ],
        "ref_age_band": age_bands,
        "ref_measure": [
            (
                i,
                m.key,
                m.label,
                m.numerator,
                m.denominator,
                m.polarity,
                m.definition,
                m.statistic,
                m.unit,
                m.multiplier,
                m.ci_method,
                m.ambition,
                m.record_level,
                list(m.fingertips_ids),
                list(m.icb_extract_measures),
            )  # fmt: skip
            for i, m in enumerate(INDICATORS, start=1)
        ],
        "ref_cause_group": [
            (r.first, r.last, r.cause_group, r.condition) for r in PALLIATIVE_NEED_RANGES
        ],
    }
