"""Write the generated data in the layouts the loaders read (real files' headers exactly).

Every frame is sorted before writing, so the same seed always gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from etl.demo import causes
from etl.demo.care import PLACES
from etl.demo.deaths import ETHNIC_CODES
from etl.demo.geography import Geography
from etl.demo.population import GP_BANDS, SEX_CODES, Population
from etl.demo.registers import GROUPS
from peolc.levels import ENGLAND_CODE
from peolc.vocabulary import AGE_BANDS_5Y, USUAL_RESIDENCE

RESIDENCES = tuple(USUAL_RESIDENCE)  # the codes a PCMD-style extract carries
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


def _write(frame: pl.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_csv(path)
    return path


def write_lookups(geo: Geography, folder: Path) -> list[Path]:
    """The four geographr lookups (LSOA -> sub-ICB/ICB, LSOA -> ward/LAD, LAD -> CTYUA/region)."""
    lsoas = geo.lsoas
    lads = geo.ref.lads.sort("lad_code")
    return [
        _write(
            lsoas.select(
                pl.col("lsoa_name").alias("lsoa21_name"),
                pl.col("lsoa_code").alias("lsoa21_code"),
                pl.col("sub_icb_name").alias("sicbl24_name"),
                pl.col("sub_icb_code").alias("sicbl24_code"),
                pl.col("sub_icb_ods").alias("sicbl24_code_nhs"),
                pl.col("icb_name").alias("icb24_name"),
                pl.col("icb_code").alias("icb24_code"),
                pl.col("icb_ods").alias("icb24_code_nhs"),
            ),
            folder / "lsoa21_sicbl24_icb24_geographr.csv",
        ),
        _write(
            lsoas.select(
                pl.col("lsoa_name").alias("lsoa21_name"),
                pl.col("lsoa_code").alias("lsoa21_code"),
                pl.col("ward_name").alias("ward24_name"),
                pl.col("ward_code").alias("ward24_code"),
                pl.col("lad_name").alias("ltla24_name"),
                pl.col("lad_code").alias("ltla24_code"),
            ),
            folder / "lsoa21_ward24_lad24_geographr.csv",
        ),
        _write(
            lads.select(
                pl.col("lad_code").alias("ltla23_code"),
                pl.col("lad_name").alias("ltla23_name"),
                pl.col("cty_code").alias("utla23_code"),
                pl.col("cty_name").alias("utla23_name"),
            ),
            folder / "lad23_ctyua23_geographr.csv",
        ),
        _write(
            lads.select(
                pl.col("lad_name").alias("ltla24_name"),
                pl.col("lad_code").alias("ltla24_code"),
                pl.col("rgn_name").alias("region24_name"),
                pl.col("rgn_code").alias("region24_code"),
            ),
            folder / "lad24_region24_geographr.csv",
        ),
    ]


def write_qof(geo: Geography, registers: pl.DataFrame, folder: Path) -> list[Path]:
    """QOF mapping (2023-24 organisation, 2024 codes) and one prevalence file a year."""
    ref = geo.ref
    practices = (
        geo.practices.select("practice_index", "practice_code", "practice_name", "pcn_code",
                             "pcn_name", "sub_icb_code")
        .join(ref.sub_icbs.select("sub_icb_code", "sub_icb_ods", "sub_icb_name", "icb_code"),
              on="sub_icb_code", how="left", maintain_order="left")
        .join(ref.icbs, on="icb_code", how="left", maintain_order="left")
        .join(ref.regions, on="region_code", how="left", maintain_order="left")
    )  # fmt: skip
    mapping = practices.select(
        pl.lit(ENGLAND_CODE).alias("NAT_ONS_CODE"),
        pl.lit("ENG").alias("NAT_CODE"),
        pl.lit("England").alias("NAT_COUNTRY"),
        pl.col("region_ods").alias("REGION_ODS_CODE"),
        pl.col("region_code").alias("REGION_ONS_CODE"),
        pl.col("region_name").alias("REGION_NAME"),
        pl.col("icb_ods").alias("ICB_ODS_CODE"),
        pl.col("icb_code").alias("ICB_ONS_CODE"),
        pl.col("icb_name").alias("ICB_NAME"),
        pl.col("sub_icb_ods").alias("SUB_ICB_ODS_CODE"),
        pl.col("sub_icb_code").alias("SUB_ICB_ONS_CODE"),
        pl.col("sub_icb_name").alias("SUB_ICB_NAME"),
        pl.col("pcn_code").alias("PCN_ODS_CODE"),
        pl.col("pcn_name").alias("PCN_NAME"),
        pl.col("practice_code").alias("PRACTICE_CODE"),
        pl.col("practice_name").alias("PRACTICE_NAME"),
    ).sort("PRACTICE_CODE")
    paths = [_write(mapping, folder / "MAPPING_NHS_GEOGRAPHIES_2324.csv")]
    codes = geo.practices["practice_code"]
    group_order = {g: i for i, g in enumerate(GROUPS)}
    for year in sorted(registers["year"].unique().to_list()):
        rows = registers.filter(pl.col("year") == year).with_columns(
            codes.gather(registers.filter(pl.col("year") == year)["practice_index"]).alias(
                "PRACTICE_CODE"
            ),
            pl.col("group_code").replace_strict(group_order, return_dtype=pl.Int64).alias("g"),
        )
        prevalence = rows.sort("PRACTICE_CODE", "g").select(
            "PRACTICE_CODE",
            pl.col("group_code").alias("GROUP_CODE"),
            pl.col("register").cast(pl.Float64).alias("REGISTER"),
            pl.lit("TOTAL").alias("PATIENT_LIST_TYPE"),
            pl.col("list_size").alias("PRACTICE_LIST_SIZE"),
        )
        name = f"PREVALENCE_{year % 100:02d}{(year + 1) % 100:02d}.csv"
        paths.append(_write(prevalence, folder / name))
    return paths


def write_imd(geo: Geography, folder: Path) -> Path:
    """IMD 2019 File 1 columns for the synthetic LSOAs that existed in 2011."""
    frame = geo.lsoas.filter(pl.col("in_2011")).select(
        pl.col("lsoa_code").alias("LSOA code (2011)"),
        pl.col("lsoa_name").alias("LSOA name (2011)"),
        pl.col("lad_code").alias("Local Authority District code (2019)"),
        pl.col("lad_name").alias("Local Authority District name (2019)"),
        pl.col("imd_rank").alias("Index of Multiple Deprivation (IMD) Rank"),
        pl.col("imd_decile").alias("Index of Multiple Deprivation (IMD) Decile"),
    )
    return _write(frame, folder / "imd2019_file1_synthetic.csv")


def write_population(geo: Geography, pop: Population, folder: Path) -> list[Path]:
    """Residents by LSOA (ONS MYEB long layout, banded) and one GP registered file a year."""
    lsoas = geo.lsoas
    n_bands = len(AGE_BANDS_5Y)
    index = np.repeat(np.arange(lsoas.height), 2 * n_bands)
    residents = pl.DataFrame(
        {
            "code": lsoas["lsoa_code"].gather(index),
            "name": lsoas["lsoa_name"].gather(index),
            "geography": pl.Series(["LSOA"]).gather(np.zeros(index.size, dtype=np.int64)),
            "sex": pl.Series(SEX_CODES).gather(np.tile(np.repeat([0, 1], n_bands), lsoas.height)),
            "age": pl.Series(AGE_BANDS_5Y).gather(np.tile(np.arange(n_bands), 2 * lsoas.height)),
            **{f"population_{year}": pop.lsoa[i].reshape(-1) for i, year in enumerate(pop.years)},
        }
    )
    paths = [_write(residents, folder / "lsoa_population_synthetic.csv")]
    practices = geo.practices.join(
        geo.ref.sub_icbs.select("sub_icb_code", "sub_icb_ods"), on="sub_icb_code", how="left",
        maintain_order="left", suffix="_ref",
    )  # fmt: skip
    n_practices, n_gp = practices.height, len(GP_BANDS)
    cells = np.repeat(np.arange(n_practices), 2 * n_gp)
    for i, year in enumerate(pop.years):
        counts = pop.practice[i]
        detail = pl.DataFrame(
            {
                "p": cells,
                "SEX": pl.Series(["MALE", "FEMALE"]).gather(
                    np.tile(np.repeat([0, 1], n_gp), n_practices)
                ),
                "AGE_GROUP_5": pl.Series(GP_BANDS).gather(
                    np.tile(np.arange(n_gp), 2 * n_practices)
                ),
                "NUMBER_OF_PATIENTS": counts.reshape(-1),
            }
        )
        totals = pl.DataFrame(
            {
                "p": np.arange(n_practices),
                "SEX": "ALL",
                "AGE_GROUP_5": "ALL",
                "NUMBER_OF_PATIENTS": counts.sum(axis=(1, 2)),
            }
        )
        rows = pl.concat([totals, detail]).sort("p", maintain_order=True)
        frame = rows.select(
            pl.lit(f"Patients Registered at a GP Practice April {year} (synthetic)").alias(
                "PUBLICATION"
            ),
            pl.lit(f"01APR{year}").alias("EXTRACT_DATE"),
            pl.lit("GP").alias("TYPE"),
            practices["sub_icb_ods"].gather(rows["p"]).alias("SUB_ICB_LOCATION_CODE"),
            practices["sub_icb_code"].gather(rows["p"]).alias("ONS_SUB_ICB_LOCATION_CODE"),
            practices["practice_code"].gather(rows["p"]).alias("CODE"),
            practices["postcode"].gather(rows["p"]).alias("POSTCODE"),
            "SEX",
            "AGE_GROUP_5",
            "NUMBER_OF_PATIENTS",
        )
        paths.append(_write(frame, folder / f"gp-reg-pat-prac-quin-age-{year}.csv"))
    return paths


def _labels(values: tuple[str | None, ...], index: pl.Series) -> pl.Series:
    """The label of each index (a gather: much faster than a replace on millions of rows)."""
    return pl.Series(values, dtype=pl.Utf8).gather(index.cast(pl.Int64))


def deaths_layout(geo: Geography, deaths: pl.DataFrame) -> pl.DataFrame:
    """The generated deaths in the deaths-v1 layout (docs/data-formats.md)."""
    texts, _ = causes.contributory_table()
    year = deaths["year"].cast(pl.Int64).to_numpy()
    first = np.r_[0, np.flatnonzero(np.diff(year)) + 1]
    sequence = np.arange(year.size) - np.repeat(first, np.diff(np.r_[first, year.size])) + 1
    yes_no = ("N", "Y")
    labelled = deaths.with_columns(
        pl.Series("record_number", year * 10_000_000 + sequence),
        _labels(SEX_CODES, deaths["sex_index"]).alias("sex"),
        _labels(ETHNIC_CODES, deaths["ethnic_index"]).alias("ethnic_group"),
        geo.lsoas["lsoa_code"].gather(deaths["lsoa_index"]).alias("lsoa_code"),
        geo.practices["practice_code"]
        .gather(deaths["practice_index"].clip(0, None))
        .alias("any_practice"),
        _labels(RESIDENCES, deaths["residence_index"]).alias("usual_residence"),
        _labels(PLACES, deaths["place_index"]).alias("place_of_death"),
        _labels(causes.CODE_TABLE, deaths["code_index"]).alias("underlying_cause"),
        _labels(texts, deaths["contributory_index"]).alias("contributory_causes"),
        _labels(yes_no, deaths["on_register"]).alias("register_flag"),
        _labels(yes_no, deaths["advance_care_plan"]).alias("acp_flag"),
        _labels(yes_no, deaths["epaccs_record"]).alias("epaccs_flag"),
    )
    return labelled.select(
        (pl.lit("SYN") + pl.col("record_number").cast(pl.Utf8)).alias("record_id"),
        "date_of_death",
        "date_of_registration",
        "age",
        "sex",
        "ethnic_group",
        "lsoa_code",
        pl.when(pl.col("practice_index") >= 0).then(pl.col("any_practice")).alias("practice_code"),
        "usual_residence",
        "place_of_death",
        "underlying_cause",
        "contributory_causes",
        pl.col("register_flag").alias("on_palliative_register"),
        pl.when(pl.col("on_register"))
        .then(pl.col("date_of_death") - pl.duration(days=pl.col("days_on_register")))
        .alias("palliative_register_date"),
        pl.col("acp_flag").alias("advance_care_plan"),
        pl.col("epaccs_flag").alias("epaccs_record"),
        "emergency_admissions_90d",
    )


def write_deaths(geo: Geography, deaths: pl.DataFrame, folder: Path) -> list[Path]:
    """One deaths file per registration year."""
    frame = deaths_layout(geo, deaths)
    years = deaths["year"]
    return [
        _write(frame.filter(years == year), folder / f"deaths_{year}.csv")
        for year in sorted(years.unique().to_list())
    ]
