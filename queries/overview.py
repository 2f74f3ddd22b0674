"""The Overview's headline figures for a place and year (dashboard tiles, ``peolc show``).

One function builds them for both the dashboard and the CLI, so an analyst scripting
``peolc show E54000050 --format csv`` gets exactly the numbers the tiles show: counts
from restricted sources after disclosure control with percentages from the rounded
counts, published statistics (Fingertips, QOF, ONS) exactly as published, and each
figure's source in its note.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from peolc.breakdowns import BreakdownKey
from peolc.levels import APPORTIONED_NOTE, POPULATION_BASES
from peolc.measures import DEATHS, MEASURE_BY_KEY, MeasureKey
from peolc.vocabulary import SettingKey
from queries import deaths as death_measures
from queries import places
from queries.runner import Db, memo, meta, run
from queries.stats import disclosure

POPULATION_BASIS = {base.kind: base.short for base in POPULATION_BASES}


# the settings with a tile of their own (elsewhere is in the Deaths by setting page)
TILE_SETTINGS = (SettingKey.HOME, SettingKey.CARE_HOME, SettingKey.HOSPITAL, SettingKey.HOSPICE)


@dataclass(frozen=True)
class Tile:
    """One headline figure: what it is, the number shown, its interval and its source."""

    key: str
    label: str
    display: str
    value: float | None
    lower: float | None
    upper: float | None
    numerator: int | None
    denominator: int | None
    note: str


@dataclass(frozen=True)
class Headline:
    """The headline tiles for one place and year."""

    place: places.Place
    year: int | None
    tiles: tuple[Tile, ...]
    synthetic: bool
    replaced: str | None = None  # a former area: what it became (places.replaced_note)

    def title(self) -> str:
        label = f"{self.place.name} ({self.place.code}, {self.place.level_label})"
        period = f", {self.year}" if self.year else ""
        return label + period + (" - SYNTHETIC DEMO DATA" if self.synthetic else "")

    def rows(self) -> list[tuple[str, str, str]]:
        return [(t.label, t.display, t.note) for t in self.tiles]

    def as_dict(self) -> dict[str, object]:
        return {
            "place": {"code": self.place.code, "level": self.place.level, "name": self.place.name},
            "year": self.year,
            "synthetic": self.synthetic,
            "replaced": self.replaced,
            "figures": [asdict(t) for t in self.tiles],
        }


def _fy(year: object) -> str:
    """A QOF financial year label from its starting year: 2022 -> '2022-23'."""
    start = int(year)  # type: ignore[call-overload]
    return f"{start}-{(start + 1) % 100:02d}"


def _int(value: object) -> int | None:
    return None if value is None else int(value)  # type: ignore[call-overload]


def _open_count_tile(key: str, label: str, count: int | None, note: str) -> Tile:
    """A count from an open published statistic (ONS populations, QOF registers and list
    sizes): shown exactly as published, never rounded or hidden."""
    return _tile(key, label, _as_shown(count, None), note)


def _tile(key: str, label: str, shown: disclosure.Shown, note: str) -> Tile:
    return Tile(key, label, shown.display, shown.value, None, None, shown.value, None, note)


def _measure_rows(place: places.Place, year: int, db: Db) -> dict[str, dict[str, object]]:
    """The place's indicators, not split, as every other page shows them, by key.

    Taken from ``queries.deaths.values`` so a tile hides exactly what the Deaths by
    setting table hides (a setting hidden there to protect another cannot show here), and
    shows a published figure exactly as its source published it.
    """
    frame = death_measures.values(place, year, BreakdownKey.ALL, db)
    return {str(row["measure"]): row for row in frame.iter_rows(named=True)}


def _deaths_tile(rows: dict[str, dict[str, object]], year: int) -> Tile:
    """Deaths in the year: the denominator of the first indicator over all deaths."""
    for key in (*TILE_SETTINGS, MeasureKey.ON_REGISTER):
        row = rows.get(key)
        if row is not None and MEASURE_BY_KEY[key].denominator == DEATHS:
            shown = _as_shown(row["denominator"], row["denominator_shown"])
            note = f"deaths registered in {year}; source: {row['source']}"
            return _tile("deaths", "Deaths in the year", shown, note)
    none = disclosure.Shown("n/a", None, False)
    return _tile("deaths", "Deaths in the year", none, "no deaths data loaded for this year")


def _as_shown(value: object, text: object) -> disclosure.Shown:
    if text == disclosure.RULE.symbol:
        return disclosure.Shown(disclosure.RULE.symbol, None, True)
    if value is None:
        return disclosure.Shown("n/a", None, False)
    number = int(value)  # type: ignore[call-overload]
    return disclosure.Shown(f"{number:,}", number, False)


def _share_tile(key: str, label: str, row: dict[str, object] | None, note: str) -> Tile:
    """A percentage as its source gives it: value and 95% limits from the same frame."""
    if row is None:
        return Tile(key, label, "n/a", None, None, None, None, None, note)
    num = _as_shown(row["numerator"], row["numerator_shown"])
    den = _as_shown(row["denominator"], row["denominator_shown"])
    value, lower, upper = (_float(row[c]) for c in ("value", "lower", "upper"))
    source = f"; source: {row['source']}"
    if value is None:
        display = "*" if num.suppressed else "n/a"
        return Tile(key, label, display, None, None, None, num.value, den.value, note + source)
    limits = f"; 95% CI {lower:.1f}-{upper:.1f}" if lower is not None and upper is not None else ""
    return Tile(
        key,
        label,
        f"{value:.1f}%",
        value,
        lower,
        upper,
        num.value,
        den.value,
        note + f" ({num.display} of {den.display}{limits}){source}",
    )


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


@memo
def headline(place: places.Place, year: int | None = None, db: Db = None) -> Headline:
    """Headline tiles for ``place`` in ``year`` (default: the latest year loaded)."""
    year = year or places.latest_year(db)
    synthetic = meta(db).get("data_origin") in ("demo", "mixed")
    if year is None:
        return Headline(place, None, (), synthetic, places.replaced_note(place, db))
    row = run("overview_headline", db, area_code=place.code, level=place.level, year=year)
    values = row.row(0, named=True) if not row.is_empty() else {}
    rows = _measure_rows(place, year, db)
    basis = POPULATION_BASIS.get(str(values.get("population_basis")), "")
    pop_year = values.get("population_year")
    population, population_note = _int(values.get("population")), f"{basis}, {pop_year}"
    if values.get("population_apportioned"):
        population_note += f"; {APPORTIONED_NOTE}"
    qof_year = values.get("qof_year")
    if population is None and values.get("list_size") is not None:
        population = _int(values.get("list_size"))
        population_note = f"registered patients (QOF list size, {_fy(qof_year)})"
    elif population is None:
        population_note = "no population data loaded"
    tiles = [
        _open_count_tile("population", "Population", population, population_note),
        _deaths_tile(rows, year),
    ]
    for setting in TILE_SETTINGS:
        tiles.append(
            _share_tile(
                f"share_{setting}",
                MEASURE_BY_KEY[setting].label,
                rows.get(setting),
                f"% of deaths in {year}",
            )
        )
    tiles.append(
        _open_count_tile(
            "register",
            "Palliative care register",
            _int(values.get("register")),
            f"QOF PC register, {_fy(qof_year)}, as NHS England publishes it"
            if qof_year
            else "no QOF data loaded",
        )
    )
    tiles.append(
        _share_tile(
            "share_on_register",
            "On the register before death",
            rows.get(MeasureKey.ON_REGISTER),
            f"% of deaths in {year}",
        )
    )
    return Headline(place, year, tuple(tiles), synthetic, places.replaced_note(place, db))
