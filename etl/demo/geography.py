"""Synthetic small areas and practices inside the real sub-ICB × LAD cells.

Every real NHS region, ICB, sub-ICB and LAD is kept at any scale. Each sub-ICB × LAD
cell gets LSOAs in proportion to its real LSOA count, with IMD deciles drawn from the
real deciles of that cell, so deprivation sits where it really is. Practices split each
sub-ICB's residents into contiguous catchments (an overlap table), so a death's practice
follows from where the person lived and practice deprivation follows its catchment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
import polars.selectors

from etl.demo.reference import Reference
from etl.demo.streams import stream

ENGLAND_RESIDENTS_2022 = 57_106_398  # ONS mid-2022 (reference/england_population.csv)
REAL_LSOAS = 33_755  # England LSOAs (2021)
IMD_LSOAS = 32_844  # England LSOAs (2011), the IMD 2019 ranks
PRACTICE_SIZE_SIGMA = 0.6  # log-sd of practice list sizes within a sub-ICB
IDENTIFICATION_SIGMA = 0.35  # log-odds sd of practices' identification of palliative need
MSOA_SIZES = (4, 5, 6)  # LSOAs per synthetic MSOA
LETTERS = tuple(chr(65 + i) for i in range(26))


@dataclass(frozen=True)
class Geography:
    """Synthetic LSOAs, practices and PCNs, and the real areas they sit in.

    Rows are in output order; other modules refer to them by position
    (``lsoa_index``, ``practice_index``).
    """

    ref: Reference
    lsoas: pl.DataFrame
    practices: pl.DataFrame
    catchment: pl.DataFrame  # lsoa_index, practice_index, share (of the LSOA's residents)


def stochastic_round(values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Round to integers without bias: up with probability equal to the fraction."""
    floor = np.floor(values)
    up = rng.random(values.shape) < values - floor
    out: np.ndarray = (floor + up).astype(np.int64)
    return out


def _allocate(ref: Reference, scale: float, seed: int) -> pl.DataFrame:
    """LSOAs per sub-ICB × LAD cell (column ``n``), at least one per LAD and sub-ICB."""
    cells = ref.cells.sort("lad_code", "sub_icb_code")
    counts = stochastic_round(cells["lsoas"].to_numpy() * scale, stream(seed, "cells"))
    cells = cells.with_columns(pl.Series("n", counts))
    for key in ("lad_code", "sub_icb_code"):
        totals = cells.group_by(key).agg(pl.col("n").sum())
        empty = totals.filter(pl.col("n") == 0)[key].to_list()
        topped = (
            cells.filter(pl.col(key).is_in(empty))
            .sort(["lsoas", "sub_icb_code", "lad_code"], descending=[True, False, False])
            .unique(key, keep="first", maintain_order=True)
            .select("sub_icb_code", "lad_code", pl.lit(1, pl.Int64).alias("extra"))
        )
        cells = (
            cells.join(topped, on=["sub_icb_code", "lad_code"], how="left", maintain_order="left")
            .with_columns((pl.col("n") + pl.col("extra").fill_null(0)).alias("n"))
            .drop("extra")
        )
    return cells.filter(pl.col("n") > 0)


def _deciles(cells: pl.DataFrame, seed: int) -> np.ndarray:
    """IMD deciles of each cell's LSOAs: systematic sampling of the cell's real mix."""
    rng = stream(seed, "deciles")
    columns = [f"imd_{d}" for d in range(1, 11)]
    mix = cells.select(columns).to_numpy().astype(np.float64)
    lad_mix = cells.select(pl.col(columns).sum().over("lad_code")).to_numpy().astype(np.float64)
    out: list[np.ndarray] = []
    for row, n in enumerate(cells["n"].to_list()):
        weights = mix[row] if mix[row].sum() > 0 else lad_mix[row] + 1e-6
        expected = np.cumsum(weights / weights.sum() * n)
        points = rng.random() + np.arange(n)
        picked = np.minimum(np.searchsorted(expected, points, side="right"), 9) + 1
        out.append(np.sort(picked))
    return np.concatenate(out)


