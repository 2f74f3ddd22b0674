"""QOF registers by practice and financial year, consistent with the synthetic deaths.

The palliative care (PC) register at a practice follows the people it identified among
its deaths that year, scaled so England's PC prevalence matches QOF (0.47% of the list
in 2022-23); it inherits the deaths' lower identification in deprived areas. The other
registers (CAN, DEM, COPD, HF) follow each practice's age mix and deprivation, scaled
to England's QOF prevalence.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from etl.demo.geography import Geography
from etl.demo.population import OLD_FROM, Population
from etl.demo.streams import stream

# England's PC register as a share of the list, by financial year start (QOF)
PC_PREVALENCE = {2019: 0.0041, 2020: 0.0043, 2021: 0.0045, 2022: 0.00466, 2023: 0.0048}
PC_OTHER_YEARS = 0.0045
RECORDING_SIGMA = 0.25  # practices differ in how they keep the register
# (England prevalence 2022-23, yearly trend, power of the 65+ share, per-decile effect)
OTHER_REGISTERS: dict[str, tuple[float, float, float, float]] = {
    "CAN": (0.036, 0.03, 0.9, 0.08),
    "DEM": (0.0072, 0.01, 1.3, 0.0),
    "COPD": (0.019, -0.01, 0.7, -0.35),
    "HF": (0.010, 0.04, 1.0, -0.12),
}
GROUPS = ("PC", "CAN", "DEM", "COPD", "HF")


def practice_deciles(geo: Geography) -> np.ndarray:
    """Resident-weighted mean IMD decile of each practice's catchment (5.5 if none)."""
    catch = geo.catchment
    lsoa = catch["lsoa_index"].to_numpy()
    practice = catch["practice_index"].to_numpy()
    weight = catch["share"].to_numpy() * geo.lsoas["residents"].to_numpy()[lsoa]
    decile = geo.lsoas["imd_decile"].to_numpy()[lsoa]
    n = geo.practices.height
    total = np.bincount(practice, weight, minlength=n)
    weighted = np.bincount(practice, weight * decile, minlength=n)
    out: np.ndarray = np.where(total > 0, weighted / np.maximum(total, 1e-12), 5.5)
    return out


def build_registers(
    geo: Geography, pop: Population, deaths: pl.DataFrame, seed: int
) -> pl.DataFrame:
    """Rows of the QOF prevalence files: year, practice, group, register, list size."""
    rng = stream(seed, "qof")
    n = geo.practices.height
    recording = np.exp(rng.normal(0.0, RECORDING_SIGMA, n))
    decile = practice_deciles(geo)
    identified = (
        deaths.filter(pl.col("on_register") & (pl.col("practice_index") >= 0))
        .group_by("year", "practice_index")
        .len()
    )
    frames = []
    for i, year in enumerate(pop.years):
        lists = pop.practice[i].sum(axis=(1, 2))
        old = pop.practice[i][:, :, OLD_FROM:].sum(axis=(1, 2))
        share65 = old / np.maximum(lists, 1)
        national65 = old.sum() / lists.sum()
        counts = np.zeros(n)
        rows = identified.filter(pl.col("year") == year)
        counts[rows["practice_index"].to_numpy()] = rows["len"].to_numpy()
        expected = counts * recording
        target = PC_PREVALENCE.get(year, PC_OTHER_YEARS) * lists.sum()
        registers = {"PC": rng.poisson(expected * target / max(expected.sum(), 1.0))}
        for group, (rate, trend, power, per_decile) in OTHER_REGISTERS.items():
            shape = (share65 / national65) ** power * np.exp(per_decile * (decile - 5.5) / 4.5)
            shape *= lists
            total = rate * (1 + trend) ** (year - 2022) * lists.sum()
            registers[group] = rng.poisson(shape * total / shape.sum())
        for group in GROUPS:
            frames.append(
                pl.DataFrame(
                    {
                        "year": np.full(n, year, dtype=np.int16),
                        "practice_index": np.arange(n),
                        "group_code": group,
                        "register": registers[group].astype(np.int64),
                        "list_size": lists.astype(np.int64),
                    }
                )
            )
    return pl.concat(frames)
