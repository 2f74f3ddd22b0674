"""ONS boundary GeoJSON: one level per file, kept for England, simplified for display.

Not tabular, so the loader stages features itself (``load_custom``): it finds the level
from the code property (ICB23CD, LAD24CD, ...), repairs invalid rings, reprojects to
WGS84, simplifies, and reports bad features by their position in the file (the "line"
of a problem is the feature number, counting from 1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import duckdb
import polars as pl

from etl import SQL_DIR
from etl.layout import Layout
from etl.loaders.base import Loader, count_loaded
from etl.sources import SourceFile
from etl.staging import Staged, raise_for_problems
from peolc.errors import LoadError, Problem
from peolc.levels import LevelKey
from peolc.sqlfiles import run_sql

# Tolerances in degrees (~70 m of latitude) and a ~1 m grid: about 2 MB for all levels
SIMPLIFY_DEGREES = 0.001
GRID_DEGREES = 0.00001


@dataclass(frozen=True)
class BoundaryLevel:
    """How a level's code property is spelt and what its codes look like."""

    level: str
    prefix: str  # ONS property prefix, e.g. ICB for ICB23CD / ICB23NM
    code_pattern: str
    example: str


LEVELS: tuple[BoundaryLevel, ...] = (
    BoundaryLevel(LevelKey.ICB, "ICB", r"E54[0-9]{6}", "E54000008"),
    BoundaryLevel(LevelKey.SUB_ICB, "SICBL", r"E38[0-9]{6}", "E38000068"),
    BoundaryLevel(LevelKey.NHS_REGION, "NHSER", r"E40[0-9]{6}", "E40000012"),
    BoundaryLevel(LevelKey.LAD, "LAD", r"E0[6-9][0-9]{6}", "E06000001"),
    BoundaryLevel(LevelKey.CTY_UA, "CTYUA", r"E(0[6-9]|10)[0-9]{6}", "E10000006"),
    BoundaryLevel(LevelKey.REGION, "RGN", r"E12[0-9]{6}", "E12000001"),
)
_CODE_PROPERTY = re.compile(
    r"(" + "|".join(lv.prefix for lv in LEVELS) + r")([0-9]{2})CD", re.IGNORECASE
)


@dataclass(frozen=True)
class Detected:
    """The level a file holds, its vintage, and the properties that carry code and name."""

    level: BoundaryLevel
    vintage: int
    code_property: str
    name_property: str


def detect_level(file_name: str, properties: list[str]) -> Detected:
    """The level of the first ONS code property (e.g. ``LAD24CD`` → lad, 2024)."""
    for prop in properties:
        found = _CODE_PROPERTY.fullmatch(prop)
        if not found:
            continue
        prefix, year = found.group(1).upper(), found.group(2)
        level = next(lv for lv in LEVELS if lv.prefix == prefix)
        name = next((p for p in properties if p.upper() == f"{prefix}{year}NM"), None)
        if name is None:
            raise LoadError(
                f"{file_name} has area codes ({prop}) but no area names.",
                f"{file_name}: expected a property {prefix}{year}NM beside {prop}.",
            )
        return Detected(level, 2000 + int(year), prop, name)
    expected = ", ".join(f"{lv.prefix}YYCD" for lv in LEVELS)
    raise LoadError(
        f"{file_name} is not an ONS boundary file this tool knows.",
        f"{file_name}: expected a code property such as {expected} (YY = year); "
        f"found properties: {', '.join(properties[:12]) or 'none'}",
    )


def _read(source: SourceFile) -> Any:
    import geopandas as gpd

    path = str(source.path)
    with open(source.path, "rb") as handle:
        if handle.read(2) == b"\x1f\x8b":
            path = "/vsigzip/" + path
    try:
        return gpd.read_file(path, engine="pyogrio")
    except Exception as e:  # pyogrio raises its own DataSourceError types
        raise LoadError(
            f"{source.name} could not be read as GeoJSON.",
            f"{source.name}: expected a GeoJSON FeatureCollection; {e}",
        ) from e


def _to_wgs84(frame: Any, source: SourceFile, notes: list[str]) -> Any:
    """The features in EPSG:4326, reprojected if the file says it is in another CRS."""
    if frame.crs is None:
        notes.append("no coordinate reference system given: read as WGS84 (RFC 7946)")
        frame = frame.set_crs(4326)
    elif frame.crs.to_epsg() != 4326:
        notes.append(f"reprojected from {frame.crs.to_string()} to EPSG:4326")
        frame = frame.to_crs(4326)
    minx, miny, maxx, maxy = (float(v) for v in frame.total_bounds)
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise LoadError(
            f"{source.name} has coordinates that are not longitude and latitude.",
            f"{source.name}: expected WGS84 degrees; found x {minx:,.0f} to {maxx:,.0f}, "
            f"y {miny:,.0f} to {maxy:,.0f}. If these are British National Grid metres, "
            'add "crs": {"type": "name", "properties": {"name": "EPSG:27700"}} to the file '
            "or export it as WGS84.",
        )
    return frame


