"""The committed demo reference tables are what make_reference derives from the open files."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.demo import make_reference

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="needs ../shared/data (the open files)")
def test_committed_reference_matches_a_fresh_derivation(tmp_path: Path) -> None:
    written = make_reference.write(make_reference.build(SHARED_DATA), tmp_path)
    committed = sorted(make_reference.REFERENCE_DIR.glob("*.csv"))
    assert [p.name for p in committed] == sorted(p.name for p in written)
    for path in written:
        assert path.read_bytes() == (make_reference.REFERENCE_DIR / path.name).read_bytes(), (
            f"{path.name} differs: run python -m etl.demo.make_reference ../shared/data"
        )


def test_reference_is_small_and_national() -> None:
    import polars as pl

    ref = make_reference.REFERENCE_DIR
    assert sum(p.stat().st_size for p in ref.glob("*.csv")) < 100_000
    assert pl.read_csv(ref / "nhs_regions.csv").height == 7
    assert pl.read_csv(ref / "icbs.csv").height == 42
    assert pl.read_csv(ref / "sub_icbs.csv").height == 106
    assert pl.read_csv(ref / "lads.csv").height == 296
