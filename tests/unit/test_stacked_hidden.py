"""A bar with hidden segments still reads as 100%: the rest is one hatched segment."""

from __future__ import annotations

import polars as pl
import pytest

from ui.charts import HIDDEN_LABEL, stacked_shares


def test_hidden_segments_are_drawn_as_one_hatched_rest() -> None:
    frame = pl.DataFrame(
        {
            "cause": ["Cancer"] * 5 + ["Frailty"] * 5,
            "measure": ["home", "care_home", "hospital", "hospice", "elsewhere"] * 2,
            "value": [30.0, 10.0, 40.0, 15.0, 5.0, 20.0, None, 50.0, None, 5.0],
        }
    )
    fig = stacked_shares(frame, category="cause", title="t")
    hidden = [t for t in fig.data if t.name == HIDDEN_LABEL]
    assert len(hidden) == 1
    assert list(hidden[0].y) == ["Frailty"]  # the complete bar gets none
    assert list(hidden[0].x) == [pytest.approx(25.0)]
    assert hidden[0].marker.pattern.shape == "/"


def test_a_complete_table_draws_no_hidden_segment() -> None:
    frame = pl.DataFrame(
        {
            "cause": ["Cancer"] * 5,
            "measure": ["home", "care_home", "hospital", "hospice", "elsewhere"],
            "value": [30.0, 10.0, 40.0, 15.0, 5.0],
        }
    )
    assert all(
        t.name != HIDDEN_LABEL for t in stacked_shares(frame, category="cause", title="t").data
    )
