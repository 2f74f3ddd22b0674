"""Resident and registered populations by sex and five-year band, year by year.

Each LSOA takes England's real age/sex structure (mid-2022), reshaped to its own share
aged 65+ (its LAD's real share, younger where more deprived) and a few more children in
deprived areas; a final proportional fit keeps England's structure exact. Registered
lists are the catchment shares of those residents, inflated as the real lists are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from etl.demo.geography import Geography
from peolc.vocabulary import AGE_BANDS_5Y

SEX_CODES = ("M", "F")
BASE_YEAR = 2022  # the year of the reference structure (ONS mid-2022)
OLD_FROM = AGE_BANDS_5Y.index("65-69")
CHILD_BANDS = 4  # 0-4 .. 15-19
# yearly growth by band: fewer births, more older people (England 2019-2023, roughly)
GROWTH = np.array([0.985] + [1.002] * (OLD_FROM - 1) + [1.018] * 4 + [1.025] * 2)
GP_BANDS = tuple(b.replace("-", "_") for b in AGE_BANDS_5Y[:-1]) + ("90_94", "95+")
SHARE_90_94 = 0.72  # of the 90+ band (England, mid-2022)


@dataclass(frozen=True)
class Population:
    """Counts by year × unit × sex × band (19 ESP bands for LSOAs, 20 GP bands)."""

    years: tuple[int, ...]
    lsoa: np.ndarray  # int64 [year, lsoa, sex, band]
    practice: np.ndarray  # int64 [year, practice, sex, gp band]

    def list_sizes(self, year: int) -> np.ndarray:
        """Registered patients per practice in ``year`` (the QOF list size)."""
        counts: np.ndarray = self.practice[self.years.index(year)].sum(axis=(1, 2))
        return counts


def england_structure(geo: Geography) -> np.ndarray:
    """England's mid-2022 residents as [sex, band] (sex order M, F)."""
    frame = geo.ref.england_population
    out = np.zeros((2, len(AGE_BANDS_5Y)))
    for sex, band, count in frame.select("sex", "age_band", "population").iter_rows():
        out[SEX_CODES.index(sex), AGE_BANDS_5Y.index(band)] = count
    return out


def _base_year(geo: Geography) -> np.ndarray:
    """Residents of each LSOA in the base year as floats [lsoa, sex, band]."""
    national = england_structure(geo)
    shape = national / national.sum()
    lsoas = geo.lsoas
    residents = lsoas["residents"].to_numpy()
    share65 = lsoas["share65"].to_numpy()
    decile = lsoas["imd_decile"].to_numpy().astype(np.float64)
    old = np.zeros(len(AGE_BANDS_5Y), dtype=bool)
    old[OLD_FROM:] = True
    national65 = shape[:, old].sum()
    young = shape[None, :, :] * np.ones((residents.size, 1, 1))
    children = 1.0 + 0.2 * (5.5 - decile) / 4.5
    young[:, :, :CHILD_BANDS] *= children[:, None, None]
    young[:, :, old] = 0.0
    young /= young.sum(axis=(1, 2), keepdims=True)
    older = shape[None, :, :] * np.ones((residents.size, 1, 1))
    older[:, :, ~old] = 0.0
    older /= national65
    mix = young * (1.0 - share65)[:, None, None] + older * share65[:, None, None]
    pop = mix * residents[:, None, None]
    # proportional fitting: England's structure (columns) and each LSOA's total (rows)
    target = national / national.sum() * residents.sum()
    for _ in range(4):
        pop *= (target / pop.sum(axis=0))[None, :, :]
        pop *= (residents / pop.sum(axis=(1, 2)))[:, None, None]
    out: np.ndarray = pop
    return out


def build_population(geo: Geography, years: tuple[int, ...]) -> Population:
    """Resident (LSOA) and registered (practice) populations for each year."""
    base = _base_year(geo)
    catch = geo.catchment
    lsoa_idx = catch["lsoa_index"].to_numpy()
    practice_idx = catch["practice_index"].to_numpy()
    inflation = geo.practices["inflation"].to_numpy()[practice_idx]
    weight = catch["share"].to_numpy() * inflation
    n_practices = geo.practices.height
    lsoa_out = np.empty((len(years), *base.shape), dtype=np.int64)
    practice_out = np.empty((len(years), n_practices, 2, len(GP_BANDS)), dtype=np.int64)
    for i, year in enumerate(years):
        pop = base * (GROWTH ** (year - BASE_YEAR))[None, None, :]
        lsoa_out[i] = np.rint(pop)
        registered = np.zeros((n_practices, 2, len(AGE_BANDS_5Y)))
        np.add.at(registered, practice_idx, pop[lsoa_idx] * weight[:, None, None])
        registered = np.rint(registered).astype(np.int64)
        top = registered[:, :, -1]
        nineties = np.rint(top * SHARE_90_94).astype(np.int64)
        practice_out[i, :, :, :-2] = registered[:, :, :-1]
        practice_out[i, :, :, -2] = nineties
        practice_out[i, :, :, -1] = top - nineties
    return Population(years, lsoa_out, practice_out)


def resident_frame(geo: Geography, pop: Population) -> pl.DataFrame:
    """Long frame lsoa_index, sex, band_index, population_<year>... (for the MYEB file)."""
    n_lsoa = geo.lsoas.height
    n_bands = len(AGE_BANDS_5Y)
    columns: dict[str, object] = {
        "lsoa_index": np.repeat(np.arange(n_lsoa), 2 * n_bands),
        "sex_index": np.tile(np.repeat(np.arange(2), n_bands), n_lsoa),
        "band_index": np.tile(np.arange(n_bands), 2 * n_lsoa),
    }
    for i, year in enumerate(pop.years):
        columns[f"population_{year}"] = pop.lsoa[i].reshape(-1)
    return pl.DataFrame(columns)
