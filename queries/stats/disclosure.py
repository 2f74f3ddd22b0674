"""The dashboard's disclosure policy, applied through ``queries.stats.suppress``.

Sub-national counts follow the NHS Digital rule (``queries.stats.NHS_DIGITAL_RULE``:
1-7 hidden, others rounded to the nearest 5, percentages and intervals computed from the
rounded figures, siblings hidden so a hidden cell cannot be recovered from a total).
National (England) figures are published in full, as ONS and Fingertips do. Every count
a page shows or a file exports comes through here.

A table's counts often add up in more than one direction: the places of death of one
group add up to the group's deaths, the same place of death across the groups adds up to
the place's total, home plus care home is the usual place of residence, the bands of
each cause add up to an 'All causes' row. ``Cells`` and ``Adds`` describe those sums and
``protect`` hides counts until every sum is safe and no hidden count of 1-7 follows from
the sums together (checked by linear algebra), so a reader cannot difference it out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl
from scipy import sparse
from scipy.sparse import csgraph

from peolc.levels import LevelKey
from queries.stats.intervals import proportion_ci
from queries.stats.suppression import NHS_DIGITAL_RULE, hidden_cells, suppress, suppress_frame

ITEM = "cell_item"  # column of the cells frame naming what a cell counts
ROLE = "cell_role"  # "numerator" or "denominator"
COUNT = "cell_count"

RULE = NHS_DIGITAL_RULE
RULE_TEXT = (
    "Counts from restricted sources (record-level deaths, ICB extracts) for areas below "
    "England: 1 to 7 are shown as '*', 8 and over are rounded to the nearest 5, and "
    "percentages and confidence intervals are computed from the rounded figures; where one "
    "hidden count could be worked out from a total, more are hidden. England figures, and "
    "open published statistics (QOF, ONS, Fingertips), are shown in full, as published."
)


@dataclass(frozen=True)
class Shown:
    """A single count as it may be shown: the text, the (rounded) number, hidden or not."""

    display: str
    value: int | None
    suppressed: bool


def applies(level: str) -> bool:
    """Whether counts for places of this level are sub-national (and so controlled)."""
    return level != LevelKey.ENGLAND


def count(value: int | None, level: str) -> Shown:
    """One count under the policy (tiles, single figures)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return Shown("n/a", None, False)
    if not applies(level):
        return Shown(f"{int(value):,}", int(value), False)
    result = suppress([value], rule=RULE)
    shown = result.values[0]
    if result.hidden[0]:
        return Shown(RULE.symbol, None, True)
    number = int(shown)
    return Shown(f"{number:,}", number, False)


def item(*names: str) -> pl.Expr:
    """The cells that count one of ``names`` (for ``Adds``)."""
    return pl.col(ITEM).is_in(list(names))


def everything() -> pl.Expr:
    """Every cell (for ``Adds``)."""
    return pl.lit(True)


@dataclass(frozen=True, eq=False)
class Adds:
    """A sum between cells: in each group of ``by``, the ``parts`` add up to the ``total``.

    ``parts`` and ``total`` are expressions over the cells frame (``ITEM``, ``ROLE`` and
    the frame's own columns; null counts as no). ``total=None`` means the total is
    published elsewhere (the place's own figure on another page), so it is taken as known.
    """

    by: tuple[str, ...]
    parts: pl.Expr
    total: pl.Expr | None = None


@dataclass(frozen=True, eq=False)
class Cells:
    """How a long frame's counts are the cells of one table, and which of them add up.

    A row's numerator is the cell (``keys``, ``item``); its denominator is the cell
    (``keys``, ``denominator_item``), one cell however many rows share it.
    """

    keys: tuple[str, ...]
    item: str
    denominator_item: str
    sums: tuple[Adds, ...]


