"""Disclosure control when counts add up in more than one direction.

``queries.stats.suppress`` takes cells already hidden (``already_hidden``) and a
preference for which sibling to hide (``priority``); ``queries.stats.disclosure.protect``
iterates it over every sum of a table until all are safe and no hidden count of 1-7 is
pinned by the sums together. The checks here are written independently of the
implementation: each sum with a shown total hides no cell alone and no 1-7 total, and
linear algebra over all sums pins no small hidden cell.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from queries.stats import NHS_DIGITAL_RULE, death_cells, disclosure, suppress
from tests.disclosive import is_disclosive

PROPERTY = settings(max_examples=120, deadline=None)
SMALL = NHS_DIGITAL_RULE.smallest_shown


def test_already_hidden_cells_count_as_hidden_siblings() -> None:
    got = suppress([3, 40, 25, 60], groups=["a"] * 4, already_hidden=[False, False, False, True])
    assert got.hidden.tolist() == [True, False, False, True]
    assert got.secondary.tolist() == [False, False, False, True]
    alone = suppress([30, 40], groups=["a", "a"], already_hidden=[True, False])
    assert alone.hidden.tolist() == [True, True], "one hidden alone needs a second"
    with pytest.raises(ValueError, match="already_hidden"):
        suppress([1, 2], already_hidden=[True])


def test_priority_comes_before_size() -> None:
    plain = suppress([3, 20, 25, 60], groups=["a"] * 4)
    steered = suppress([3, 20, 25, 60], groups=["a"] * 4, priority=[0, 1, 0, 0])
    assert plain.hidden.tolist() == [True, True, False, False]
    assert steered.hidden.tolist() == [True, False, True, False]


def test_without_the_new_arguments_suppress_is_unchanged() -> None:
    counts = [0, 1, 7, 8, 12, 13, 1234, None, -4]
    groups = ["a", "a", "b", "b", "b", "c", "c", "c", "c"]
    assert (
        suppress(counts, groups=groups).hidden.tolist()
        == (
            suppress(counts, groups=groups, already_hidden=[False] * 9, priority=[0] * 9)
        ).hidden.tolist()
    )


def _settings_frame(counts: dict[str, int]) -> pl.DataFrame:
    """One area's counts as ``queries.deaths`` lays them out (numerator rows, deaths)."""
    keys = ["home", "care_home", "hospital", "hospice", "elsewhere"]
    numerators = {k: counts[k] for k in keys} | {
        "usual_residence": counts["home"] + counts["care_home"]
    }
    total = sum(counts[k] for k in keys)
    return pl.DataFrame(
        {
            "group_value": ["all"] * len(numerators),
            "measure": list(numerators),
            "numerator": list(numerators.values()),
            "denominator": [total] * len(numerators),
            death_cells.DENOMINATOR_OF: ["deaths"] * len(numerators),
        }
    )


def test_a_small_hospice_count_is_protected_without_breaking_diupr() -> None:
    frame = _settings_frame(
        {"home": 40, "care_home": 20, "hospital": 47, "hospice": 5, "elsewhere": 30}
    )
    got = disclosure.proportions(
        frame, "numerator", "denominator", "icb", cells=death_cells.measure_sums(["group_value"])
    )
    shown = dict(zip(got["measure"], got["numerator_shown"], strict=True))
    # 'elsewhere' (not 'care home', the smallest) keeps home + care home = DiUPR whole
    assert shown == {
        "home": "40",
        "care_home": "20",
        "hospital": "45",
        "hospice": "*",
        "elsewhere": "*",
        "usual_residence": "60",
    }
    assert got["denominator_shown"].unique().to_list() == ["140"]


def test_diupr_cannot_give_away_a_hidden_home_count() -> None:
    frame = _settings_frame(
        {"home": 5, "care_home": 60, "hospital": 80, "hospice": 3, "elsewhere": 9}
    )
    got = disclosure.proportions(
        frame, "numerator", "denominator", "icb", cells=death_cells.measure_sums(["group_value"])
    )
    shown = dict(zip(got["measure"], got["numerator"], strict=True))
    assert shown["home"] is None
    # home = DiUPR - care home unless one of them is hidden too
    assert shown["care_home"] is None or shown["usual_residence"] is None


