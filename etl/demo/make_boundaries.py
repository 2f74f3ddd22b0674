"""Simplify the ONS boundary files into the small copies the package ships (OGL v3).

Run by hand when the open files change: ``python -m etl.demo.make_boundaries ../shared/data``.
The outputs in ``etl/demo/reference/boundaries/`` are committed (the one exception to
"never copy ../shared/data into the repo": simplified boundaries with their attribution),
so ``peolc demo`` draws real shapes and needs no other files. Each output keeps England's
features of one ONS file, only their code and name properties as ONS spells them
(``ICB23CD``, ``ICB23NM``, ...), simplified as a coverage (neighbours keep one shared edge,
so no gaps or overlaps open between them) and rounded to 4 decimals (about 10 m), then
gzipped without a timestamp: the same inputs give the same bytes. ``README.md`` beside
them carries the attribution and says which files and vintages they are.
"""

from __future__ import annotations

import gzip
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from etl.demo.reference import REFERENCE_DIR
from peolc.attribution import ons_boundaries

BOUNDARY_DIR = REFERENCE_DIR / "boundaries"
# coverage simplification (Visvalingam-Whyatt on shared edges): about the square root of
# the area of the triangles removed, in degrees; the loader's own 0.001° pass follows
TOLERANCE = 0.001
DECIMALS = 4  # 0.0001° is about 11 m of latitude, 7 m of longitude


@dataclass(frozen=True)
class BoundarySource:
    """One ONS generalised boundary file in ../shared/data/boundaries."""

    stem: str  # file name there, without .geojson
    prefix: str  # ONS property prefix and year, e.g. ICB23 for ICB23CD / ICB23NM
    ons_name: str  # the product's name on the ONS Open Geography Portal
    year: int  # the year of the product, for the copyright line

    @property
    def output_name(self) -> str:
        return f"{self.stem}_england.geojson.gz"


SOURCES: tuple[BoundarySource, ...] = (
    BoundarySource(
        "icb_2023_apr_en_bsc", "ICB23", "Integrated_Care_Boards_April_2023_EN_BSC", 2023
    ),
    BoundarySource("sicbl_2023_apr_en_bsc", "SICBL23", "NHS_SubICB_April_2023_EN_BSC", 2023),
    BoundarySource(
        "nhser_2024_jan_en_bsc", "NHSER24", "NHS_England_Regions_January_2024_EN_BSC", 2024
    ),
    BoundarySource(
        "ctyua_2023_dec_uk_bsc", "CTYUA23",
        "Counties_and_Unitary_Authorities_December_2023_Boundaries_UK_BSC", 2023,
    ),
    BoundarySource(
        "lad_2024_may_uk_bsc", "LAD24",
        "Local_Authority_Districts_May_2024_Boundaries_UK_BSC", 2024,
    ),
    BoundarySource("rgn_2023_dec_en_buc", "RGN23", "Regions_December_2023_Boundaries_EN_BUC", 2023),
)  # fmt: skip


def _polygonal(geometry: Any) -> Any:
    """A valid (Multi)Polygon: invalid rings repaired, stray lines and points dropped."""
    import shapely

    if not geometry.is_valid:
        geometry = shapely.make_valid(geometry)
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    polygons = [
        q
        for p in shapely.get_parts(geometry)
        if p.geom_type in ("Polygon", "MultiPolygon")
        for q in shapely.get_parts(p)
    ]
    return shapely.multipolygons(polygons)


def _rounded(value: Any) -> Any:
    """GeoJSON coordinates rounded to DECIMALS (shortest text for each number)."""
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return round(float(value), DECIMALS)