def proportions(
    frame: pl.DataFrame,
    numerator: str,
    denominator: str,
    level: str,
    *,
    group_by: list[str] | None = None,
    cells: Cells | None = None,
    multiplier: float = 100,
    restricted: bool = True,
) -> pl.DataFrame:
    """Counts made safe and turned into percentages with Wilson 95% and 99.8% limits.

    Adds ``numerator_shown``/``denominator_shown`` (text), ``value``, ``lower``, ``upper``,
    ``lower_998``, ``upper_998``, and replaces the two count columns by their rounded
    values (null where hidden). ``group_by`` names rows that add up to a total (e.g. the
    places of death of one area) so secondary suppression can protect them; ``cells``
    instead declares every sum between numerators and denominators (see ``protect``).
    ``restricted=False`` marks open published counts (QOF registers): shown in full.
    """
    controlled = restricted and applies(level)
    if controlled and cells is not None:
        safe, num, den, num_text, den_text = _protected(frame, numerator, denominator, cells)
    elif controlled:
        safe = suppress_frame(frame, [numerator], group_by=group_by, total=denominator, rule=RULE)
        num = safe[numerator].cast(pl.Float64).to_numpy()
        den = safe[denominator].cast(pl.Float64).to_numpy()
        num_text = safe[f"{numerator}_display"]
        den_text = safe[f"{denominator}_display"]
        safe = safe.drop(f"{numerator}_display", f"{denominator}_display", f"{numerator}_pct")
    else:
        safe = frame
        num = frame[numerator].cast(pl.Float64).fill_null(float("nan")).to_numpy()
        den = frame[denominator].cast(pl.Float64).fill_null(float("nan")).to_numpy()
        num_text = pl.Series([_fmt(v) for v in num], dtype=pl.String)
        den_text = pl.Series([_fmt(v) for v in den], dtype=pl.String)
    num = np.where(np.isnan(num), np.nan, num)
    with np.errstate(all="ignore"):
        value = np.where(den > 0, num / den * multiplier, np.nan)
    lower, upper = proportion_ci(num, den, confidence=0.95, multiplier=multiplier)
    lower_998, upper_998 = proportion_ci(num, den, confidence=0.998, multiplier=multiplier)
    return safe.with_columns(
        pl.Series("numerator_shown", num_text, dtype=pl.String),
        pl.Series("denominator_shown", den_text, dtype=pl.String),
        pl.Series("value", value).fill_nan(None),
        pl.Series("lower", np.asarray(lower, np.float64)).fill_nan(None),
        pl.Series("upper", np.asarray(upper, np.float64)).fill_nan(None),
        pl.Series("lower_998", np.asarray(lower_998, np.float64)).fill_nan(None),
        pl.Series("upper_998", np.asarray(upper_998, np.float64)).fill_nan(None),
    )


def _fmt(value: float) -> str:
    return "" if np.isnan(value) else f"{int(value):,}"


# --------------------------------------------------------------------------------------
# Sums in more than one direction
# --------------------------------------------------------------------------------------

Mask = npt.NDArray[np.bool_]  # one per cell
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.intp]


def cells_frame(
    frame: pl.DataFrame, numerator: str, denominator: str, cells: Cells
) -> pl.DataFrame:
    """One row per cell: the frame's numerators, then its distinct denominators."""
    keys = list(cells.keys)
    numerators = frame.with_columns(
        pl.col(cells.item).cast(pl.String).alias(ITEM),
        pl.lit("numerator").alias(ROLE),
        pl.col(numerator).cast(pl.Float64).alias(COUNT),
    )
    denominators = frame.select(
        *keys,
        pl.col(cells.denominator_item).cast(pl.String).alias(ITEM),
        pl.lit("denominator").alias(ROLE),
        pl.col(denominator).cast(pl.Float64).alias(COUNT),
    ).unique([*keys, ITEM], keep="first", maintain_order=True)
    return pl.concat([numerators, denominators], how="diagonal_relaxed")


def _protected(
    frame: pl.DataFrame, numerator: str, denominator: str, cells: Cells
) -> tuple[pl.DataFrame, Floats, Floats, pl.Series, pl.Series]:
    """``proportions``' counts under ``protect``: the frame, rounded counts and their text."""
    table = cells_frame(frame, numerator, denominator, cells)
    hidden = protect(table, cells.sums)
    x = table[COUNT].fill_null(float("nan")).to_numpy()
    x = np.where(x < 0, np.nan, x)
    shown = suppress(x, rule=RULE)  # rounding and text; hiding is decided by protect
    values = np.where(hidden | np.isnan(x), np.nan, shown.values)
    text = np.where(hidden & ~np.isnan(x), RULE.symbol, shown.display)
    n = frame.height
    keys = [*cells.keys, ITEM]
    den_cells = table.slice(n).select(
        *keys, pl.Series("_value", values[n:]), pl.Series("_text", text[n:], dtype=pl.String)
    )
    den = frame.select(*cells.keys, pl.col(cells.denominator_item).cast(pl.String).alias(ITEM))
    den = den.join(den_cells, on=keys, how="left", nulls_equal=True, maintain_order="left")
    safe = frame.with_columns(
        pl.Series(numerator, values[:n]).fill_nan(None).cast(pl.Int64),
        den["_value"].fill_nan(None).cast(pl.Int64).alias(denominator),
    )
    num_text = pl.Series(text[:n], dtype=pl.String)
    return safe, values[:n], den["_value"].to_numpy(), num_text, den["_text"]