def test_england_is_not_controlled() -> None:
    frame = _settings_frame(
        {"home": 5, "care_home": 60, "hospital": 80, "hospice": 3, "elsewhere": 9}
    )
    got = disclosure.proportions(
        frame,
        "numerator",
        "denominator",
        "england",
        cells=death_cells.measure_sums(["group_value"]),
    )
    assert got["numerator"].to_list() == frame["numerator"].to_list()


# --- two-way tables: groups x places of death, both margins -----------------------------


def _pinned(matrix: np.ndarray) -> np.ndarray:
    """Unknowns (columns) whose value every solution of ``matrix @ u = b`` agrees on."""
    if matrix.shape[0] == 0:
        return np.zeros(matrix.shape[1], dtype=bool)
    _, sizes, vt = np.linalg.svd(matrix)
    rank = int((sizes > 1e-9 * max(1.0, float(sizes.max(initial=0.0)))).sum())
    free = vt[rank:]
    if free.shape[0] == 0:
        return np.ones(matrix.shape[1], dtype=bool)
    return np.asarray(np.abs(free).max(axis=0) < 1e-9, dtype=bool)


def _check_two_way(table: np.ndarray, hidden: np.ndarray) -> list[str]:
    """Problems with a hidden pattern of a table whose row and column totals are shown
    (a total of 1-7 is itself hidden where it is published, so it pins nothing)."""
    problems = []
    rows, cols = table.shape
    lines = [[(r, c) for c in range(cols)] for r in range(rows)]
    lines += [[(r, c) for r in range(rows)] for c in range(cols)]
    lines = [line for line in lines if not 0 < sum(int(table[rc]) for rc in line) < SMALL]
    for line in lines:
        cells = [rc for rc in line if hidden[rc]]
        total = sum(int(table[rc]) for rc in cells)
        if len(cells) == 1 and table[cells[0]] > 0:
            problems.append(f"{cells[0]} alone in {line}")
        elif 0 < total < SMALL:
            problems.append(f"hidden {cells} add up to {total}")
    unknown = [rc for rc in np.ndindex(table.shape) if hidden[rc]]
    if unknown:
        index = {rc: i for i, rc in enumerate(unknown)}
        matrix = np.zeros((len(lines), len(unknown)))
        for i, line in enumerate(lines):
            for rc in line:
                if rc in index:
                    matrix[i, index[rc]] = 1
        for rc, pinned in zip(unknown, _pinned(matrix), strict=True):
            if pinned and 0 < table[rc] < SMALL:
                problems.append(f"{rc} = {table[rc]} is pinned")
    return problems


def _protect_two_way(table: np.ndarray) -> np.ndarray:
    rows, cols = table.shape
    cells = pl.DataFrame(
        {
            "row": [r for r in range(rows) for _ in range(cols)],
            "col": [c for _ in range(rows) for c in range(cols)],
            disclosure.COUNT: table.ravel().astype(float),
        }
    )
    sums = (
        disclosure.Adds(("row",), disclosure.everything()),
        disclosure.Adds(("col",), disclosure.everything()),
    )
    return disclosure.protect(cells, sums).reshape(rows, cols)


def test_a_cell_pinned_by_the_sums_together_is_freed(monkeypatch: pytest.MonkeyPatch) -> None:
    # every row and column hides two or more cells here, yet together the sums pin the 1
    # at (1, 2): the margin rule alone is not enough, the linear-algebra step is needed
    table = np.array([[30, 30, 2, 9], [15, 2, 1, 6], [100, 60, 60, 2], [4, 30, 9, 15]])
    hidden = _protect_two_way(table)
    assert not _check_two_way(table, hidden)
    assert hidden[(table > 0) & (table < SMALL)].all()
    monkeypatch.setattr(
        disclosure, "_unpin", lambda x, h, m, fresh=None: np.zeros(x.size, dtype=bool)
    )
    assert _check_two_way(table, _protect_two_way(table)) == ["(1, 2) = 1 is pinned"]


