"""The committed reference facts (``reference/*.csv``), read into typed frames."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

REFERENCE_DIR = Path(__file__).parent / "reference"


@dataclass(frozen=True)
class Reference:
    """Real codes, names and counts the synthetic geography is built around."""

    regions: pl.DataFrame  # region_code, region_ods, region_name (NHS regions, 2024)
    icbs: pl.DataFrame  # icb_code, icb_ods, icb_name, region_code
    sub_icbs: pl.DataFrame  # sub_icb_code, sub_icb_ods, sub_icb_name, icb_code, practices, ...
    lads: pl.DataFrame  # lad_code, lad_name, cty_code, cty_name, rgn_code, rgn_name, ...
    cells: pl.DataFrame  # sub_icb_code, lad_code, lsoas, imd_1 .. imd_10
    england_population: pl.DataFrame  # sex, age_band, population (mid-2022)


@cache
def load_reference(folder: Path = REFERENCE_DIR) -> Reference:
    """Read the reference CSVs (cached: they never change while a process runs)."""

    def read(name: str) -> pl.DataFrame:
        return pl.read_csv(folder / f"{name}.csv")

    return Reference(
        regions=read("nhs_regions"),
        icbs=read("icbs"),
        sub_icbs=read("sub_icbs"),
        lads=read("lads"),
        cells=read("cells"),
        england_population=read("england_population"),
    )