def _margins(table: pl.DataFrame, sums: Sequence[Adds]) -> list[tuple[Ints, Mask]]:
    """Per sum: each cell's group number (-1: not in the sum) and which cells are totals."""
    out: list[tuple[Ints, Mask]] = []
    numbered: dict[tuple[str, ...], Ints] = {}  # group numbers, once per distinct ``by``
    for adds in sums:
        total = pl.lit(False) if adds.total is None else adds.total
        flags = table.with_columns(  # with_columns: a literal covers every row
            adds.parts.fill_null(False).alias("part"), total.fill_null(False).alias("total")
        ).select("part", "total")
        member = (flags["part"] | flags["total"]).to_numpy()
        if adds.by not in numbered:
            group = table.select(pl.struct(list(adds.by)).rank("dense").cast(pl.Int64))
            numbered[adds.by] = group.to_series().to_numpy() - 1
        index = np.where(member, numbered[adds.by], -1)
        out.append((index, flags["total"].to_numpy() & member))
    return out


def protect(table: pl.DataFrame, sums: Sequence[Adds]) -> Mask:
    """Which cells of ``table`` (column ``COUNT``) to hide under the rule, given ``sums``.

    Small counts are hidden, then, sum by sum and round again until nothing changes,
    ``queries.stats.suppress`` hides more cells of any sum whose hidden cells could be
    worked out (one alone, or adding up to 1-7; a total inside the table is one of the
    sum's cells). Finally no hidden count of 1-7 may follow from all the sums together
    (a two-way table can pin a cell even when every row and column hides two): while
    one does, the smallest shown cell of a sum it is in is hidden too.
    """
    x = table[COUNT].cast(pl.Float64).fill_null(float("nan")).to_numpy().copy()
    x[x < 0] = np.nan
    hidden = hidden_cells(x, rule=RULE).copy()
    margins = _margins(table, sums)
    knots = _linked(margins, x.size)
    todo = np.arange(x.size)  # cells whose sums may still need a cell hidden
    solved: Mask | None = None  # the hidden cells when knots were last solved
    while True:
        # a round over the cells linked to a cell hidden in the last one: a sum of cells
        # that all kept their state was made safe then, and stays so
        part_x, part_hidden = x[todo], hidden[todo]
        part = [(index[todo], is_total[todo]) for index, is_total in margins]
        for m, (index, _) in enumerate(part):
            rows = _unsafe_rows(part_x, part_hidden, index)
            if rows.any():
                rank = _priority(part_x, part_hidden, part, skip=m)[rows]
                part_hidden[rows] |= hidden_cells(
                    part_x[rows],
                    groups=index[rows],
                    rule=RULE,
                    already_hidden=part_hidden[rows],
                    priority=rank,
                )
        changed = todo[part_hidden & ~hidden[todo]]
        hidden[todo] = part_hidden
        if changed.size:
            todo = _linked_to(knots, changed)
            continue
        # knots are solved where a cell was hidden since they were last solved
        fresh = None if solved is None else hidden & ~solved
        where = np.arange(x.size) if fresh is None else _linked_to(knots, np.flatnonzero(fresh))
        part = [(index[where], is_total[where]) for index, is_total in margins]
        extra = _unpin(x[where], hidden[where], part, None if fresh is None else fresh[where])
        if not extra.any():
            return hidden
        solved = hidden.copy()
        hidden[where[extra]] = True
        todo = _linked_to(knots, where[extra])