def _polygonal(geometry: Any) -> Any:
    """The polygons of a geometry (make_valid can add stray lines and points)."""
    import shapely

    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type in ("Polygon", "MultiPolygon")]
    polygons = [q for p in parts for q in shapely.get_parts(p)]
    return shapely.multipolygons(polygons) if polygons else shapely.Polygon()


def _text(value: object) -> str | None:
    """A property as trimmed text; None for null, NaN (how pandas reads null) or blank."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    return str(value).strip() or None


def _wrong(
    code: str, name: str | None, geometry: Any, found: Detected, first_seen: dict[str, int]
) -> tuple[str, str | None, str] | None:
    """(column, value, reason) of what is wrong with an English feature, or None."""
    if not re.fullmatch(found.level.code_pattern, code):
        level = found.level
        return found.code_property, code, f"expected a {level.level} code such as {level.example}"
    if code in first_seen:
        return found.code_property, code, f"repeats the code of feature {first_seen[code]}"
    if name is None:
        return found.name_property, None, "a value is required; expected the area's name"
    if geometry is None or geometry.is_empty:
        return "geometry", None, "the feature has no geometry"
    return None


def _features(
    frame: Any, source: SourceFile, found: Detected, notes: list[str]
) -> tuple[list[dict[str, object]], list[Problem], int]:
    """England's features as rows to insert, the problems found, and features read.

    A problem's line is the feature's number in the file, counting from 1.
    """
    import shapely

    rows: list[dict[str, object]] = []
    problems: list[Problem] = []
    first_seen: dict[str, int] = {}
    repaired: list[str] = []
    outside = 0
    codes = frame[found.code_property].tolist()
    names = frame[found.name_property].tolist()
    features = zip(codes, names, frame.geometry.values, strict=True)
    for number, (raw_code, raw_name, geometry) in enumerate(features, start=1):
        code, name = _text(raw_code), _text(raw_name)
        if code is None:
            reason = "a feature without an area code"
            problems.append(Problem(source.name, number, found.code_property, None, reason))
            continue
        if not code.startswith("E"):
            outside += 1
            continue
        wrong = _wrong(code, name, geometry, found, first_seen)
        first_seen.setdefault(code, number)
        if wrong is None and not geometry.is_valid:
            geometry = shapely.make_valid(geometry)
            repaired.append(code)
        if wrong is None and _polygonal(geometry).is_empty:
            wrong = ("geometry", None, "expected a Polygon or MultiPolygon")
        if wrong is not None:
            problems.append(Problem(source.name, number, *wrong))
            continue
        rows.append({"area_code": code, "area_name": name, "geometry": _polygonal(geometry)})
    if outside:
        notes.append(f"{outside} features outside England left out")
    if repaired:
        notes.append(f"repaired {len(repaired)} invalid geometries: {', '.join(repaired[:10])}")
    return rows, problems, len(codes)


def _display_json(rows: list[dict[str, object]]) -> pl.DataFrame:
    """Rows with the geometry simplified for display, as GeoJSON geometry text."""
    import shapely

    geometries = [row["geometry"] for row in rows]
    simple = shapely.simplify(geometries, SIMPLIFY_DEGREES, preserve_topology=True)
    snapped = shapely.set_precision(simple, GRID_DEGREES)
    # a sliver can vanish on the grid: keep the unsnapped shape then
    kept = [s if not s.is_empty else g for s, g in zip(snapped, simple, strict=True)]
    return pl.DataFrame(
        {
            "area_code": [row["area_code"] for row in rows],
            "area_name": [row["area_name"] for row in rows],
            "geometry_json": list(shapely.to_geojson(kept)),
        },
        schema={"area_code": pl.String, "area_name": pl.String, "geometry_json": pl.String},
    )


class BoundariesLoader(Loader):
    kind = "boundaries"
    layouts: tuple[Layout, ...] = ()
    target_table = "geo_boundary"
    fast = False
    geography = True

    def load_custom(
        self, con: duckdb.DuckDBPyConnection, source: SourceFile, load_id: int, lenient: bool
    ) -> tuple[str, Staged, int]:
        if source.format != "geojson":
            raise LoadError(
                f"{source.name} is not GeoJSON.",
                f"{source.name}: expected an ONS boundary file (.geojson) with a code "
                "property such as ICB23CD.",
            )
        frame = _read(source)
        found = detect_level(source.name, [str(c) for c in frame.columns if c != "geometry"])
        notes: list[str] = []
        frame = _to_wgs84(frame, source, notes)
        rows, problems, features = _features(frame, source, found, notes)
        staged = Staged(features, problems, len({p.line for p in problems}), notes)
        if not lenient:
            raise_for_problems(source, staged)
        if not rows:
            raise LoadError(
                f"{source.name} has no English {found.level.level} boundaries.",
                f"{source.name}: expected features with codes such as {found.level.example}.",
            )
        con.register("src_boundaries", _display_json(rows))
        try:
            run_sql(
                con,
                SQL_DIR,
                "load_boundaries",
                load_id=load_id,
                level=found.level.level,
                vintage=found.vintage,
            )
        finally:
            con.unregister("src_boundaries")
        layout = f"ons-boundary-{found.level.level}"
        return layout, staged, count_loaded(con, self.target_table, load_id)


LOADER = BoundariesLoader()
