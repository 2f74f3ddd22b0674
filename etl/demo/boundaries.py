"""The demo's boundaries: real ONS shapes, shipped simplified in ``reference/boundaries/``.

``etl/demo/make_boundaries.py`` makes them from the ONS generalised files (OGL v3.0; the
attribution is in that folder's README.md and on every map). The demo copies them into its
input folder and loads them with the same loader as real boundary files, so its maps show
the real ICBs, sub-ICBs, NHS regions, counties/UAs, LADs and ONS regions. Their codes are
the vintages the demo's reference areas use; any demo area a shape is missing for is named
in the boundaries' load notes (the tests keep that list empty).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import polars as pl

from etl.demo.make_boundaries import BOUNDARY_DIR, SOURCES
from etl.demo.reference import Reference
from peolc.levels import LevelKey


def boundary_files(folder: Path = BOUNDARY_DIR) -> list[Path]:
    """The shipped boundary files, one per level, in the order they are loaded."""
    return [folder / source.output_name for source in SOURCES]


def write_boundaries(folder: Path) -> list[Path]:
    """Copy the shipped boundary files into ``folder``; return the copies."""
    folder.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copyfile(path, folder / path.name)) for path in boundary_files()]


def demo_areas(ref: Reference) -> pl.DataFrame:
    """level, area_code of every area the demo draws on a map."""
    lads = ref.lads
    columns = (
        (LevelKey.NHS_REGION, ref.regions["region_code"]),
        (LevelKey.ICB, ref.icbs["icb_code"]),
        (LevelKey.SUB_ICB, ref.sub_icbs["sub_icb_code"]),
        (LevelKey.LAD, lads["lad_code"]),
        (LevelKey.CTY_UA, lads["cty_code"]),
        (LevelKey.REGION, lads["rgn_code"]),
    )
    return pl.concat(
        pl.DataFrame({"level": str(level), "area_code": codes.cast(pl.String)})
        for level, codes in columns
    ).unique(maintain_order=True)


def note_unshaped(con: duckdb.DuckDBPyConnection, ref: Reference) -> list[tuple[str, str]]:
    """(level, code) of the demo's areas with no loaded boundary, named in the notes of
    that level's boundary load (the map leaves them out); returns them."""
    con.register("demo_areas", demo_areas(ref))
    try:
        missing = con.sql(
            "select a.level, a.area_code from demo_areas as a "
            "anti join geo_boundary as b on a.level = b.level and a.area_code = b.area_code "
            "order by 1, 2"
        ).fetchall()
    finally:
        con.unregister("demo_areas")
    for level in sorted({level for level, _ in missing}):
        codes = [code for lv, code in missing if lv == level]
        note = f"no boundary for {len(codes)} of the demo's areas: {', '.join(codes[:10])}"
        con.execute(
            "update load_log set notes = coalesce(notes || '; ', '') || $note "
            "where kind = 'boundaries' and layout = $layout",
            {"note": note, "layout": f"ons-boundary-{level}"},
        )
    return [(str(level), str(code)) for level, code in missing]
