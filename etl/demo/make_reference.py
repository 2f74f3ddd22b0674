"""Derive the demo's small reference tables (real codes, names, counts) from the open files.

Run by hand when the open files change: ``python -m etl.demo.make_reference ../shared/data``.
The outputs in ``etl/demo/reference/`` are committed, so ``peolc demo`` needs no other
files. They hold facts only (codes, names, counts, national totals), never
copies of rows: the generator builds synthetic practices, PCNs and LSOAs around them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polars as pl

from peolc.vocabulary import AGE_BANDS_5Y

REFERENCE_DIR = Path(__file__).parent / "reference"

# QOF 2022-23 and the 2022 lookups carry 2022 ONS codes; ODS codes are stable.
_LAD_GEOGRAPHIES = (
    "Unitary Authority",
    "Non-metropolitan District",
    "Metropolitan District",
    "London Borough",
)


def _features(path: Path, code: str, name: str) -> pl.DataFrame:
    """Code and name of each boundary feature (the areas that have a shape)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = [(f["properties"][code], f["properties"][name]) for f in data["features"]]
    return pl.DataFrame(rows, schema=["code", "name"], orient="row")


def _band(age: pl.Expr) -> pl.Expr:
    """ESP2013 five-year band label of a single year of age (90 means 90+)."""
    index = pl.min_horizontal(age // 5, pl.lit(len(AGE_BANDS_5Y) - 1))
    return index.replace_strict(list(range(len(AGE_BANDS_5Y))), list(AGE_BANDS_5Y))


def build(data: Path) -> dict[str, pl.DataFrame]:
    """Every reference table, keyed by file stem, sorted for byte-stable output."""
    lookups, qof, boundaries = data / "lookups", data / "qof", data / "boundaries"
    lsoa_sub = pl.read_csv(lookups / "lsoa21_sicbl24_icb24_geographr.csv", infer_schema=False)
    lsoa_lad = pl.read_csv(lookups / "lsoa21_ward24_lad24_geographr.csv", infer_schema=False)
    lad_cty = pl.read_csv(lookups / "lad23_ctyua23_geographr.csv", infer_schema=False)
    lad_rgn = pl.read_csv(lookups / "lad24_region24_geographr.csv", infer_schema=False)
    mapping = pl.read_csv(qof / "MAPPING_NHS_GEOGRAPHIES_2223.csv", infer_schema=False)
    prevalence = pl.read_csv(
        qof / "PREVALENCE_2223.csv",
        schema_overrides={"REGISTER": pl.Float64, "PRACTICE_LIST_SIZE": pl.Int64},
    )
    imd = pl.read_excel(
        data / "imd" / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.xlsx",
        sheet_name="IMD2019",
        engine="calamine",
    ).select(
        pl.col("LSOA code (2011)").alias("lsoa21_code"),
        pl.col("Index of Multiple Deprivation (IMD) Decile").cast(pl.Int64).alias("decile"),
    )
    mye = pl.read_excel(
        data / "population" / "mye22final.xlsx", sheet_name="MYEB1", engine="calamine"
    ).select("code", "geography", "sex", pl.col("age").cast(pl.Int64), "population_2022")

    nhser = _features(boundaries / "nhser_2024_jan_en_bsc.geojson", "NHSER24CD", "NHSER24NM")
    regions = (
        mapping.select(
            pl.col("REGION_ODS_CODE").alias("region_ods"), pl.col("REGION_NAME").alias("name")
        )
        .unique()
        .join(nhser.select("code", "name"), on="name", how="inner")
        .select(
            pl.col("code").alias("region_code"), "region_ods", pl.col("name").alias("region_name")
        )
        .sort("region_code")
    )

    icb_region = (
        mapping.select(pl.col("ICB_ODS_CODE").alias("icb_ods"), "REGION_ODS_CODE")
        .unique()
        .join(regions, left_on="REGION_ODS_CODE", right_on="region_ods")
        .select("icb_ods", "region_code")
    )
    icbs = (
        lsoa_sub.select(
            pl.col("icb24_code").alias("icb_code"),
            pl.col("icb24_code_nhs").alias("icb_ods"),
            pl.col("icb24_name").alias("icb_name"),
        )
        .unique()
        .join(icb_region, on="icb_ods", how="left")
        .sort("icb_code")
    )

    pc = prevalence.filter(pl.col("GROUP_CODE") == "PC").select(
        "PRACTICE_CODE", "PRACTICE_LIST_SIZE", pl.col("REGISTER").round().cast(pl.Int64)
    )
    practices = mapping.select(
        pl.col("SUB_ICB_ODS_CODE").alias("sub_icb_ods"), "PCN_ODS_CODE", "PRACTICE_CODE"
    )
    # a PCN counts in the sub-ICB that holds most of its practices (ties: lowest ODS code)
    pcn_home = (
        practices.group_by("PCN_ODS_CODE", "sub_icb_ods")
        .len()
        .sort(["PCN_ODS_CODE", "len", "sub_icb_ods"], descending=[False, True, False])
        .unique("PCN_ODS_CODE", keep="first")
        .group_by("sub_icb_ods")
        .agg(pl.len().alias("pcns"))
    )
    practice_facts = (
        practices.join(pc, on="PRACTICE_CODE", how="left")
        .group_by("sub_icb_ods")
        .agg(
            pl.col("PRACTICE_CODE").n_unique().alias("practices"),
            pl.col("PRACTICE_LIST_SIZE").sum().alias("list_size"),
            pl.col("REGISTER").sum().alias("pc_register"),
        )
        .join(pcn_home, on="sub_icb_ods", how="left")
        .with_columns(pl.col("pcns").fill_null(0))
        .select("sub_icb_ods", "practices", "pcns", "list_size", "pc_register")
    )
    sicbl = _features(boundaries / "sicbl_2023_apr_en_bsc.geojson", "SICBL23CD", "SICBL23NM")
    sub_icbs = (
        lsoa_sub.select(
            pl.col("sicbl24_code").alias("sub_icb_code"),
            pl.col("sicbl24_code_nhs").alias("sub_icb_ods"),
            pl.col("sicbl24_name").alias("sub_icb_name"),
            pl.col("icb24_code").alias("icb_code"),
        )
        .unique()
        .join(sicbl.select("code"), left_on="sub_icb_code", right_on="code", how="semi")
        .join(practice_facts, on="sub_icb_ods", how="left")
        .sort("sub_icb_code")
    )

    lad_pop = (
        mye.filter(pl.col("geography").is_in(_LAD_GEOGRAPHIES))
        .group_by("code")
        .agg(
            pl.col("population_2022").sum().alias("population"),
            pl.col("population_2022").filter(pl.col("age") >= 65).sum().alias("population_65plus"),
        )
    )
    lad_shapes = _features(boundaries / "lad_2024_may_uk_bsc.geojson", "LAD24CD", "LAD24NM")
    lads = (
        lad_rgn.select(
            pl.col("ltla24_code").alias("lad_code"),
            pl.col("ltla24_name").alias("lad_name"),
            pl.col("region24_code").alias("rgn_code"),
            pl.col("region24_name").alias("rgn_name"),
        )
        .join(
            lad_cty.select(
                pl.col("ltla23_code").alias("lad_code"),
                pl.col("utla23_code").alias("cty_code"),
                pl.col("utla23_name").alias("cty_name"),
            ),
            on="lad_code",
            how="left",
        )
        .join(lad_shapes.select("code"), left_on="lad_code", right_on="code", how="semi")
        .join(lad_pop, left_on="lad_code", right_on="code", how="left")
        .select(
            "lad_code",
            "lad_name",
            "cty_code",
            "cty_name",
            "rgn_code",
            "rgn_name",
            "population",
            "population_65plus",
        )  # fmt: skip
        .sort("lad_code")
    )

    lsoas = lsoa_sub.select("lsoa21_code", pl.col("sicbl24_code").alias("sub_icb_code")).join(
        lsoa_lad.select("lsoa21_code", pl.col("ltla24_code").alias("lad_code")),
        on="lsoa21_code",
    )
    deciles = [pl.col("decile").eq(d).sum().alias(f"imd_{d}") for d in range(1, 11)]
    cells = (
        lsoas.join(imd, on="lsoa21_code", how="left")
        .group_by("sub_icb_code", "lad_code")
        .agg(pl.len().alias("lsoas"), *deciles)
        .sort("sub_icb_code", "lad_code")
    )

    england = (
        mye.filter(pl.col("code") == "E92000001")
        .with_columns(_band(pl.col("age")).alias("age_band"))
        .group_by("sex", "age_band")
        .agg(pl.col("population_2022").sum().alias("population"))
        .with_columns(
            pl.col("age_band")
            .replace_strict(
                list(AGE_BANDS_5Y), list(range(len(AGE_BANDS_5Y))), return_dtype=pl.Int64
            )
            .alias("order")
        )
        .sort("sex", "order")
        .drop("order")
    )
    return {
        "nhs_regions": regions,
        "icbs": icbs,
        "sub_icbs": sub_icbs,
        "lads": lads,
        "cells": cells,
        "england_population": england,
    }


def write(tables: dict[str, pl.DataFrame], folder: Path) -> list[Path]:
    """Write each table as ``folder/<name>.csv`` (UTF-8, LF); return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in tables.items():
        path = folder / f"{name}.csv"
        frame.write_csv(path)
        paths.append(path)
    return paths


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: python -m etl.demo.make_reference DATA_DIR\n")
        return 2
    for path in write(build(Path(argv[0])), REFERENCE_DIR):
        sys.stdout.write(f"{path} ({path.stat().st_size:,} bytes)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
