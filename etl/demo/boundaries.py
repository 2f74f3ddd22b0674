"""Synthetic boundaries: Voronoi cells around the real centroids, clipped to a rough outline.

No real boundary file is used: sub-ICB cells are drawn around the ONS centroids of the
real sub-ICBs and dissolved into ICBs and NHS regions; LAD cells around the LAD centroids,
dissolved into counties/UAs and ONS regions. The outline of England is a buffered concave
hull of the LAD centroids. Maps look roughly right and are labelled synthetic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from etl.demo.reference import Reference

X_SCALE = 0.6  # cos(53°): draw cells on a roughly equal-distance plane, not in raw degrees
OUTLINE_RATIO = 0.25
OUTLINE_BUFFER = 0.12  # degrees of latitude
ISLAND_GAP = 0.7  # degrees: a centroid this far from any other is an island
PRECISION = 0.0001  # degrees (about 10 m)


@dataclass(frozen=True)
class BoundaryFile:
    """One level's boundaries as an ONS-style GeoJSON file."""

    file_name: str
    prefix: str  # property prefix and year, e.g. ICB23
    codes: list[str]
    names: list[str]
    geometries: list[object]


def _cells(lon: np.ndarray, lat: np.ndarray, outline: object) -> list[object]:
    """Voronoi cell of each centroid (in input order), clipped to the outline."""
    import shapely

    points = shapely.multipoints(np.c_[lon * X_SCALE, lat])
    cells = shapely.voronoi_polygons(points, extend_to=outline, ordered=True)
    parts = list(shapely.get_parts(cells))
    clipped = shapely.intersection(parts, outline)
    return list(shapely.transform(clipped, lambda xy: np.c_[xy[:, 0] / X_SCALE, xy[:, 1]]))


def _dissolve(keys: list[str], geometries: list[object]) -> tuple[list[str], list[object]]:
    """Union of the geometries sharing a key, keys in sorted order."""
    import shapely

    order = sorted(set(keys))
    merged = [
        shapely.union_all([g for k, g in zip(keys, geometries, strict=True) if k == key])
        for key in order
    ]
    return order, merged


def _outline(lads: pl.DataFrame) -> object:
    """A rough England: the concave hull of the LAD centroids, with islands of their own
    for outlying centroids (the Isles of Scilly), buffered."""
    import shapely

    xy = np.c_[lads["lon"].to_numpy() * X_SCALE, lads["lat"].to_numpy()]
    gaps = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    np.fill_diagonal(gaps, np.inf)
    mainland = gaps.min(axis=1) < ISLAND_GAP
    hull = shapely.concave_hull(shapely.multipoints(xy[mainland]), ratio=OUTLINE_RATIO)
    islands = shapely.buffer(shapely.points(xy[~mainland]), OUTLINE_BUFFER / 2, quad_segs=4)
    return shapely.union_all([hull.buffer(OUTLINE_BUFFER, quad_segs=4), *islands])


def build_boundaries(ref: Reference) -> list[BoundaryFile]:
    """The six boundary files (sub-ICB, ICB, NHS region, LAD, county/UA, ONS region)."""

    lads = ref.lads.sort("lad_code")
    subs = ref.sub_icbs.sort("sub_icb_code").join(
        ref.icbs.select("icb_code", "region_code"), on="icb_code", how="left", maintain_order="left"
    )
    outline = _outline(lads)

    sub_cells = _cells(subs["lon"].to_numpy(), subs["lat"].to_numpy(), outline)
    lad_cells = _cells(lads["lon"].to_numpy(), lads["lat"].to_numpy(), outline)
    icb_codes, icb_cells = _dissolve(subs["icb_code"].to_list(), sub_cells)
    region_codes, region_cells = _dissolve(subs["region_code"].to_list(), sub_cells)
    cty_codes, cty_cells = _dissolve(lads["cty_code"].to_list(), lad_cells)
    rgn_codes, rgn_cells = _dissolve(lads["rgn_code"].to_list(), lad_cells)

    def names(frame: pl.DataFrame, code: str, name: str, codes: list[str]) -> list[str]:
        lookup = dict(frame.select(code, name).unique().iter_rows())
        return [str(lookup[c]) for c in codes]

    return [
        BoundaryFile(
            "sicbl_synthetic.geojson", "SICBL23", subs["sub_icb_code"].to_list(),
            subs["sub_icb_name"].to_list(), sub_cells,
        ),
        BoundaryFile(
            "icb_synthetic.geojson", "ICB23", icb_codes,
            names(ref.icbs, "icb_code", "icb_name", icb_codes), icb_cells,
        ),
        BoundaryFile(
            "nhser_synthetic.geojson", "NHSER24", region_codes,
            names(ref.regions, "region_code", "region_name", region_codes), region_cells,
        ),
        BoundaryFile(
            "lad_synthetic.geojson", "LAD24", lads["lad_code"].to_list(),
            lads["lad_name"].to_list(), lad_cells,
        ),
        BoundaryFile(
            "ctyua_synthetic.geojson", "CTYUA23", cty_codes,
            names(lads, "cty_code", "cty_name", cty_codes), cty_cells,
        ),
        BoundaryFile(
            "rgn_synthetic.geojson", "RGN23", rgn_codes,
            names(lads, "rgn_code", "rgn_name", rgn_codes), rgn_cells,
        ),
    ]  # fmt: skip


def write_boundary(boundary: BoundaryFile, folder: Path) -> Path:
    """Write one level as GeoJSON with ONS property names and a legacy ``crs`` member."""
    import shapely

    geometries = shapely.set_precision(boundary.geometries, PRECISION)
    centroids = shapely.centroid(geometries)
    features = []
    for i, (code, name, geometry) in enumerate(
        zip(boundary.codes, boundary.names, geometries, strict=True)
    ):
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "FID": i + 1,
                    f"{boundary.prefix}CD": code,
                    f"{boundary.prefix}NM": name,
                    "LONG": round(float(shapely.get_x(centroids[i])), 5),
                    "LAT": round(float(shapely.get_y(centroids[i])), 5),
                    "SYNTHETIC": "Synthetic boundary for the peolc demo; not the real shape",
                },
                "geometry": json.loads(shapely.to_geojson(geometry)),
            }
        )
    collection = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "EPSG:4326"}},
        "features": features,
    }
    path = folder / boundary.file_name
    path.write_text(json.dumps(collection, separators=(",", ":")), encoding="utf-8")
    return path
