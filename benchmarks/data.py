"""Inputs for the benchmarks: demo warehouses, deaths files, a GP-practice Fingertips extract.

* ``demo_command``: ``peolc demo`` as a child process (timed), keeping its input files.
* ``deaths_file``: the demo's yearly deaths files joined into one national extract.
* ``build_base``: a warehouse holding the demo's geography, populations and QOF but no
  deaths, the state an ICB's warehouse is in before its first deaths extract.
* ``fingertips_extract``: a national GP-practice extract in the Fingertips API layout (the
  exact columns of ``shared/data/fingertips/indicators-CountyUA.data.csv``), on the
  practices of a warehouse.

``python -m benchmarks.data base FILES DB`` builds the base in a child process, so that the
code of another checkout (``--baseline``) can build its own.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from etl.demo.indicators import COLUMNS as FINGERTIPS_COLUMNS  # the Fingertips API layout

GEOGRAPHY_KINDS = ("lookups", "imd", "population", "boundaries", "qof")
FINGERTIPS_YEARS = (2019, 2020, 2021, 2022)
FINGERTIPS_CATEGORIES = 8  # the whole population and seven age groups


def demo_command(
    python: str, db: Path, *, years: int, scale: float, seed: int, keep: Path
) -> list[str]:
    """``peolc demo`` (via ``python -m etl.cli``) keeping the generated files in ``keep``."""
    return [
        python, "-m", "etl.cli", "demo", "--db", str(db), "--years", str(years),
        "--scale", str(scale), "--seed", str(seed), "--keep-files", str(keep),
    ]  # fmt: skip


def deaths_file(files: Path, out: Path) -> tuple[Path, int]:
    """Join the yearly ``deaths_YYYY.csv`` files into ``out`` (one header); (path, rows)."""
    parts = sorted((files / "deaths").glob("deaths_*.csv"))
    if not parts:
        raise FileNotFoundError(f"no deaths files under {files}")
    rows = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as target:
        for i, part in enumerate(parts):
            with open(part, "rb") as source:
                header = source.readline()
                if i == 0:
                    target.write(header)
                for block in iter(lambda: source.read(1 << 24), b""):
                    rows += block.count(b"\n")
                    target.write(block)
    return out, rows


def build_base(files: Path, target: Path) -> None:
    """A warehouse with the demo's geography, populations and QOF (no deaths)."""
    from etl import schema
    from etl.loading import finish, load_source
    from etl.sources import sniff
    from etl.warehouse import transaction

    target.unlink(missing_ok=True)
    folders = {"lookups": "lookups", "imd": "imd", "population": "population",
               "boundaries": "boundaries", "qof": "qof"}  # fmt: skip
    with transaction(target, setup=schema.ensure, fresh=True) as tx:
        for kind in GEOGRAPHY_KINDS:
            for path in sorted((files / folders[kind]).iterdir()):
                load_source(tx, kind, sniff(path), synthetic=True)
        finish(tx)


def fingertips_extract(db: Path, rows: int, out: Path, seed: int = 7) -> tuple[Path, int]:
    """A GP-practice Fingertips API extract of about ``rows`` rows on ``db``'s practices.

    Practices × indicators × years × categories (the whole population and seven age
    groups), parent = the practice's PCN; values, 95% and 99.8% limits, count and
    denominator as numbers with decimals, as the API writes them.
    """
    con = duckdb.connect(str(db), read_only=True)
    try:
        practices = con.sql(
            "select p.area_code, p.area_name, coalesce(p.parent_code, '') as parent_code, "
            "coalesce(n.area_name, '') as parent_name from dim_area as p "
            "left join dim_area as n on n.area_code = p.parent_code and n.level = 'pcn' "
            "where p.level = 'practice' order by p.area_code"
        ).pl()
    finally:
        con.close()
    cells = practices.height * len(FINGERTIPS_YEARS) * FINGERTIPS_CATEGORIES
    indicators = max(1, round(rows / cells))
    rng = np.random.default_rng(seed)
    frame = (
        practices.join(pl.DataFrame({"indicator": np.arange(indicators)}), how="cross")
        .join(pl.DataFrame({"year": list(FINGERTIPS_YEARS)}), how="cross")
        .join(pl.DataFrame({"category": np.arange(FINGERTIPS_CATEGORIES)}), how="cross")
    )
    n = frame.height
    denominator = rng.integers(500, 20_000, n).astype(np.float64)
    count = np.floor(denominator * rng.uniform(0.002, 0.2, n))
    value = 100 * count / denominator
    half = 1.96 * np.sqrt(np.maximum(value * (100 - value), 1e-9) / denominator)
    wide = 3.09 / 1.96 * half
    whole = pl.col("category") == 0
    table = frame.select(
        (pl.col("indicator") + 990_001).alias("Indicator ID"),
        pl.format("Synthetic GP indicator {} (benchmark), per 100,000", pl.col("indicator")).alias(
            "Indicator Name"
        ),
        pl.col("parent_code").alias("Parent Code"),
        pl.col("parent_name").alias("Parent Name"),
        pl.col("area_code").alias("Area Code"),
        pl.col("area_name").alias("Area Name"),
        pl.lit("GPs").alias("Area Type"),
        pl.lit("Persons").alias("Sex"),
        pl.lit("All ages").alias("Age"),
        pl.when(whole)
        .then(pl.lit(""))
        .otherwise(pl.lit("Age group (benchmark)"))
        .alias("Category Type"),
        pl.when(whole)
        .then(pl.lit(""))
        .otherwise(pl.format("Age group {}", pl.col("category")))
        .alias("Category"),
        pl.format("{}/{}", pl.col("year"), (pl.col("year") + 1) % 100).alias("Time period"),
        pl.Series(value).alias("Value"),
        pl.Series(np.maximum(value - half, 0)).alias("Lower CI 95.0 limit"),
        pl.Series(value + half).alias("Upper CI 95.0 limit"),
        pl.Series(np.maximum(value - wide, 0)).alias("Lower CI 99.8 limit"),
        pl.Series(value + wide).alias("Upper CI 99.8 limit"),
        pl.Series(count).alias("Count"),
        pl.Series(denominator).alias("Denominator"),
        pl.lit("").alias("Value note"),
        pl.lit("Cannot be calculated").alias("Recent Trend"),
        pl.lit("Similar").alias("Compared to England value or percentiles"),
        pl.lit("Not compared").alias("Compared to Region value or percentiles"),
        (pl.col("year") * 10_000).alias("Time period Sortable"),
        pl.lit("").alias("New data"),
        pl.lit("").alias("Compared to goal"),
    )
    assert tuple(table.columns) == FINGERTIPS_COLUMNS
    out.parent.mkdir(parents=True, exist_ok=True)
    table.write_csv(out)
    return out, table.height


def copy(source: Path, target: Path) -> Path:
    """A fresh copy of a warehouse (each ETL round loads into its own)."""
    target.unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target


def main(argv: list[str]) -> None:
    task, *args = argv
    if task == "base":
        build_base(Path(args[0]), Path(args[1]))
    else:
        raise SystemExit(f"unknown task {task!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