def _linked(margins: list[tuple[Ints, Mask]], size: int) -> Ints:
    """Each cell's component of cells linked by sums (two cells in one group of any sum
    are linked): protection in one component never changes another."""
    cells, nodes, offset = [], [], size
    for index, _ in margins:
        member = np.flatnonzero(index >= 0)
        cells.append(member)
        nodes.append(offset + index[member])
        offset += int(index.max(initial=-1)) + 1
    row = np.concatenate([np.zeros(0, np.intp), *cells])
    col = np.concatenate([np.zeros(0, np.intp), *nodes])
    graph = sparse.coo_matrix((np.ones(row.size), (row, col)), shape=(offset, offset))
    _, label = csgraph.connected_components(graph, directed=False)
    return np.asarray(label[:size], np.intp)


def _linked_to(knots: Ints, cells: Ints) -> Ints:
    """The cells (positions, in order) in the same components as ``cells``."""
    return np.flatnonzero(np.isin(knots, np.unique(knots[cells])))


def _priority(x: Floats, hidden: Mask, margins: list[tuple[Ints, Mask]], skip: int = -1) -> Floats:
    """Which shown cell to hide first when a sum needs one more hidden (lower first).

    A total (a denominator people read percentages against) comes last. Otherwise a cell
    scores one for each other sum it would leave with a single hidden cell, less one for
    each other unsafe sum it would help: hiding 'elsewhere' rather than 'care home' to
    protect a small 'hospice' keeps the usual place of residence sum whole.
    """
    score = np.zeros(x.size)
    for m, (index, is_total) in enumerate(margins):
        score += 100.0 * is_total
        if m == skip:
            continue
        member, count, unsafe = _state(x, hidden, index)
        groups = index[member]
        score[member] += (count[groups] == 0).astype(np.float64) - unsafe[groups]
    return score


def _state(x: Floats, hidden: Mask, index: Ints) -> tuple[Mask, Floats, Mask]:
    """Cells in a sum; per group of the sum, its hidden cells and whether it is unsafe
    (one hidden alone, or hidden cells adding up to 1-7)."""
    member = np.asarray((index >= 0) & np.isfinite(x), np.bool_)
    if not member.any():
        return member, np.zeros(0), np.zeros(0, np.bool_)
    groups, shut = index[member], hidden[member]
    count = np.bincount(groups, weights=shut.astype(np.float64)).astype(np.float64)
    total = np.bincount(groups, weights=np.where(shut, x[member], 0.0))
    unsafe = np.asarray((count == 1) | ((total > 0) & (total < RULE.smallest_shown)), np.bool_)
    return member, count, unsafe


def _unsafe_rows(x: Floats, hidden: Mask, index: Ints) -> Mask:
    """The cells of the sum's groups that are unsafe."""
    member, _, unsafe = _state(x, hidden, index)
    return np.asarray(member & np.isin(index, np.flatnonzero(unsafe)), np.bool_)


def _equations(
    x: Floats, hidden: Mask, margins: list[tuple[Ints, Mask]]
) -> tuple[Ints, Ints, Floats]:
    """Every sum with a hidden cell, as entries (equation, cell, sign: parts +1, total -1)."""
    finite = np.isfinite(x)
    eqs, cells, signs = [], [], []
    offset = 0
    for index, is_total in margins:
        member = (index >= 0) & finite
        touched = np.unique(index[member & hidden])
        if touched.size == 0:
            continue
        chosen = np.flatnonzero(member & np.isin(index, touched))
        eqs.append(offset + np.searchsorted(touched, index[chosen]))
        cells.append(chosen)
        signs.append(np.where(is_total[chosen], -1.0, 1.0))
        offset += touched.size
    if not eqs:
        empty = np.zeros(0, dtype=np.intp)
        return empty, empty, np.zeros(0)
    return np.concatenate(eqs), np.concatenate(cells), np.concatenate(signs)