def england(source: BoundarySource, folder: Path) -> tuple[list[str], list[str], list[Any]]:
    """Codes, names and geometries of the English features of one ONS file, by code."""
    import shapely

    data = json.loads((folder / f"{source.stem}.geojson").read_text(encoding="utf-8"))
    code, name = f"{source.prefix}CD", f"{source.prefix}NM"
    rows = sorted(
        (str(f["properties"][code]), str(f["properties"][name]), f["geometry"])
        for f in data["features"]
        if str(f["properties"][code]).startswith("E")
    )
    geometries = [_polygonal(shapely.from_geojson(json.dumps(g))) for _, _, g in rows]
    return [r[0] for r in rows], [r[1] for r in rows], geometries


def simplified(source: BoundarySource, folder: Path) -> bytes:
    """The gzipped GeoJSON of one source, simplified (the bytes the package ships)."""
    import shapely

    codes, names, geometries = england(source, folder)
    simple = shapely.coverage_simplify(geometries, TOLERANCE)
    snapped = shapely.set_precision(simple, 10.0**-DECIMALS)
    bad = [c for c, g in zip(codes, snapped, strict=True) if g.is_empty or not g.is_valid]
    if bad:
        raise ValueError(f"{source.stem}: simplified away or invalid: {', '.join(bad)}")
    features = [
        {
            "type": "Feature",
            "properties": {f"{source.prefix}CD": c, f"{source.prefix}NM": n},
            "geometry": {
                "type": g.geom_type,
                "coordinates": _rounded(json.loads(shapely.to_geojson(g))["coordinates"]),
            },
        }
        for c, n, g in zip(codes, names, snapped, strict=True)
    ]
    collection = {
        "type": "FeatureCollection",
        "name": f"{source.ons_name} (England, simplified)",
        "crs": {"type": "name", "properties": {"name": "EPSG:4326"}},
        "features": features,
    }
    text = json.dumps(collection, separators=(",", ":"), ensure_ascii=False)
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def readme(features: dict[BoundarySource, int]) -> str:
    """README.md for the folder: attribution, sources, vintages and method."""
    years = sorted({s.year for s in features})
    lines = [
        "# Simplified ONS boundaries (shipped with the demo)",
        "",
        *(" ".join(ons_boundaries(year)) + f" ({year} files)." for year in years),
        "",
        "Licence: Open Government Licence v3.0,",
        "<https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/>.",
        "",
        "Made by `python -m etl.demo.make_boundaries ../shared/data` from the ONS Open",
        "Geography Portal generalised files in `../shared/data/boundaries/` (see its",
        "MANIFEST.md; they are the ONS downloads as published, copied from",
        "dhsc-govuk/FingertipsNext): England's features only, their code and name properties",
        f"only, coverage-simplified (tolerance {TOLERANCE}°, shared edges kept shared),",
        f"coordinates rounded to {DECIMALS} decimals, gzipped. Do not edit by hand: rerun the",
        "script. `peolc demo` loads them with the boundary loader, as real files.",
        "",
        "| file | ONS product (vintage in its name) | properties | England features |",
        "|---|---|---|---|",
    ]
    for source, count in features.items():
        lines.append(
            f"| `{source.output_name}` | {source.ons_name} | {source.prefix}CD, "
            f"{source.prefix}NM | {count} |"
        )
    return "\n".join([*lines, ""])


def build(data: Path) -> dict[str, bytes]:
    """Every output file's bytes, keyed by file name (the README last)."""
    folder = data / "boundaries"
    out: dict[str, bytes] = {}
    features: dict[BoundarySource, int] = {}
    for source in SOURCES:
        out[source.output_name] = body = simplified(source, folder)
        features[source] = len(json.loads(gzip.decompress(body))["features"])
    out["README.md"] = readme(features).encode("utf-8")
    return out


def write(files: dict[str, bytes], folder: Path) -> list[Path]:
    """Write each file under ``folder``; return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, body in files.items():
        path = folder / name
        path.write_bytes(body)
        paths.append(path)
    return paths


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: python -m etl.demo.make_boundaries DATA_DIR\n")
        return 2
    for path in write(build(Path(argv[0])), BOUNDARY_DIR):
        sys.stdout.write(f"{path} ({path.stat().st_size:,} bytes)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
