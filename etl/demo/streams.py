"""Named random streams: one generator per purpose, so adding a draw in one place never
shifts the numbers drawn anywhere else, and the same seed always gives the same data."""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, name: str) -> np.random.Generator:
    """The random generator for ``name`` under ``seed`` (independent of call order)."""
    return np.random.default_rng(
        [seed & 0xFFFFFFFF, (seed >> 32) & 0xFFFFFFFF, zlib.crc32(name.encode())]
    )