def _msoa_parts(cell: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Chunk number and letter of each LSOA: MSOAs of 4-6 LSOAs within a cell."""
    n = cell.size
    sizes = stream(seed, "msoas").choice(MSOA_SIZES, size=n)
    starts = np.r_[0, np.flatnonzero(np.diff(cell)) + 1]
    ends = np.r_[starts[1:], n]
    chunk = np.zeros(n, dtype=np.int64)
    letter = np.zeros(n, dtype=np.int64)
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        within = np.arange(e - s)
        bounds = np.cumsum(sizes[s:e])
        k = np.searchsorted(bounds, within, side="right")
        chunk[s:e] = k
        letter[s:e] = within - np.r_[0, bounds][k]
    return chunk, letter


def _new_in_2021(lsoas: pl.DataFrame, cells: pl.DataFrame, seed: int) -> pl.DataFrame:
    """Mark LSOAs new in 2021 (no IMD 2019 of their own), as many as in the real cell.

    IMD 2019 is on LSOA 2011 codes; the warehouse gives a new LSOA the median decile of
    the 2011 LSOAs in its MSOA, so such LSOAs take that decile here too (and every
    MSOA keeps its first LSOA from 2011).
    """
    imd = [f"imd_{d}" for d in range(1, 11)]
    share_new = cells.select(
        pl.int_range(pl.len()).alias("cell"),
        (1 - pl.sum_horizontal(imd) / pl.col("lsoas")).alias("share_new"),
    )
    u = stream(seed, "new-in-2021").random(lsoas.height)
    lsoas = lsoas.join(share_new, on="cell", how="left", maintain_order="left").with_columns(
        ((pl.col("letter") == 0) | (pl.Series(u) >= pl.col("share_new"))).alias("in_2011")
    )
    msoa_median = pl.col("imd_decile").filter(pl.col("in_2011")).median().over("lad_code", "msoa")
    return lsoas.with_columns(
        pl.when(pl.col("in_2011"))
        .then(pl.col("imd_decile"))
        .otherwise((msoa_median + 0.5).floor().cast(pl.Int64))
        .alias("imd_decile")
    ).drop("share_new")


def _imd_ranks(lsoas: pl.DataFrame, seed: int) -> np.ndarray:
    """IMD ranks on the real scale (1 to 32,844, most deprived first) that give each
    LSOA's decile back as the published tenths of the ranks; distinct while they fit."""
    rng = stream(seed, "imd-rank")
    decile = lsoas["imd_decile"].to_numpy()
    in_2011 = lsoas["in_2011"].to_numpy()
    rank = np.zeros(decile.size, dtype=np.int64)  # 0 for LSOAs new in 2021 (no IMD rank)
    for d in range(1, 11):
        rows = np.flatnonzero((decile == d) & in_2011)
        low = IMD_LSOAS * (d - 1) // 10 + 1
        while np.ceil(low * 10 / IMD_LSOAS) < d:
            low += 1
        high = IMD_LSOAS * d // 10
        slots = np.arange(low, high + 1)
        rank[rows] = rng.choice(slots, rows.size, replace=rows.size > slots.size)
    return rank


def build_lsoas(ref: Reference, scale: float, seed: int) -> pl.DataFrame:
    """Synthetic LSOAs (codes E019xxxxx) with names, wards, IMD, residents and age mix."""
    cells = _allocate(ref, scale, seed)
    lsoas = (
        cells.select("lad_code", "sub_icb_code", pl.int_range(pl.len()).alias("cell"), "n")
        .select(pl.all().repeat_by("n"))
        .explode(pl.selectors.all())
        .drop("n")
        .with_columns(pl.Series("imd_decile", _deciles(cells, seed), dtype=pl.Int64))
    )
    chunk, letter = _msoa_parts(lsoas["cell"].to_numpy(), seed)
    lsoas = lsoas.with_columns(pl.Series("chunk", chunk), pl.Series("letter", letter))
    msoas = (
        lsoas.select("lad_code", "cell", "chunk")
        .unique(maintain_order=True)
        .with_columns(pl.int_range(1, pl.len() + 1).over("lad_code").alias("msoa"))
        .with_row_index("ward_index")
    )
    lsoas = (
        lsoas.join(msoas, on=["lad_code", "cell", "chunk"], how="left", maintain_order="left")
        .join(ref.lads, on="lad_code", how="left", maintain_order="left")
        .join(
            ref.sub_icbs.select("sub_icb_code", "sub_icb_ods", "sub_icb_name", "icb_code"),
            on="sub_icb_code",
            how="left",
            maintain_order="left",
        )
        .join(
            ref.icbs.select("icb_code", "icb_ods", "icb_name", "region_code"),
            on="icb_code",
            how="left",
            maintain_order="left",
        )
        .with_row_index("lsoa_index")
    )
    msoa = pl.col("msoa").cast(pl.Utf8).str.zfill(3)
    lsoas = lsoas.with_columns(
        pl.format("E019{}", pl.col("lsoa_index").cast(pl.Utf8).str.zfill(5)).alias("lsoa_code"),
        pl.format(
            "{} {}{}",
            "lad_name",
            msoa,
            pl.col("letter").replace_strict(list(range(26)), list(LETTERS), return_dtype=pl.Utf8),
        ).alias("lsoa_name"),
        pl.format("E059{}", pl.col("ward_index").cast(pl.Utf8).str.zfill(5)).alias("ward_code"),
        pl.format("{} synthetic ward {}", "lad_name", msoa).alias("ward_name"),
    )

    lsoas = _new_in_2021(lsoas, cells, seed)
    rank = _imd_ranks(lsoas, seed)

    # residents (mid-2022) and the share aged 65+: the LAD's real share, younger where
    # an LSOA is more deprived than its LAD, with some noise
    rng = stream(seed, "residents")
    size = rng.gamma(25.0, 1.0 / 25.0, lsoas.height)
    residents = size / size.sum() * ENGLAND_RESIDENTS_2022 * scale
    lad_share = (lsoas["population_65plus"] / lsoas["population"]).to_numpy()
    decile = lsoas["imd_decile"].to_numpy().astype(np.float64)
    lad_mean = (
        lsoas.select(pl.col("imd_decile").cast(pl.Float64).mean().over("lad_code"))
        .to_series()
        .to_numpy()
    )
    tilt = 0.35 * (decile - lad_mean) / 4.5 + rng.normal(0.0, 0.12, lsoas.height)
    share65 = np.clip(lad_share * np.exp(tilt), 0.03, 0.6)
    return lsoas.select(
        "lsoa_index",
        "lsoa_code",
        "lsoa_name",
        "ward_code",
        "ward_name",
        "lad_code",
        "lad_name",
        "cty_code",
        "cty_name",
        "rgn_code",
        "rgn_name",
        "sub_icb_code",
        "sub_icb_ods",
        "sub_icb_name",
        "icb_code",
        "icb_ods",
        "icb_name",
        "region_code",
        "imd_decile",
        "in_2011",
    ).with_columns(
        pl.Series("imd_rank", rank),
        pl.Series("residents", residents),
        pl.Series("share65", share65),
    )


def build_practices(
    ref: Reference, lsoas: pl.DataFrame, scale: float, seed: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Practices and PCNs per sub-ICB, and the catchment overlap with its LSOAs.

    Within a sub-ICB, LSOAs (in LAD/MSOA order) and practices (in random order) are laid
    on the same line, each taking a length proportional to its residents or list; where
    they overlap, that share of the LSOA's residents is registered with the practice.
    """
    rng = stream(seed, "practices")
    subs = ref.sub_icbs.sort("sub_icb_code")
    n_practices = np.maximum(1, stochastic_round(subs["practices"].to_numpy() * scale, rng)).astype(
        np.int64
    )
    n_pcns = np.minimum(
        n_practices, np.maximum(1, stochastic_round(subs["pcns"].to_numpy() * scale, rng))
    )
    per_sub = subs.select("sub_icb_code", "sub_icb_ods").with_columns(
        pl.Series("n_practices", n_practices), pl.Series("n_pcns", n_pcns)
    )
    practices = (
        per_sub.select(pl.all().repeat_by("n_practices"))
        .explode(pl.selectors.all())
        .with_columns(pl.int_range(pl.len()).over("sub_icb_code").alias("position"))
    )
    weight = np.exp(rng.normal(0.0, PRACTICE_SIZE_SIGMA, practices.height))
    practices = practices.with_columns(
        pl.Series("weight", weight),
        pl.Series("id_effect", rng.normal(0.0, IDENTIFICATION_SIGMA, practices.height)),
        (pl.col("position") * pl.col("n_pcns") // pl.col("n_practices")).alias("pcn_position"),
    ).with_row_index("practice_index")

    # the line: sub-ICB k covers [k, k + 1); LSOAs and practices fill it in order
    sub_rank = {code: k for k, code in enumerate(subs["sub_icb_code"].to_list())}
    ordered = (
        lsoas.select("lsoa_index", "sub_icb_code", "residents")
        .with_columns(
            pl.col("sub_icb_code").replace_strict(sub_rank, return_dtype=pl.Int64).alias("k")
        )
        .sort("k", "lsoa_index")
    )

    def starts(frame: pl.DataFrame, value: str) -> np.ndarray:
        """Where each row starts on the line (rows sorted by k; numpy sums in row order,
        so the same inputs always give the same floats)."""
        k = frame["k"].to_numpy()
        values = frame[value].to_numpy().astype(np.float64)
        totals = np.bincount(k, values, minlength=len(sub_rank))
        first = np.searchsorted(k, k, side="left")
        running = np.cumsum(values) - values
        before = running - running[first]
        out: np.ndarray = k + before / totals[k]
        return out

    l_start = starts(ordered, "residents")
    p_frame = practices.with_columns(
        pl.col("sub_icb_code").replace_strict(sub_rank, return_dtype=pl.Int64).alias("k")
    )
    p_start = starts(p_frame, "weight")
    edges = np.unique(np.r_[l_start, p_start, len(sub_rank)])
    lengths = np.diff(edges)
    mids = edges[:-1] + lengths / 2
    keep = lengths > 1e-12
    l_pos = np.searchsorted(l_start, mids[keep], side="right") - 1
    p_pos = np.searchsorted(p_start, mids[keep], side="right") - 1
    l_len = np.diff(np.r_[l_start, len(sub_rank)])
    catchment = pl.DataFrame(
        {
            "lsoa_index": ordered["lsoa_index"].to_numpy()[l_pos],
            "practice_index": p_frame["practice_index"].to_numpy()[p_pos],
            "share": lengths[keep] / l_len[l_pos],
        }
    ).sort("lsoa_index", "practice_index")

    # registered lists exceed residents as the sub-ICB's real lists exceed its residents
    lsoa_counts = ref.cells.group_by("sub_icb_code").agg(pl.col("lsoas").sum())
    inflation = subs.join(lsoa_counts, on="sub_icb_code").select(
        "sub_icb_code",
        (pl.col("list_size") / (pl.col("lsoas") * ENGLAND_RESIDENTS_2022 / REAL_LSOAS)).alias(
            "inflation"
        ),
    )
    practices = practices.join(inflation, on="sub_icb_code", how="left", maintain_order="left")
    pcn_index = (
        practices.select("sub_icb_code", "pcn_position")
        .unique(maintain_order=True)
        .with_row_index("pcn_index")
    )
    practices = practices.join(
        pcn_index, on=["sub_icb_code", "pcn_position"], how="left", maintain_order="left"
    ).with_columns(
        pl.format("Z{}", (pl.col("practice_index") + 1).cast(pl.Utf8).str.zfill(5)).alias(
            "practice_code"
        ),
        pl.format("UZ{}", (pl.col("pcn_index") + 1).cast(pl.Utf8).str.zfill(4)).alias("pcn_code"),
        pl.format(
            "ZZ99 {}{}{}",
            pl.col("practice_index") % 10,
            (pl.col("practice_index") // 10 % 26).replace_strict(
                list(range(26)), list(LETTERS), return_dtype=pl.Utf8
            ),
            (pl.col("practice_index") // 260 % 26).replace_strict(
                list(range(26)), list(LETTERS), return_dtype=pl.Utf8
            ),
        ).alias("postcode"),
    )
    practices = practices.with_columns(
        pl.format("Synthetic practice {}", "practice_code").alias("practice_name"),
        pl.format(
            "Synthetic PCN {} ({})",
            (pl.col("pcn_index") + 1).cast(pl.Utf8).str.zfill(4),
            "sub_icb_ods",
        ).alias("pcn_name"),
    )
    return practices, catchment
