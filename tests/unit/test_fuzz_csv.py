"""Property tests of the CSV readers: any bytes give a LoadError or a good load, never a crash.

``sniff`` sees arbitrary bytes (with and without BOMs, gzip and zip magic); ``load_files``
sees a valid header followed by rows built from awkward fields (quotes, delimiters, line
ends, suppression markers, payloads, long values), arbitrary text, or random byte edits of
a valid file, in several encodings. The only exception allowed is LoadError, and a load
that fails leaves the warehouse byte-for-byte as it was; one that succeeds logs what it
loaded. Bounded and derandomised: the same examples on every run.
"""

from __future__ import annotations

import codecs
import gzip
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.loading import load_files
from etl.sources import sniff
from peolc.errors import LoadError
from tests.bad_inputs.corpus import (
    DEATHS,
    EXTRACT,
    FINGERTIPS,
    GP_LISTS,
    IMD,
    LOOKUP,
    MAPPING,
    MYE,
    PREVALENCE,
    Table,
)
from tests.factories import deaths_frame

FAST = settings(
    max_examples=300,
    deadline=2000,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
LOADS = settings(
    max_examples=15,
    deadline=None,  # a load is a DuckDB transaction: ~0.2 s, more on a busy machine
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

PREFIXES = (b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, b"\x1f\x8b", b"PK\x03\x04", b"{")
FIELDS = (
    "", " ", "*", "c", "..", "NA", "null", "-", '"', '""', '"a""b"', '"x', "x\"y", ",", ";",
    "\t", "|", "\n", "\r\n", "\r", "'; drop table fact_death; --", "<script>x</script>",
    "../../etc/passwd", "ünïcödé", "死亡", "\ufeff", "\x00", "1,234", "-1", "1e308", "NaN",
    "2023-02-30", "31/12/2023", "2023-01-05", "M", "F", "Y", "N", "84", "E01012392",
    "A81001", "C34.9", "home", "white", "private_home", "x" * 3000,
)  # fmt: skip


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """A folder to write examples in, and the bytes of a warehouse that holds deaths."""
    folder = tmp_path_factory.mktemp("fuzz")
    db = folder / "base.duckdb"
    deaths_frame(30, seed=2, prefix="Z").write_csv(folder / "seed.csv")
    load_files(db, "deaths", [folder / "seed.csv"])
    return folder, db.read_bytes()


def load_or_refuse(
    folder: Path, warehouse: bytes, kind: str, data: bytes, name: str, lenient: bool = False
) -> None:
    """Load ``data`` as ``kind``: a LoadError leaves the warehouse as it was; else it logs."""
    db = folder / "w.duckdb"
    db.write_bytes(warehouse)
    for stale in folder.glob(".w.duckdb.*"):
        stale.unlink()
    path = folder / name
    path.write_bytes(data)
    try:
        [summary] = load_files(db, kind, [path], lenient=lenient)
    except LoadError as e:
        assert e.title and path.name in str(e)
        assert db.read_bytes() == warehouse
    else:
        with duckdb.connect(str(db), read_only=True) as con:
            logged = con.execute(
                "select rows_loaded from load_log where file_name = $f", {"f": path.name}
            ).fetchall()
        assert summary.skipped or logged == [(summary.rows_loaded,)]
        assert summary.rows_rejected == 0 or lenient
    assert not list(folder.glob(".w.duckdb.*.tmp*"))


def encode(text: str, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.compress(text.encode(), mtime=0)
    if encoding == "utf-16":
        return text.encode("utf-16")  # with a BOM
    return text.encode(encoding, errors="replace")


@FAST
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=3000))
def test_sniff_takes_any_bytes(base: tuple[Path, bytes], prefix: bytes, body: bytes) -> None:
    path = base[0] / "sniffed.csv"
    data = prefix + body
    if prefix == b"\x1f\x8b" and body[:1] == b"+":
        data = gzip.compress(body, mtime=0)  # a real gzip stream of arbitrary bytes
    path.write_bytes(data)
    try:
        source = sniff(path)
    except LoadError as e:
        assert path.name in str(e) or str(path) in str(e)
    else:
        assert source.size == len(data) and source.format in ("csv", "csv.gz", "xlsx", "geojson")
        assert all(isinstance(h, str) for h in source.header)


row = st.lists(st.sampled_from(FIELDS), min_size=0, max_size=len(DEATHS.header) + 2)


@LOADS
@given(
    rows=st.lists(row, min_size=0, max_size=6),
    delimiter=st.sampled_from([",", ";", "\t"]),
    newline=st.sampled_from(["\n", "\r\n"]),
    encoding=st.sampled_from(["utf-8", "latin-1", "utf-16", "gzip"]),
    lenient=st.booleans(),
)
def test_deaths_header_then_awkward_rows(
    base: tuple[Path, bytes],
    rows: list[list[str]],
    delimiter: str,
    newline: str,
    encoding: str,
    lenient: bool,
) -> None:
    lines = [delimiter.join(DEATHS.header), *(delimiter.join(r) for r in rows)]
    text = newline.join(lines) + newline
    load_or_refuse(*base, "deaths", encode(text, encoding), "deaths.csv", lenient)


@LOADS
@given(body=st.text(max_size=400), encoding=st.sampled_from(["utf-8", "latin-1", "utf-16"]))
def test_extract_header_then_any_text(base: tuple[Path, bytes], body: str, encoding: str) -> None:
    text = ",".join(EXTRACT.header) + "\n" + body
    load_or_refuse(*base, "icb-extract", encode(text, encoding), "extract.csv")


VALID = DEATHS.text().encode()


@LOADS
@given(
    edits=st.lists(
        st.tuples(
            st.integers(0, len(VALID) - 1),
            st.integers(0, 3),  # how many bytes to remove
            st.binary(max_size=4) | st.sampled_from([b'"', b",", b"\n", b"\r", b"\xff", b"\x00"]),
        ),
        min_size=1,
        max_size=4,
    ),
    lenient=st.booleans(),
)
def test_valid_deaths_file_with_byte_edits(
    base: tuple[Path, bytes], edits: list[tuple[int, int, bytes]], lenient: bool
) -> None:
    data = VALID
    for at, cut, insert in edits:
        at = min(at, len(data))
        data = data[:at] + insert + data[at + cut :]
    load_or_refuse(*base, "deaths", data, "deaths.csv", lenient)


# the header of every CSV layout, and a file name the loader accepts
LAYOUTS: tuple[tuple[str, Table, str], ...] = (
    ("fingertips", FINGERTIPS, "indicators.data.csv"),
    ("qof", PREVALENCE, "PREVALENCE_2223.csv"),
    ("qof", MAPPING, "MAPPING_NHS_GEOGRAPHIES_2223.csv"),
    ("lookups", LOOKUP, "lad24_region24.csv"),
    ("imd", IMD, "imd.csv"),
    ("population", MYE, "mye.csv"),
    ("population", GP_LISTS, "gp-reg-pat-prac-quin-age.csv"),
)


@LOADS
@given(
    layout=st.sampled_from(LAYOUTS),
    rows=st.lists(st.lists(st.sampled_from(FIELDS), max_size=16), max_size=5),
    good=st.integers(0, 3),
    lenient=st.booleans(),
)
def test_every_layout_with_awkward_rows(
    base: tuple[Path, bytes],
    layout: tuple[str, Table, str],
    rows: list[list[str]],
    good: int,
    lenient: bool,
) -> None:
    kind, table, name = layout
    valid = [",".join(r) for r in table.rows[:good]]
    text = "\n".join([",".join(table.header), *valid, *(",".join(r) for r in rows)]) + "\n"
    load_or_refuse(*base, kind, text.encode(), name, lenient)
