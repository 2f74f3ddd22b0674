"""Look at an input file before loading it: what it really is, and what its header says.

Analysts' exports arrive with BOMs, in Latin-1 or UTF-16, gzipped or as Excel workbooks
under a ``.csv`` name, with semicolons for commas. Sniffing by content (never by file
name) lets each loader read what the file is, or say exactly why it cannot.
"""

from __future__ import annotations

import atexit
import codecs
import csv
import gzip
import hashlib
import io
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from peolc.errors import LoadError

SNIFF_BYTES = 1 << 20
DELIMITERS = (",", ";", "\t", "|")


@dataclass(frozen=True)
class SourceFile:
    """What a file is: its bytes' fingerprint, format, text encoding and header."""

    path: Path
    sha256: str
    size: int
    format: str  # "csv", "csv.gz", "xlsx", "geojson"
    encoding: str  # "utf-8", "utf-16", "latin-1" (csv only)
    delimiter: str
    header: tuple[str, ...]
    notes: tuple[str, ...] = ()
    # a file read from inside a zip archive: the archive as given (``path`` is the member,
    # extracted to a private temporary folder); its name and bytes are the file's identity
    archive: Path | None = None

    @property
    def name(self) -> str:
        return (self.archive or self.path).name


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def normalise_name(name: str) -> str:
    """Header names compared without case, spaces or punctuation ("Lower CI 95.0 limit")."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


def _is_xlsx(head: bytes, path: Path) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _text_encoding(head: bytes, name: str) -> tuple[str, list[str]]:
    """Pick the encoding from a BOM, else UTF-8 if the first megabyte decodes, else Latin-1."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", [f"{name} is UTF-16; read as such"]
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", []
    if len(head) >= 4 and head[1] == 0 and head[3] == 0 and head[0] != 0:
        raise LoadError(
            f"{name} looks like UTF-16 without a byte-order mark.",
            f"{name}, line 1: expected UTF-8, UTF-16 with a BOM, or Latin-1 text. "
            "Re-save it as 'CSV UTF-8' from Excel.",
        )
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8", []
    except UnicodeDecodeError as e:
        line = head[: e.start].count(b"\n") + 1
        return "latin-1", [
            f"{name} is not UTF-8 (byte 0x{head[e.start]:02x} on line {line}); read as Latin-1"
        ]


def _first_line(text: str) -> str:
    """The header record, allowing quoted newlines inside header names."""
    reader = csv.reader(io.StringIO(text))
    try:
        return ",".join(next(reader))
    except (StopIteration, csv.Error):
        return ""


def _header_fields(text: str, delimiter: str) -> list[str]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return next(reader)
    except StopIteration:
        return []
    except csv.Error:
        return []


def _decode_head(head: bytes, encoding: str) -> str:
    decoder = codecs.getincrementaldecoder("utf-16" if encoding == "utf-16" else encoding)
    return decoder(errors="replace").decode(head, final=False).lstrip("\ufeff")


def sniff(path: Path) -> SourceFile:
    """Fingerprint and classify ``path``; raise LoadError if it is empty or unreadable."""
    path = Path(path)
    if not path.exists():
        raise LoadError(f"{path} does not exist.", "Check the path and try again.")
    if path.is_dir():
        raise LoadError(f"{path} is a folder, not a file.")
    size = path.stat().st_size
    name = path.name
    if size == 0:
        raise LoadError(f"{name} is empty.", f"{name}, line 1: expected a header row.")
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    sha = sha256_of(path)
    notes: list[str] = []
    if _is_xlsx(head, path):
        return SourceFile(path, sha, size, "xlsx", "utf-8", ",", (), ())
    if head.startswith(b"PK\x03\x04"):
        return _sniff_member(path, sha, size)
    fmt = "csv"
    if head.startswith(b"\x1f\x8b"):
        fmt = "csv.gz"
        notes.append(f"{name} is gzip-compressed; decompressed while reading")
        with gzip.open(path, "rb") as handle:
            try:
                head = handle.read(SNIFF_BYTES)
            except (OSError, EOFError) as e:
                raise LoadError(f"{name} is a damaged gzip file.", str(e)) from e
    stripped = head.lstrip()
    if stripped.startswith(b"{") and b'"type"' in head[:4096] and b"Feature" in head[:65536]:
        return SourceFile(path, sha, size, "geojson", "utf-8", ",", (), tuple(notes))
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if head[1:2] != b"\x00":
            raise LoadError(
                f"{name} is a binary file, not CSV text.",
                f"{name}: expected comma-separated text with a header row.",
            )
    encoding, enc_notes = _text_encoding(head, name)
    notes.extend(enc_notes)
    text = _decode_head(head, encoding)
    if not text.strip():
        raise LoadError(f"{name} is empty.", f"{name}, line 1: expected a header row.")
    delimiter, fields = _best_delimiter(text)
    if delimiter != ",":
        notes.append(f"{name} uses {delimiter!r} between fields; read as such")
    return SourceFile(
        path, sha, size, fmt, encoding, delimiter, tuple(f.strip() for f in fields), tuple(notes)
    )


_EXTRACTED: list[Path] = []