def _unpin(
    x: Floats, hidden: Mask, margins: list[tuple[Ints, Mask]], fresh: Mask | None = None
) -> Mask:
    """One more cell to hide in each knot of sums that pins a hidden count of 1-7.

    The hidden cells of each knot (sums linked by shared hidden cells) are the unknowns
    of a linear system; a cell is pinned when every solution agrees on it, i.e. it has no
    part in the system's null space. Knots are solved in batches of one padded size.
    Only knots that could pin a count of 1-7 are solved: those holding one, and (given
    ``fresh``, the cells hidden since the last call) only those holding a fresh cell, since
    a knot without one is a knot already solved and found safe.
    """
    extra = np.zeros(x.size, dtype=np.bool_)
    eq, cell, sign = _equations(x, hidden, margins)
    unknown = hidden[cell]
    if not unknown.any():
        return extra
    ueq, ucell, usign = eq[unknown], cell[unknown], sign[unknown]
    columns, col = np.unique(ucell, return_inverse=True)
    n_eq, n_col = int(eq.max()) + 1, columns.size
    graph = sparse.coo_matrix(
        (np.ones(ueq.size), (ueq, n_eq + col)), shape=(n_eq + n_col, n_eq + n_col)
    )
    _, label = csgraph.connected_components(graph, directed=False)
    col_knot = label[n_eq + np.arange(n_col)]
    knots, col_knot = np.unique(col_knot, return_inverse=True)
    eq_knot = np.full(n_eq, -1)
    eq_knot[ueq] = col_knot[col]
    local_col = _rank_within(col_knot)
    used = np.flatnonzero(eq_knot >= 0)
    local_eq = np.full(n_eq, -1)
    local_eq[used] = _rank_within(eq_knot[used])
    widths = np.bincount(col_knot)
    heights = np.bincount(eq_knot[used], minlength=knots.size)
    pinned = np.zeros(n_col, dtype=np.bool_)
    values = x[columns]
    worth = (values > 0) & (values < RULE.smallest_shown)
    needed = np.bincount(col_knot, weights=worth, minlength=knots.size) > 0
    if fresh is not None:
        needed &= np.bincount(col_knot, weights=fresh[columns], minlength=knots.size) > 0
    size = np.maximum(widths, heights)
    bucket = np.ceil(np.log(np.maximum(size, 1)) / np.log(1.25)).astype(int)  # padding <= 25%
    bucket[~needed] = -1
    for b in np.unique(bucket[needed]):
        members = np.flatnonzero(bucket == b)
        slot = np.full(knots.size, -1)
        slot[members] = np.arange(members.size)
        rows, cols = int(heights[members].max()), int(widths[members].max())
        block = np.zeros((members.size, rows, cols))
        entry = slot[col_knot[col]] >= 0
        np.add.at(
            block,
            (slot[col_knot[col]][entry], local_eq[ueq][entry], local_col[col][entry]),
            usign[entry],
        )
        _, s, vt = np.linalg.svd(block, full_matrices=True)
        tol = 1e-9 * np.maximum(1.0, s.max(axis=1, initial=0.0))
        rank = (s > tol[:, None]).sum(axis=1)
        in_null = np.arange(cols)[None, :] >= rank[:, None]
        weight = (np.abs(vt) * in_null[:, :, None]).max(axis=1)
        knot_cols = np.flatnonzero(slot[col_knot] >= 0)
        pinned[knot_cols] = weight[slot[col_knot[knot_cols]], local_col[knot_cols]] < 1e-9
    small = pinned & worth
    if not small.any():
        return extra
    # per knot that pins a small count: of the shown cells in a sum with one of its pinned
    # cells, the one with the lowest priority, then positive first, smallest, earliest
    target = np.zeros(x.size, dtype=np.bool_)
    target[columns[small]] = True
    touching = np.zeros(n_eq, dtype=np.bool_)
    touching[eq[target[cell]]] = True
    entry = touching[eq] & ~hidden[cell]
    knot, candidate = eq_knot[eq[entry]], cell[entry]
    if candidate.size:
        rank = _priority(x, hidden, margins)[candidate]
        order = np.lexsort((candidate, x[candidate], x[candidate] == 0, rank, knot))
        _, first = np.unique(knot[order], return_index=True)
        extra[candidate[order][first]] = True
    return extra


def _rank_within(groups: Ints) -> Ints:
    """Each element's position among the elements of its group (0, 1, ...)."""
    order = np.argsort(groups, kind="stable")
    sorted_groups = groups[order]
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
    position = np.arange(groups.size) - np.repeat(starts, np.diff(np.r_[starts, groups.size]))
    out = np.empty_like(position)
    out[order] = position
    return out
