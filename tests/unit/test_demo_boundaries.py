"""The simplified ONS boundaries the package ships for the demo's maps.

Small (at most 2 MB in all), a shape for every area the demo draws, valid polygons inside
England, close to the ONS originals (area per area in British National Grid), and made
again identically from ../shared/data by ``etl/demo/make_boundaries.py``.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest

from etl import schema
from etl.demo import make_boundaries
from etl.demo.boundaries import boundary_files, demo_areas, note_unshaped
from etl.demo.make_boundaries import BOUNDARY_DIR, SOURCES, BoundarySource
from etl.demo.reference import load_reference
from etl.loaders.boundaries import detect_level
from peolc.attribution import ons_boundaries
from peolc.levels import LevelKey

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
MAX_BYTES = 2_000_000
# the area of each simplified shape against the ONS file's, in EPSG:27700
AREA_TOLERANCE = {LevelKey.ICB: 0.005, LevelKey.NHS_REGION: 0.005, LevelKey.REGION: 0.005}
AREA_TOLERANCE_DEFAULT = 0.02  # LADs and sub-ICBs: the smallest (City of London) move most
ENGLAND_BOX = (-6.5, 49.8, 1.8, 55.9)  # lon/lat: the MANIFEST's box, rounded out


def _collection(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(gzip.decompress(path.read_bytes()))
    return data


def _shapes(path: Path) -> tuple[str, Any]:
    """(level, GeoDataFrame with code, name, geometry) of one shipped file."""
    import geopandas as gpd

    data = _collection(path)
    properties = list(data["features"][0]["properties"])
    found = detect_level(path.name, properties)
    frame = gpd.GeoDataFrame.from_features(data["features"], crs=4326)
    frame = frame.rename(columns={found.code_property: "code", found.name_property: "name"})
    return found.level.level, frame


def _original(source: BoundarySource) -> Any:
    import geopandas as gpd

    frame = gpd.read_file(SHARED_DATA / "boundaries" / f"{source.stem}.geojson")
    return frame.rename(columns={f"{source.prefix}CD": "code"})


def test_shipped_files_are_at_most_2_mb_in_all() -> None:
    files = sorted(p for p in BOUNDARY_DIR.iterdir() if p.is_file())
    assert {p.name for p in files} == {p.name for p in boundary_files()} | {"README.md"}
    assert sum(p.stat().st_size for p in files) <= MAX_BYTES


def test_readme_carries_the_attribution_and_names_every_file() -> None:
    text = (BOUNDARY_DIR / "README.md").read_text(encoding="utf-8")
    for source in SOURCES:
        assert " ".join(ons_boundaries(source.year)) in text
        assert source.output_name in text and source.ons_name in text
    assert "Source: Office for National Statistics licensed under the Open Government " in text


def test_every_demo_area_has_a_shape_and_only_ons_code_and_name() -> None:
    shipped = {}
    for path in boundary_files():
        level, frame = _shapes(path)
        shipped[level] = set(frame["code"])
        assert set(frame.columns) == {"code", "name", "geometry"}
        assert frame["code"].str.startswith("E").all()
        assert frame["code"].is_unique
    areas = demo_areas(load_reference())
    assert set(areas["level"]) == set(shipped) == {
        LevelKey.ICB, LevelKey.SUB_ICB, LevelKey.NHS_REGION,
        LevelKey.LAD, LevelKey.CTY_UA, LevelKey.REGION,
    }  # fmt: skip
    missing = [
        (level, code)
        for level, code in areas.select("level", "area_code").iter_rows()
        if code not in shipped[level]
    ]
    assert missing == []
    counts = {level: len(codes) for level, codes in shipped.items()}
    assert counts == {
        LevelKey.ICB: 42, LevelKey.SUB_ICB: 106, LevelKey.NHS_REGION: 7,
        LevelKey.LAD: 296, LevelKey.CTY_UA: 153, LevelKey.REGION: 9,
    }  # fmt: skip


def test_shapes_are_valid_polygons_in_england() -> None:
    import shapely

    for path in boundary_files():
        _, frame = _shapes(path)
        geometries = frame.geometry.values
        assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}, path.name
        assert not shapely.is_empty(geometries).any(), path.name
        assert shapely.is_valid(geometries).all(), path.name
        minx, miny, maxx, maxy = frame.total_bounds
        west, south, east, north = ENGLAND_BOX
        assert west <= minx and south <= miny and maxx <= east and maxy <= north, path.name


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s.stem)
def test_simplified_areas_stay_close_to_the_ons_files(source: BoundarySource) -> None:
    level, shipped = _shapes(BOUNDARY_DIR / source.output_name)
    original = _original(source)
    original = original[original["code"].str.startswith("E")]
    ons = dict(zip(original["code"], original.to_crs(27700).area, strict=True))
    ours = dict(zip(shipped["code"], shipped.to_crs(27700).area, strict=True))
    assert set(ours) == set(ons)
    worst = max(abs(ours[c] / ons[c] - 1) for c in ons)
    assert worst <= AREA_TOLERANCE.get(level, AREA_TOLERANCE_DEFAULT)
    # and England as a whole within 0.1%
    assert abs(sum(ours.values()) / sum(ons.values()) - 1) < 0.001


def test_the_script_makes_the_same_files_again() -> None:
    """Deterministic: the committed files are what the script makes from ../shared/data
    (compared decompressed: gzip's bytes also depend on the zlib build)."""
    made = make_boundaries.build(SHARED_DATA)
    committed = {p.name: p.read_bytes() for p in BOUNDARY_DIR.iterdir() if p.is_file()}
    assert set(made) == set(committed)
    for name, body in made.items():
        if name.endswith(".gz"):
            assert gzip.decompress(body) == gzip.decompress(committed[name]), name
        else:
            assert body == committed[name], name
    again = make_boundaries.build(SHARED_DATA)
    assert again == made


def test_a_demo_area_without_a_shape_is_named_in_the_load_notes(tmp_path: Path) -> None:
    ref = load_reference()
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        schema.ensure(con)
        con.execute(
            "insert into load_log values (1, 'icb.geojson', 'x', 'boundaries', "
            "'ons-boundary-icb', 2, 2, 0, now(), 't', true, null)"
        )
        icbs = ref.icbs["icb_code"].to_list()
        con.register("shaped", pl.DataFrame({"area_code": icbs[1:]}))
        con.execute(
            "insert into geo_boundary select area_code, $level, area_code, 2023, '{}', "
            "false, 1 from shaped",
            {"level": LevelKey.ICB},
        )
        missing = note_unshaped(con, ref)
        assert (LevelKey.ICB, icbs[0]) in missing
        note = con.execute("select notes from load_log where load_id = 1").fetchone()
    assert note is not None
    assert note[0] == f"no boundary for 1 of the demo's areas: {icbs[0]}"