def _tables(most: int) -> st.SearchStrategy[np.ndarray]:
    """Two-way tables of 2 to ``most`` rows and columns, small counts common."""
    return st.integers(2, most).flatmap(
        lambda rows: st.integers(2, most).flatmap(
            lambda cols: st.lists(
                st.one_of(st.integers(0, 9), st.integers(0, 120)),
                min_size=rows * cols,
                max_size=rows * cols,
            ).map(lambda v: np.array(v).reshape(rows, cols))
        )
    )


@PROPERTY
@given(_tables(6))
def test_no_small_count_is_recoverable_from_the_margins(table: np.ndarray) -> None:
    hidden = _protect_two_way(table)
    assert hidden[(table > 0) & (table < SMALL)].all()
    assert not _check_two_way(table, hidden)


@PROPERTY
@given(st.lists(st.integers(0, 60), min_size=5, max_size=5))
def test_one_areas_settings_are_safe_in_every_direction(counts: list[int]) -> None:
    keys = ["home", "care_home", "hospital", "hospice", "elsewhere"]
    frame = _settings_frame(dict(zip(keys, counts, strict=True)))
    got = disclosure.proportions(
        frame, "numerator", "denominator", "pcn", cells=death_cells.measure_sums(["group_value"])
    )
    values = dict(zip(got["measure"], frame["numerator"], strict=True))
    hidden = {m for m, n in zip(got["measure"], got["numerator"], strict=True) if n is None}
    total_hidden = got["denominator"][0] is None
    assert not any(is_disclosive(v) for v in got["numerator_shown"].to_list())
    assert not any(is_disclosive(v) for v in got["denominator_shown"].to_list())
    sums = [
        (keys, "deaths"),
        (["home", "care_home"], "usual_residence"),
        (["usual_residence", "hospital", "hospice", "elsewhere"], "deaths"),
    ]
    for parts, total in sums:
        if (total == "deaths" and total_hidden) or total in hidden:
            continue
        gone = [p for p in parts if p in hidden]
        small = sum(values[p] for p in gone)
        assert not (len(gone) == 1 and values[gone[0]] > 0), (counts, parts, gone)
        assert not 0 < small < SMALL, (counts, parts, gone)


def _protect_blocks(tables: list[np.ndarray]) -> np.ndarray:
    """Two-way tables side by side in one frame (a block column keeps their sums apart)."""
    frames = []
    for block, table in enumerate(tables):
        rows, cols = table.shape
        frames.append(
            pl.DataFrame(
                {
                    "block": [block] * (rows * cols),
                    "row": [r for r in range(rows) for _ in range(cols)],
                    "col": [c for _ in range(rows) for c in range(cols)],
                    disclosure.COUNT: table.ravel().astype(float),
                }
            )
        )
    sums = (
        disclosure.Adds(("block", "row"), disclosure.everything()),
        disclosure.Adds(("block", "col"), disclosure.everything()),
    )
    return disclosure.protect(pl.concat(frames), sums)


@PROPERTY
@given(st.lists(_tables(5), min_size=2, max_size=5))
def test_later_rounds_over_linked_cells_hide_what_full_rounds_hide(
    tables: list[np.ndarray],
) -> None:
    # protect's later rounds revisit only the cells linked by sums to a cell hidden since:
    # with every cell taken as linked to every other, each round is over the whole table
    linked = _protect_blocks(tables)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(disclosure, "_linked", lambda _margins, size: np.zeros(size, np.intp))
        whole = _protect_blocks(tables)
    assert np.array_equal(linked, whole)
    alone = np.concatenate([_protect_blocks([table]) for table in tables])
    assert np.array_equal(linked, alone)