def _extract_folder() -> Path:
    """A private temporary folder for zip members, removed when the process ends."""
    if not _EXTRACTED:
        folder = Path(tempfile.mkdtemp(prefix="peolc-zip-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _EXTRACTED.append(folder)
    return _EXTRACTED[0]


def _sniff_member(path: Path, sha: str, size: int) -> SourceFile:
    """A zip archive holding one data file (NHS England publishes CSVs zipped): that file.

    The member is extracted to a temporary folder and sniffed like any file (it may itself
    be a CSV, gzip or a workbook); the result keeps the archive's name and fingerprint,
    so loading the same zip twice is still skipped. An archive of several data files is
    refused with their names: which one is meant cannot be guessed.
    """
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            members = [
                info
                for info in archive.infolist()
                if not info.is_dir()
                and not info.filename.startswith("__MACOSX/")
                and not Path(info.filename).name.startswith(".")
            ]
            if len(members) != 1:
                listed = ", ".join(m.filename for m in members[:10]) or "no files"
                raise LoadError(
                    f"{name} is a zip archive of {len(members)} files, not one data file.",
                    f"{name}: expected a zip holding one CSV or workbook; it holds {listed}. "
                    "Unzip it and load the files inside.",
                )
            member = members[0]
            target = _extract_folder() / sha[:16] / Path(member.filename).name
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                partial = target.with_name(target.name + ".part")
                with archive.open(member) as inside, open(partial, "wb") as out:
                    shutil.copyfileobj(inside, out, 1 << 22)
                partial.replace(target)
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        raise LoadError(f"{name} is a damaged zip archive.", f"{name}: {e}") from e
    if target.stat().st_size == 0:
        raise LoadError(f"{name} holds an empty file.", f"{name}: {member.filename} is empty.")
    inner = sniff(target)
    notes = (f"{name}: read {member.filename} from the zip archive", *inner.notes)
    return SourceFile(
        inner.path,
        sha,
        size,
        inner.format,
        inner.encoding,
        inner.delimiter,
        inner.header,
        notes,
        archive=path,
    )


def _best_delimiter(text: str) -> tuple[str, list[str]]:
    """The delimiter that splits the header into the most fields (comma on ties)."""
    best = (",", _header_fields(text, ","))
    for delimiter in DELIMITERS[1:]:
        fields = _header_fields(text, delimiter)
        if len(fields) > len(best[1]):
            best = (delimiter, fields)
    return best


def data_lines(source: SourceFile, rows: list[int], header_line: int = 1) -> dict[int, int]:
    """Map 1-based data-row numbers to the physical line each record starts on.

    Only called when problems are reported, so it may read the whole file in Python:
    quoted newlines make row number and line number differ.
    """
    wanted = set(rows)
    found: dict[int, int] = {}
    csv.field_size_limit(1 << 30)
    opener = gzip.open if source.format == "csv.gz" else open
    with opener(source.path, "rt", encoding=source.encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=source.delimiter)
        line_before = 0
        for index, _ in enumerate(reader):
            start = line_before + 1
            line_before = reader.line_num
            if index == 0:
                continue
            if index in wanted:
                found[index] = start + header_line - 1
                if len(found) == len(wanted):
                    break
    return found


def unclosed_quote_line(source: SourceFile) -> int | None:
    """The line on which a quoted value opens and never closes, or None if every one closes.

    DuckDB's single-threaded CSV reader ends such a file quietly at the quote (the row
    padded with nulls, the rest of the file dropped), so the reads that use it ask here
    first. A byte count settles most files (an even number of double quotes: each one
    that opens a value closes); otherwise Python's csv module finds the record that runs
    to the end of the file.
    """
    if source.format == "csv" and source.encoding in ("utf-8", "latin-1"):
        quotes = 0
        with open(source.path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 22), b""):
                quotes += block.count(b'"')
        if quotes % 2 == 0:
            return None
    csv.field_size_limit(1 << 30)
    opener = gzip.open if source.format == "csv.gz" else open
    start = 1
    try:
        with opener(source.path, "rt", encoding=source.encoding, newline="") as handle:
            reader = csv.reader(handle, delimiter=source.delimiter, strict=True)
            for _ in reader:
                start = reader.line_num + 1
    except csv.Error as e:
        return start if "unexpected end of data" in str(e) else None
    except (UnicodeDecodeError, OSError, EOFError):
        return None  # DuckDB's reader says what is wrong
    return None


_LINE_ENDS = {"\r\n": "CRLF (Windows)", "\n": "LF (Unix)", "\r": "CR (old Mac)"}


def mixed_line_ends(source: SourceFile) -> tuple[int, str] | None:
    """The first line that ends differently from line 1, and a sentence saying how.

    DuckDB's strict reader cannot read a file whose lines end in two ways and says only
    that its "state machine reached an invalid state"; this says where and why.
    """
    opener = gzip.open if source.format == "csv.gz" else open
    try:
        with opener(source.path, "rt", encoding=source.encoding, newline="") as handle:
            first: str | None = None
            for number, line in enumerate(handle, start=1):
                end = next((e for e in _LINE_ENDS if line.endswith(e)), None)
                if end is None:
                    return None  # the last line, without an end
                if first is None:
                    first = end
                elif end != first:
                    return number, (
                        f"this line ends {_LINE_ENDS[end]} but line 1 ends {_LINE_ENDS[first]}; "
                        "expected one kind of line end throughout (save the file again)"
                    )
    except (UnicodeDecodeError, OSError, EOFError):
        return None
    return None
