"""The counts one place publishes, and the sums that tie them together.

Secondary suppression is only as good as its view of the totals. This module collects
every count the pages and downloads publish for one place (from the same query functions
the pages call, once made safe and once raw), names each count by what it counts (so
the same count on two pages is one cell), writes down every sum that holds between them
(settings add up to deaths, groups of a split add up to the place, bands add up to the
'All causes' row...) and finds hidden counts a reader could work out:

- a sum whose total is shown and exactly one of whose parts is hidden;
- a sum whose total is shown and whose hidden parts add up to 1-7;
- a hidden count of 1-7 pinned by the sums together (linear algebra over every sum).

Sums are written from what the data mean, not from the code that suppresses, and each is
checked on the raw counts before use, so a wrong sum fails instead of passing quietly.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import numpy as np
import polars as pl

from peolc.config import ENV_VAR
from peolc.measures import MEASURE_BY_KEY, MEASURES, SETTING_KEYS, SourceKind
from peolc.vocabulary import AGE_BANDS_5Y, AGE_BANDS_BROAD
from queries import deaths, demographics, equity, overview, registers
from queries.places import Place
from queries.stats import NHS_DIGITAL_RULE, disclosure

CellId = tuple[object, ...]
SMALLEST = NHS_DIGITAL_RULE.smallest_shown
SPLITS = tuple(equity.RECORD_LEVEL_DIMENSIONS)
DENOMINATORS = ("deaths", "with_need")
BROAD_OF = {
    band: broad
    for band in AGE_BANDS_5Y
    for broad, low, high in AGE_BANDS_BROAD
    if low <= int(band.rstrip("+").split("-")[0]) <= high
}


@dataclass
class Cell:
    """One count: its true value, what is published (None where hidden) and where."""

    raw: int
    shown: int | None
    shown_in: set[str] = field(default_factory=set)
    hidden_in: set[str] = field(default_factory=set)

    @property
    def hidden(self) -> bool:
        return self.shown is None


@dataclass(frozen=True)
class Sum:
    """``members`` add up to ``total`` (all of them cells)."""

    members: tuple[CellId, ...]
    total: CellId
    what: str


@dataclass
class Published:
    """Every count published for a place, the sums between them, and what leaks."""

    cells: dict[CellId, Cell] = field(default_factory=dict)
    sums: list[Sum] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    def add(self, cell: CellId, raw: object, shown: object, where: str) -> None:
        if raw is None:
            return
        value = int(raw)  # type: ignore[call-overload]
        published = None if shown is None else int(shown)  # type: ignore[call-overload]
        known = self.cells.setdefault(cell, Cell(value, published))
        assert known.raw == value, (cell, known.raw, value, where)
        if known.shown is not None and published is not None and known.shown != published:
            self.conflicts.append(f"{cell} shown as {known.shown} and as {published} ({where})")
        if known.shown is None:
            known.shown = published
        (known.hidden_in if published is None else known.shown_in).add(where)

    def add_sum(
        self, members: Sequence[CellId], total: CellId, what: str, *, if_exact: bool = False
    ) -> None:
        """Record a sum between published cells; it must hold on the raw counts.

        ``if_exact``: the sum holds for some places only (areas counted on different
        bases), so it is recorded where the raw counts add up and skipped elsewhere.
        """
        present = [m for m in members if m in self.cells]
        if total not in self.cells or not present:
            return
        raw = sum(self.cells[m].raw for m in present)
        if if_exact and raw != self.cells[total].raw:
            return
        assert raw == self.cells[total].raw, (what, total, raw, self.cells[total].raw)
        self.sums.append(Sum(tuple(present), total, what))

    def describe(self, cell: CellId) -> str:
        known = self.cells[cell]
        shown = f", shown in {sorted(known.shown_in)}" if known.shown_in else ""
        return f"{cell} (raw {known.raw}, hidden in {sorted(known.hidden_in)}{shown})"

    def hidden(self) -> list[CellId]:
        return [k for k, c in self.cells.items() if c.hidden]

    def problems(self) -> list[str]:
        """Every way a hidden count can be worked out from what is published."""
        found = list(self.conflicts)
        for s in self.sums:
            if self.cells[s.total].hidden:
                continue
            hidden = [m for m in s.members if self.cells[m].hidden]
            total = sum(self.cells[m].raw for m in hidden)
            if len(hidden) == 1 and 0 < total < SMALLEST:
                found.append(f"{s.what}: only {self.describe(hidden[0])} is hidden")
            elif 0 < total < SMALLEST:
                found.append(f"{s.what}: hidden {hidden} add up to {total}")
        found.extend(
            f"pinned by the sums: {self.describe(cell)}"
            for cell in self.pinned()
            if 0 < self.cells[cell].raw < SMALLEST
        )
        return found

    def pinned(self) -> list[CellId]:
        """Hidden cells whose value follows from the shown cells and the sums."""
        unknown = {cell: i for i, cell in enumerate(self.hidden())}
        rows: list[dict[int, float]] = []
        for s in self.sums:
            row: dict[int, float] = {}
            for cell, sign in [(m, 1.0) for m in s.members] + [(s.total, -1.0)]:
                if cell in unknown:
                    row[unknown[cell]] = row.get(unknown[cell], 0.0) + sign
            if row:
                rows.append(row)
        pinned: list[CellId] = []
        names = list(unknown)
        for component in _components(rows, len(unknown)):
            columns = sorted(component)
            where = {c: j for j, c in enumerate(columns)}
            block = [r for r in rows if next(iter(r)) in where]
            matrix = np.zeros((len(block), len(columns)))
            for i, r in enumerate(block):
                for c, v in r.items():
                    matrix[i, where[c]] = v
            _, sizes, vt = np.linalg.svd(matrix)
            rank = int((sizes > 1e-9 * max(1.0, sizes.max(initial=0.0))).sum())
            free = vt[rank:]
            for j, c in enumerate(columns):
                if free.shape[0] == 0 or np.abs(free[:, j]).max() < 1e-9:
                    pinned.append(names[c])
        return pinned


def _components(rows: list[dict[int, float]], n: int) -> list[set[int]]:
    """Unknowns linked by the sums (only unknowns that appear in a sum)."""
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in rows:
        first, *rest = r
        for other in rest:
            parent[find(other)] = find(first)
    groups: dict[int, set[int]] = {}
    for r in rows:
        for c in r:
            groups.setdefault(find(c), set()).add(c)
    return list(groups.values())


@contextmanager
def raw_counts(raw_db: Path) -> Iterator[None]:
    """The query layer with disclosure control switched off (the true counts): reading
    ``raw_db``, a warehouse whose store was built so (tests/conftest.py), and counting
    what it counts when asked without protecting it."""
    with (
        mock.patch.object(disclosure, "applies", lambda level: False),
        mock.patch.dict(os.environ, {ENV_VAR: str(raw_db)}),
    ):
        yield


Frames = dict[str, pl.DataFrame]


def _frames(place: Place, year: int) -> Frames:
    """Every frame with counts that the pages draw or offer for ``place`` (same calls)."""
    out: Frames = {f"values:{d}": deaths.values(place, year, d) for d in ("all", *SPLITS)}
    out["trend"] = deaths.trend(place)
    peers = deaths.peers(place, year)
    if not peers.is_empty():
        out["peers"] = peers.filter(pl.col("area_code") == place.code)
    level = deaths.level_values(place.level, year)
    out["map"] = level.filter(pl.col("area_code") == place.code)
    for banding in demographics.BANDINGS:
        out[f"age:{banding}"] = demographics.deaths_by_age(place, banding)
    out["timing:bands"], out["timing:summary"] = registers.timing(place, year)
    out["identified_by_cause"] = registers.identification_by_cause(place, year, "england")
    tiles = overview.headline(place, year).tiles
    out["headline"] = pl.DataFrame(
        {"key": [t.key for t in tiles], "numerator": [t.numerator for t in tiles]},
        schema={"key": pl.String, "numerator": pl.Int64},
    )
    if registers.has_registers(place):
        parent = registers.table_parent(place)
        out["register:parent"] = registers.summary(parent, year, "england")
        for child in registers.CHILD_LEVELS[place.level]:
            out[f"register:{child}"] = registers.by_area(place, child, year, "england")
    return out


def _measure_cells(
    book: Published, safe: pl.DataFrame, raw: pl.DataFrame, where: str, key: Callable[..., CellId]
) -> None:
    """Numerator and denominator cells of a ``queries.deaths`` frame (record-level rows:
    the aggregate sources' counts are other cells, protected on their own)."""
    for s, r in zip(safe.iter_rows(named=True), raw.iter_rows(named=True), strict=True):
        assert s["measure"] == r["measure"], where
        if s.get("source_kind", SourceKind.DEATHS) != SourceKind.DEATHS:
            continue
        book.add(key(s, s["measure"]), r["numerator"], s["numerator"], where)
        den = MEASURE_BY_KEY[s["measure"]].denominator
        book.add(key(s, den), r["denominator"], s["denominator"], where)


def published(place: Place, year: int, raw_db: Path) -> Published:
    """Every count published for ``place`` in ``year`` and the sums between them."""
    safe = _frames(place, year)
    with raw_counts(raw_db):
        raw = _frames(place, year)
    book = Published()

    def at(dim: str) -> Callable[..., CellId]:
        return lambda row, item: ("deaths", year, dim, row["group_value"], item)

    for dim in ("all", *SPLITS):
        name = f"values:{dim}"
        _measure_cells(book, safe[name], raw[name], name, at(dim))
    for name in ("peers", "map"):
        if name in safe:
            _measure_cells(
                book,
                safe[name],
                raw[name],
                name,
                lambda row, item: at("all")({"group_value": "all"}, item),
            )
    _measure_cells(
        book,
        safe["trend"],
        raw["trend"],
        "trend",
        lambda row, item: ("deaths", row["year"], "all", "all", item),
    )
    ident = ("need_identified", "with_need")
    for s, r in zip(
        safe["identified_by_cause"].iter_rows(named=True),
        raw["identified_by_cause"].iter_rows(named=True),
        strict=True,
    ):
        for item, column in zip(ident, ("numerator", "denominator"), strict=True):
            cell = ("deaths", year, "cause_group", s["cause_group"], item)
            book.add(cell, r[column], s[column], "identified_by_cause")
    for s, r in zip(
        safe["headline"].iter_rows(named=True), raw["headline"].iter_rows(named=True), strict=True
    ):
        counted = {"deaths": "deaths", "share_on_register": "on_register", "register": None}.get(
            s["key"], str(s["key"]).removeprefix("share_")
        )
        if counted is not None:
            cell = ("deaths", year, "all", "all", counted)
            book.add(cell, r["numerator"], s["numerator"], "tiles")
    for banding in demographics.BANDINGS:
        name = f"age:{banding}"
        for s, r in zip(
            safe[name].iter_rows(named=True), raw[name].iter_rows(named=True), strict=True
        ):
            book.add(("age", s["year"], s["age_band"]), r["deaths"], s["deaths"], name)
            total = ("deaths", s["year"], "all", "all", "deaths")
            book.add(total, r["total"], s["total"], name)
    for s, r in zip(
        safe["timing:bands"].iter_rows(named=True),
        raw["timing:bands"].iter_rows(named=True),
        strict=True,
    ):
        book.add(("timing", s["cause_group"], s["band"]), r["people"], s["people"], "timing")
        book.add(("timing", s["cause_group"], "dated"), r["dated"], s["dated"], "timing")
    for s, r in zip(
        safe["timing:summary"].iter_rows(named=True),
        raw["timing:summary"].iter_rows(named=True),
        strict=True,
    ):
        book.add(("timing", s["cause_group"], "dated"), r["dated"], s["dated"], "timing summary")
    counts = ("register", "deaths", "with_need", "need_identified")
    for name in [n for n in safe if n.startswith("register:")]:
        for s, r in zip(
            safe[name].iter_rows(named=True), raw[name].iter_rows(named=True), strict=True
        ):
            for column in counts:
                book.add(("qof", s["area_code"], column), r[column], s[column], name)
    _sums(book, place, year, safe)
    return book


def _sums(book: Published, place: Place, year: int, safe: Frames) -> None:
    years = sorted({int(y) for y in safe["trend"]["year"].to_list()} | {year})
    for y in years:
        for dim in ("all", *SPLITS):
            groups = set(safe[f"values:{dim}"]["group_value"].to_list()) if y == year else {"all"}
            if dim != "all" and y != year:
                continue
            for g in sorted(groups):
                cell = [("deaths", y, dim, g, item) for item in (*SETTING_KEYS, "deaths")]
                book.add_sum(cell[:-1], cell[-1], f"settings {dim}={g}")
                home, care, _, _, _ = cell[:5]
                diupr = ("deaths", y, dim, g, "usual_residence")
                book.add_sum([home, care], diupr, f"DiUPR {dim}={g}")
    for dim in SPLITS:
        groups = set(safe[f"values:{dim}"]["group_value"].to_list())
        for item in [m.key for m in MEASURES] + list(DENOMINATORS):
            members = [("deaths", year, dim, g, item) for g in sorted(groups)]
            book.add_sum(members, ("deaths", year, "all", "all", item), f"{dim} groups of {item}")
    for y in years:
        total = ("deaths", y, "all", "all", "deaths")
        broad = [b for b, _, _ in AGE_BANDS_BROAD]
        book.add_sum([("age", y, b) for b in broad], total, f"broad age bands {y}")
        book.add_sum([("age", y, b) for b in AGE_BANDS_5Y], total, f"five-year bands {y}")
        for b in broad:
            inner = [("age", y, f) for f in AGE_BANDS_5Y if BROAD_OF[f] == b]
            book.add_sum(inner, ("age", y, b), f"five-year bands within {b} {y}")
    causes = sorted({s for s in safe["timing:bands"]["cause_group"].to_list()} - {"all"})
    bands = list(registers.TIMING_BANDS)
    for c in [*causes, "all"]:
        book.add_sum([("timing", c, b) for b in bands], ("timing", c, "dated"), f"timing {c}")
    for item in [*bands, "dated"]:
        book.add_sum(
            [("timing", c, item) for c in causes], ("timing", "all", item), f"timing {item}"
        )
    if "register:parent" in safe:
        parent = str(safe["register:parent"]["area_code"][0])
        practices = safe.get("register:practice")
        if practices is not None:
            for column in ("register", "deaths", "with_need", "need_identified"):
                parts: list[CellId] = [("qof", c, column) for c in practices["area_code"]]
                whole: CellId = ("qof", parent, column)
                book.add_sum(parts, whole, f"practices' {column}", if_exact=column != "register")
