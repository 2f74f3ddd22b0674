"""The bad-input corpus: broken files of every kind, each with the outcome it must have.

Every case starts from a small valid file of its kind (``BASE``) and breaks it one way:
an empty file, a missing column, Latin-1 text, a 20 MB field, a bow-tie polygon... Files
are built in a temporary folder when the test runs (nothing binary is committed). A case
either **loads** (how many rows, and for pure format variants: exactly the rows of the
clean file) or **fails** with a LoadError whose text names the file, the line (for
boundaries: the feature number; for workbooks: the sheet row), the column, what was
expected and (``found``) the values the check read. ``tests/unit/test_bad_inputs.py``
runs every case against a warehouse that already holds data and checks it afterwards.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from tests.factories import deaths_frame

# ------------------------------------------------------------------------------------
# what a case expects
# ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Loads:
    """The file loads: ``rows`` rows (as the load summary counts them)."""

    rows: int
    same_as_base: bool = False  # the warehouse ends exactly as after loading the clean file
    note: str = ""  # a phrase the load notes must contain
    check: tuple[str, list[tuple[object, ...]]] | None = None  # SQL and the rows it returns


@dataclass(frozen=True)
class Fails:
    """The load fails with a LoadError; its text names file, line and column."""

    title: str  # a phrase of the error's title
    line: int | None = None  # the line the first problem names (feature number, sheet row)
    column: str | None = None
    expected: str = ""  # a phrase of the detail that says what was expected
    found: str | None = None  # the value the first problem reports, exactly (if given)


@dataclass(frozen=True)
class Case:
    name: str  # kind/what-is-wrong
    kind: str
    why: str
    build: Callable[[Path], Path]  # writes the file into a folder, returns its path
    outcome: Loads | Fails

    @property
    def id(self) -> str:
        return self.name


# ------------------------------------------------------------------------------------
# tables and how to write them
# ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A CSV file as a header and rows of text (line 1 is the header)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def set(self, line: int, column: str, value: str) -> Table:
        """The table with one field changed (``line`` counts the header as line 1)."""
        at = self.header.index(column)
        rows = list(self.rows)
        row = list(rows[line - 2])
        row[at] = value
        rows[line - 2] = tuple(row)
        return replace(self, rows=tuple(rows))

    def append(self, *rows: tuple[str, ...]) -> Table:
        return replace(self, rows=self.rows + rows)

    def repeat(self, line: int) -> Table:
        """The table with the row on ``line`` added again at the end."""
        return self.append(self.rows[line - 2])

    def only(self, columns: list[str]) -> Table:
        """The table with just ``columns``, in that order."""
        at = [self.header.index(c) for c in columns]
        return Table(tuple(columns), tuple(tuple(r[i] for i in at) for r in self.rows))

    def without(self, column: str) -> Table:
        return self.only([c for c in self.header if c != column])

    def with_column(self, name: str, value: str) -> Table:
        return Table((*self.header, name), tuple((*r, value) for r in self.rows))

    def text(self, delimiter: str = ",", newline: str = "\n") -> str:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
        writer.writerow(self.header)
        writer.writerows(self.rows)
        return out.getvalue()


def parse(text: str) -> Table:
    header, *rows = csv.reader(io.StringIO(text))
    return Table(tuple(header), tuple(tuple(r) for r in rows))


def write(folder: Path, name: str, data: str | bytes, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def xlsx(table: Table, sheet: str = "Sheet1") -> bytes:
    """The table as an Excel workbook (every cell text, as analysts' exports often are)."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    page = book.add_worksheet(sheet)
    for r, row in enumerate((table.header, *table.rows)):
        for c, value in enumerate(row):
            page.write_string(r, c, value)
    book.close()
    return out.getvalue()


# ------------------------------------------------------------------------------------
# the clean files each case breaks
# ------------------------------------------------------------------------------------

DEATHS = parse(deaths_frame(8, seed=11, prefix="C").write_csv())

EXTRACT = parse(
    "period,area_code,area_type,measure,breakdown,breakdown_value,numerator,denominator\n"
    "2023,E54000008,icb,deaths_at_home,all,all,1200,4000\n"
    "2023,E54000008,icb,deaths_at_home,imd_quintile,1,250,610\n"
    "2023,E54000008,icb,deaths_at_home,sex,F,610,2050\n"
    "2023-24 Q1,QYG,icb,deaths_with_acp,sex,F,310,520\n"
)

FINGERTIPS = parse(
    "Indicator ID,Indicator Name,Parent Code,Parent Name,Area Code,Area Name,Area Type,Sex,"
    "Age,Category Type,Category,Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,"
    "Lower CI 99.8 limit,Upper CI 99.8 limit,Count,Denominator,Value note,Recent Trend,"
    "Compared to England value or percentiles,Compared to Region value or percentiles,"
    "Time period Sortable\n"
    "93475,Deaths at home,E12000002,North West,E08000009,Trafford,Counties & UAs,Persons,"
    "All ages,,,2022,30.3,27.5,33.2,26.4,34.5,330,1089,,,Similar,Similar,20220000\n"
    "93475,Deaths at home,E12000002,North West,E06000008,Blackburn with Darwen,"
    "Counties & UAs,Persons,All ages,,,2022,27.1,24.6,29.7,23.6,30.9,340,1255,,,Similar,"
    "Similar,20220000\n"
    "93475,Deaths at home,E92000001,England,E12000002,North West,Regions,Persons,All ages,,,"
    "2022,28.4,28.2,28.6,28.1,28.7,21700,76400,,,Lower,Not compared,20220000\n"
)

PREVALENCE_NAME = "PREVALENCE_2223.csv"
PREVALENCE = parse(
    "PRACTICE_CODE,GROUP_CODE,REGISTER,PATIENT_LIST_TYPE,PRACTICE_LIST_SIZE\n"
    "A81001,PC,38.0,TOTAL,3996\n"
    "A81001,CAN,112.0,TOTAL,3996\n"
    "A81002,PC,61.0,TOTAL,19500\n"
    "A81002,CAN,540.0,TOTAL,19500\n"
)

MAPPING = parse(
    "REGION_ODS_CODE,REGION_ONS_CODE,REGION_NAME,ICB_ODS_CODE,ICB_ONS_CODE,ICB_NAME,"
    "SUB_ICB_ODS_CODE,SUB_ICB_ONS_CODE,SUB_ICB_NAME,PCN_ODS_CODE,PCN_NAME,PRACTICE_CODE,"
    "PRACTICE_NAME\n"
    "Y63,E40000012,NORTH EAST AND YORKSHIRE,QHM,E54000050,NENC ICB,16C,E38000247,TEES VALLEY,"
    "U00070,ATH,A81001,THE DENSHAM SURGERY\n"
    "Y63,E40000012,NORTH EAST AND YORKSHIRE,QHM,E54000050,NENC ICB,16C,E38000247,TEES VALLEY,"
    "U00070,ATH,A81002,QUEENS PARK MEDICAL CENTRE\n"
)

LOOKUP = parse(
    "ltla24_code,ltla24_name,region24_code,region24_name\n"
    "E06000001,Hartlepool,E12000001,North East\n"
    "E06000002,Middlesbrough,E12000001,North East\n"
    "E08000009,Trafford,E12000002,North West\n"
)

IMD = parse(
    "LSOA code (2011),LSOA name (2011),Local Authority District code (2019),"
    "Index of Multiple Deprivation (IMD) Rank,Index of Multiple Deprivation (IMD) Decile\n"
    "E01000001,City of London 001A,E09000001,29199,9\n"
    "E01000002,City of London 001B,E09000001,30379,10\n"
    "E01000003,City of London 001C,E09000001,14915,5\n"
    "E01000005,City of London 001E,E09000001,8678,3\n"
)

MYE = parse(
    "code,name,geography,sex,age,population_2022\n"
    "E06000001,Hartlepool,Unitary Authority,M,0,500\n"
    "E06000001,Hartlepool,Unitary Authority,M,1,510\n"
    "E06000001,Hartlepool,Unitary Authority,F,0,480\n"
    "E06000001,Hartlepool,Unitary Authority,F,90,300\n"
)
MYE_BANDS = 3  # M 0-4, F 0-4, F 90+

GP_LISTS = parse(
    "PUBLICATION,EXTRACT_DATE,TYPE,SUB_ICB_LOCATION_CODE,ONS_SUB_ICB_LOCATION_CODE,CODE,"
    "POSTCODE,SEX,AGE_GROUP_5,NUMBER_OF_PATIENTS\n"
    "GP_PRAC_PAT_LIST,01APR2023,GP,16C,E38000247,A81001,TS18 1HU,MALE,0_4,100\n"
    "GP_PRAC_PAT_LIST,01APR2023,GP,16C,E38000247,A81001,TS18 1HU,FEMALE,0_4,96\n"
    "GP_PRAC_PAT_LIST,01APR2023,GP,16C,E38000247,A81001,TS18 1HU,FEMALE,ALL,2000\n"
)


def square(x: float, y: float, size: float) -> dict[str, object]:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(code: str | None, name: str | None, geometry: object) -> dict[str, object]:
    return {
        "type": "Feature",
        "properties": {"ICB23CD": code, "ICB23NM": name},
        "geometry": geometry,
    }


BOUNDARY_FEATURES = (
    feature("E54000008", "Cheshire and Merseyside", square(-2.9, 53.2, 0.3)),
    feature("E54000050", "North East and North Cumbria", square(-1.8, 54.6, 0.4)),
)


def geojson(features: tuple[dict[str, object], ...], crs: str | None = None) -> str:
    collection: dict[str, object] = {"type": "FeatureCollection", "features": list(features)}
    if crs is not None:
        collection["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(collection)


# the clean file of each kind (what the base warehouse does not yet hold)
BASE: dict[str, Callable[[Path], Path]] = {
    "deaths": lambda d: write(d, "deaths.csv", DEATHS.text()),
    "icb-extract": lambda d: write(d, "extract.csv", EXTRACT.text()),
    "fingertips": lambda d: write(d, "indicators.data.csv", FINGERTIPS.text()),
    "qof": lambda d: write(d, PREVALENCE_NAME, PREVALENCE.text()),
    "lookups": lambda d: write(d, "lad24_region24.csv", LOOKUP.text()),
    "imd": lambda d: write(d, "imd2019.csv", IMD.text()),
    "population": lambda d: write(d, "mye22.csv", MYE.text()),
    "boundaries": lambda d: write(d, "icb23.geojson", geojson(BOUNDARY_FEATURES)),
}
BASE_ROWS = {
    "deaths": 8,
    "icb-extract": 4,
    "fingertips": 3,
    "qof": 4,
    "lookups": 3,
    "imd": 4,
    "population": MYE_BANDS,
    "boundaries": 2,
}

# ------------------------------------------------------------------------------------
# the corpus
# ------------------------------------------------------------------------------------

LATEST = "load_id = (select max(load_id) from load_log)"  # rows of the case's load
_HUGE = "I10;" * 5_000_000  # a 20 MB field
_UTF16_NO_BOM = "utf-16-le"


def _truncate(text: str, cut: int) -> str:
    """The text with the last ``cut`` characters gone (no newline at the end)."""
    return text.rstrip("\n")[:-cut]


CASES: tuple[Case, ...] = (
    # ---------------------------------------------------------------- any file at all
    Case(
        "deaths/empty-file",
        "deaths",
        "no bytes at all",
        lambda d: write(d, "deaths.csv", b""),
        Fails("is empty", line=1, expected="expected a header row"),
    ),
    Case(
        "icb-extract/blank-lines-only",
        "icb-extract",
        "whitespace and newlines but no header",
        lambda d: write(d, "extract.csv", "\n\n  \n"),
        Fails("is empty", line=1, expected="expected a header row"),
    ),
    Case(
        "icb-extract/header-only",
        "icb-extract",
        "the header row and nothing else",
        lambda d: write(d, "extract.csv", ",".join(EXTRACT.header) + "\n"),
        Fails("header but no data rows", line=2, expected="at least one row of data"),
    ),
    Case(
        "qof/header-only",
        "qof",
        "a prevalence file with its header only",
        lambda d: write(d, PREVALENCE_NAME, ",".join(PREVALENCE.header) + "\n"),
        Fails("header but no data rows", line=2, expected="at least one row of data"),
    ),
    Case(
        "deaths/binary-file",
        "deaths",
        "a PNG saved as .csv",
        lambda d: write(d, "deaths.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)),
        Fails("binary file", expected="comma-separated text"),
    ),
    Case(
        "deaths/zip-of-one-csv",
        "deaths",
        "a zip archive holding one CSV (as NHS England publishes), saved as .csv",
        lambda d: write(d, "deaths.csv", _zip_of(DEATHS.text())),
        Loads(8, same_as_base=True, note="read deaths.csv from the zip archive"),
    ),
    Case(
        "deaths/zip-of-two-csvs",
        "deaths",
        "a zip archive of two CSVs: which one is meant cannot be guessed",
        lambda d: write(d, "deaths.zip", _zip_of(DEATHS.text(), DEATHS.text())),
        Fails("zip archive of 2 files", expected="Unzip it"),
    ),
    Case(
        "deaths/damaged-zip",
        "deaths",
        "a zip archive cut short",
        lambda d: write(d, "deaths.zip", _zip_of(DEATHS.text())[:60]),
        Fails("damaged zip archive"),
    ),
    # ---------------------------------------------------------------- columns
    Case(
        "deaths/missing-column",
        "deaths",
        "the sex column left out",
        lambda d: write(d, "deaths.csv", DEATHS.without("sex").text()),
        Fails("does not have the columns", line=1, column="sex", expected="required column"),
    ),
    Case(
        "deaths/misspelt-column",
        "deaths",
        "'date_of_deaht' for date_of_death: the message suggests the right name",
        lambda d: write(
            d, "deaths.csv", DEATHS.text().replace("date_of_death", "date_of_deaht", 1)
        ),
        Fails("does not have the columns", 1, "date_of_death", "did you mean 'date_of_deaht'"),
    ),
    Case(
        "icb-extract/wrong-file-kind",
        "icb-extract",
        "a deaths file loaded as an ICB extract",
        lambda d: write(d, "extract.csv", DEATHS.text()),
        Fails("does not have the columns", line=1, column="period", expected="required column"),
    ),
    Case(
        "deaths/geojson-given",
        "deaths",
        "a boundary file loaded as deaths",
        lambda d: write(d, "deaths.csv", geojson(BOUNDARY_FEATURES)),
        Fails("is GeoJSON, not a deaths file", expected="peolc load boundaries"),
    ),
    Case(
        "deaths/columns-reordered",
        "deaths",
        "every column present, in reverse order",
        lambda d: write(d, "deaths.csv", DEATHS.only(list(reversed(DEATHS.header))).text()),
        Loads(8, same_as_base=True),
    ),
    Case(
        "deaths/header-in-other-case-and-spacing",
        "deaths",
        "'Date Of Death', 'RECORD ID': names match without case, spaces or punctuation",
        lambda d: write(
            d,
            "deaths.csv",
            Table(tuple(h.replace("_", " ").title() for h in DEATHS.header), DEATHS.rows).text(),
        ),
        Loads(8, same_as_base=True),
    ),
    Case(
        "deaths/extra-columns",
        "deaths",
        "two unknown columns are ignored and listed in the notes",
        lambda d: write(
            d, "deaths.csv", DEATHS.with_column("nhs_number", "x").with_column("notes", "y").text()
        ),
        Loads(8, same_as_base=True, note="ignored columns: nhs_number, notes"),
    ),
    Case(
        "fingertips/optional-columns-absent",
        "fingertips",
        "no 'Compared to' or 'Time period Sortable' columns (older exports)",
        lambda d: write(
            d,
            "indicators.data.csv",
            FINGERTIPS.only(
                [h for h in FINGERTIPS.header if not h.startswith(("Compared", "Time period S"))]
            ).text(),
        ),
        Loads(
            3,
            check=(
                "select count(*) from fact_indicator "
                f"where compared_to_england is null and {LATEST}",
                [(3,)],
            ),
        ),
    ),
    # ---------------------------------------------------------------- delimiters, line ends
    Case(
        "deaths/semicolons",
        "deaths",
        "';' between fields (European Excel)",
        lambda d: write(d, "deaths.csv", DEATHS.text(delimiter=";")),
        Loads(8, same_as_base=True, note="uses ';' between fields"),
    ),
    Case(
        "icb-extract/tabs-crlf",
        "icb-extract",
        "tab-separated with Windows line ends",
        lambda d: write(d, "extract.csv", EXTRACT.text(delimiter="\t", newline="\r\n")),
        Loads(4, same_as_base=True, note="uses '\\t' between fields"),
    ),
    Case(
        "lookups/pipes",
        "lookups",
        "'|' between fields",
        lambda d: write(d, "lad24_region24.csv", LOOKUP.text(delimiter="|")),
        Loads(3, same_as_base=True),
    ),
    Case(
        "icb-extract/more-fields-than-header",
        "icb-extract",
        "an unquoted thousands separator splits a number into two fields",
        lambda d: write(d, "extract.csv", EXTRACT.text().replace(",1200,4000", ",1,200,4000")),
        Fails("could not be read as CSV", line=2, expected="more fields than the header"),
    ),
    Case(
        "deaths/colon-delimited",
        "deaths",
        "':' between fields is not a delimiter the reader knows: one long column",
        lambda d: write(d, "deaths.csv", DEATHS.text(delimiter=":")),
        Fails("does not have the columns", line=1, column="record_id", expected="required column"),
    ),
    Case(
        "deaths/mixed-line-ends",
        "deaths",
        "lines 1-4 end LF, the rest CRLF (DuckDB's strict reader cannot read it and used to "
        "say only that its state machine reached an invalid state)",
        lambda d: write(d, "deaths.csv", DEATHS.text(newline="\r\n").replace("\r\n", "\n", 4)),
        Fails("could not be read as CSV", line=5, expected="expected one kind of line end"),
    ),
    Case(
        "deaths/quoted-newline-then-extra-field",
        "deaths",
        "after a quoted newline (line 3-4), line 6 has one field too many: the error names "
        "the file line, not DuckDB's record count",
        lambda d: write(
            d,
            "deaths.csv",
            _nth_replace(
                DEATHS.set(3, "contributory_causes", "I10;\nE11").text(), "\n", ",extra\n", 6
            ),
        ),
        Fails("could not be read as CSV", line=6, expected="more fields than the header"),
    ),
    # ---------------------------------------------------------------- encodings
    Case(
        "fingertips/latin-1",
        "fingertips",
        "Windows 'ANSI' (Latin-1) with an accented area name",
        lambda d: write(
            d,
            "indicators.data.csv",
            FINGERTIPS.set(2, "Area Name", "Trafförd").text(),
            encoding="latin-1",
        ),
        Loads(
            3,
            note="read as Latin-1",
            check=(
                f"select area_name from fact_indicator where area_code = 'E08000009' and {LATEST}",
                [("Trafförd",)],
            ),
        ),
    ),
    Case(
        "lookups/utf-16-with-bom",
        "lookups",
        "UTF-16 with a byte-order mark (Excel 'Unicode text')",
        lambda d: write(
            d, "lad24_region24.csv", codecs.BOM_UTF16_LE + LOOKUP.text().encode(_UTF16_NO_BOM)
        ),
        Loads(3, same_as_base=True, note="is UTF-16"),
    ),
    Case(
        "deaths/utf-16-with-bom-tabs",
        "deaths",
        "UTF-16 big-endian with a BOM and tabs, as Excel's 'Unicode text' saves",
        lambda d: write(d, "deaths.csv", DEATHS.text(delimiter="\t").encode("utf-16")),
        Loads(8, same_as_base=True, note="is UTF-16"),
    ),
    Case(
        "icb-extract/utf-16-without-bom",
        "icb-extract",
        "UTF-16 with no byte-order mark: cannot be told apart safely",
        lambda d: write(d, "extract.csv", EXTRACT.text().encode(_UTF16_NO_BOM)),
        Fails("UTF-16 without a byte-order mark", line=1, expected="expected UTF-8"),
    ),
    Case(
        "imd/utf-8-bom",
        "imd",
        "UTF-8 with a BOM (Excel 'CSV UTF-8'): the first column name must still match",
        lambda d: write(d, "imd2019.csv", codecs.BOM_UTF8 + IMD.text().encode()),
        Loads(4, same_as_base=True),
    ),
    # ---------------------------------------------------------------- compressed, workbooks
    Case(
        "deaths/gzip-named-csv",
        "deaths",
        "gzip-compressed but named .csv",
        lambda d: write(d, "deaths.csv", gzip.compress(DEATHS.text().encode(), mtime=0)),
        Loads(8, same_as_base=True, note="gzip-compressed"),
    ),
    Case(
        "deaths/damaged-gzip",
        "deaths",
        "a gzip file cut short",
        lambda d: write(d, "deaths.csv", gzip.compress(DEATHS.text().encode(), mtime=0)[:60]),
        Fails("damaged gzip"),
    ),
    Case(
        "deaths/xlsx-named-csv",
        "deaths",
        "an Excel workbook saved under a .csv name",
        lambda d: write(d, "deaths.csv", xlsx(DEATHS)),
        Loads(8, same_as_base=True),
    ),
    Case(
        "imd/xlsx-wrong-sheet",
        "imd",
        "the IMD workbook without its IMD2019 sheet",
        lambda d: write(d, "imd2019.xlsx", xlsx(IMD, sheet="Notes")),
        Fails("could not be read as an Excel workbook", expected="sheet named 'IMD2019'"),
    ),
    Case(
        "population/xlsx-bad-age",
        "population",
        "MYEB1 sheet with an age of 150: the line is the sheet row",
        lambda d: write(d, "mye22final.xlsx", xlsx(MYE.set(4, "age", "150"), sheet="MYEB1")),
        Fails("rows that cannot be loaded", line=4, column="age", expected="a single year of age"),
    ),
    # ---------------------------------------------------------------- broken lines and quotes
    Case(
        "deaths/truncated-last-line",
        "deaths",
        "the file ends half way through its last row",
        lambda d: write(d, "deaths.csv", _truncate(DEATHS.text(), 60)),
        Fails("rows that cannot be loaded", line=9, expected="a value is required"),
    ),
    Case(
        "deaths/unclosed-quote",
        "deaths",
        "a quoted value never closed (the rest of the file swallowed)",
        lambda d: write(
            d,
            "deaths.csv",
            DEATHS.set(5, "contributory_causes", "").text().replace("C0000003,", 'C0000003,"', 1),
        ),
        Fails("could not be read as CSV", line=5, expected="never closed"),
    ),
    Case(
        "icb-extract/unclosed-quote-in-last-column",
        "icb-extract",
        "a quote opens the (optional) denominator of line 3 and never closes: DuckDB's "
        "single-threaded reader used to drop lines 3-5 silently and load 2 rows",
        lambda d: write(d, "extract.csv", EXTRACT.text().replace(",610\n", ',"610\n')),
        Fails("could not be read as CSV", line=3, expected="never closed"),
    ),
    Case(
        "fingertips/quoted-newlines-and-unclosed-quote",
        "fingertips",
        "quoted newlines (which need the single-threaded fast read) and a quote opening the "
        "last field of the second row (lines 4-5) that never closes",
        lambda d: write(
            d,
            "indicators.data.csv",
            _nth_replace(
                Table(
                    FINGERTIPS.header,
                    tuple((r[0], "Deaths\nat home", *r[2:]) for r in FINGERTIPS.rows),
                ).text(),
                ",20220000\n",
                ',"20220000\n',
                2,
            ),
        ),
        Fails("could not be read as CSV", line=4, expected="never closed"),
    ),
    Case(
        "fingertips/quoted-newlines",
        "fingertips",
        "a newline inside a quoted indicator name (as Fingertips exports)",
        lambda d: write(
            d,
            "indicators.data.csv",
            Table(
                FINGERTIPS.header, tuple((r[0], "Deaths\nat home", *r[2:]) for r in FINGERTIPS.rows)
            ).text(),
        ),
        Loads(
            3,
            check=(
                "select indicator_name from fingertips_indicator where indicator_id = 93475",
                [("Deaths at home",)],
            ),
        ),
    ),
    Case(
        "deaths/quoted-newline-then-bad-value",
        "deaths",
        "a quoted newline on line 3 moves the bad sex of data row 5 down to line 7",
        lambda d: write(
            d,
            "deaths.csv",
            DEATHS.set(3, "contributory_causes", "I10;\nE11").set(6, "sex", "X").text(),
        ),
        Fails("rows that cannot be loaded", line=7, column="sex", expected="one of: M, F"),
    ),
    Case(
        "deaths/huge-line",
        "deaths",
        "a 20 MB field on line 4",
        lambda d: write(d, "deaths.csv", DEATHS.set(4, "contributory_causes", _HUGE).text()),
        Fails("could not be read as CSV", line=4, expected="longer than the largest allowed"),
    ),
    # ---------------------------------------------------------------- numbers
    Case(
        "icb-extract/thousands-separators",
        "icb-extract",
        "'1,200' quoted, with a comma for thousands",
        lambda d: write(
            d,
            "extract.csv",
            EXTRACT.set(2, "numerator", "1,200").set(2, "denominator", "4,000").text(),
        ),
        Loads(4, same_as_base=True),
    ),
    Case(
        "population/thousands-separators",
        "population",
        "GP list sizes written '1,000' (a whole-number column)",
        lambda d: write(
            d, "gp-reg-pat-prac-quin-age.csv", GP_LISTS.set(2, "NUMBER_OF_PATIENTS", "1,000").text()
        ),
        Loads(
            2,
            check=(
                f"select population from fact_population where sex = 'M' and {LATEST}",
                [(1000,)],
            ),
        ),
    ),
    Case(
        "deaths/text-in-number",
        "deaths",
        "age 'eighty'",
        lambda d: write(d, "deaths.csv", DEATHS.set(6, "age", "eighty").text()),
        Fails(
            "rows that cannot be loaded", line=6, column="age", expected="age in completed years"
        ),
    ),
    Case(
        "fingertips/text-in-number",
        "fingertips",
        "a Value of 'n/a%' (not a suppression marker)",
        lambda d: write(d, "indicators.data.csv", FINGERTIPS.set(3, "Value", "27.1%").text()),
        Fails("rows that cannot be loaded", line=3, column="value", expected="a number"),
    ),
    Case(
        "icb-extract/negative-count",
        "icb-extract",
        "a numerator of -5",
        lambda d: write(d, "extract.csv", EXTRACT.set(3, "numerator", "-5").text()),
        Fails(
            "rows that cannot be loaded",
            line=3,
            column="numerator",
            expected="0 or more",
            found="-5",
        ),
    ),
    Case(
        "population/negative-count",
        "population",
        "a mid-year estimate of -1 people",
        lambda d: write(d, "mye22.csv", MYE.set(3, "population_2022", "-1").text()),
        Fails("rows that cannot be loaded", line=3, column="population_2022", expected="0 or more"),
    ),
    Case(
        "qof/negative-list-size",
        "qof",
        "a practice list of -3996",
        lambda d: write(
            d, PREVALENCE_NAME, PREVALENCE.set(2, "PRACTICE_LIST_SIZE", "-3996").text()
        ),
        Fails("rows that cannot be loaded", line=2, column="list_size", expected="0 or more"),
    ),
    Case(
        "qof/register-above-list-size",
        "qof",
        "register above the list: NHS England publishes such rows (Y05750 LD 121 of 118 in "
        "2022-23: the register and the list are counted on different dates), so it loads",
        lambda d: write(d, PREVALENCE_NAME, PREVALENCE.set(2, "REGISTER", "4100.0").text()),
        Loads(
            4,
            check=(
                "select register, list_size from fact_qof where practice_code = 'A81001' "
                f"and group_code = 'PC' and {LATEST}",
                [(4100, 3996)],
            ),
        ),
    ),
    # ---------------------------------------------------------------- plausibility
    Case(
        "icb-extract/negative-denominator",
        "icb-extract",
        "a denominator of -610",
        lambda d: write(d, "extract.csv", EXTRACT.set(3, "denominator", "-610").text()),
        Fails(
            "rows that cannot be loaded",
            line=3,
            column="denominator",
            expected="0 or more",
            found="-610",
        ),
    ),
    Case(
        "icb-extract/numerator-above-denominator",
        "icb-extract",
        "9000 deaths at home of 4000 deaths: deaths_at_home is a proportion",
        lambda d: write(d, "extract.csv", EXTRACT.set(2, "numerator", "9000").text()),
        Fails(
            "rows that cannot be loaded",
            line=2,
            column="numerator",
            expected="the numerator is above the denominator of a proportion",
            found="numerator=9000, denominator=4000, measure=deaths_at_home",
        ),
    ),
    Case(
        "icb-extract/events-above-denominator",
        "icb-extract",
        "9000 bed days for 4000 deaths: the name says the measure counts days, so it loads",
        lambda d: write(
            d,
            "extract.csv",
            EXTRACT.set(2, "measure", "hospital_bed_days_last_90d")
            .set(2, "numerator", "9000")
            .text(),
        ),
        Loads(
            4,
            check=(
                "select numerator, denominator from fact_measure "
                f"where measure = 'hospital_bed_days_last_90d' and {LATEST}",
                [(9000.0, 4000.0)],
            ),
        ),
    ),
    Case(
        "fingertips/negative-count",
        "fingertips",
        "a count of -330",
        lambda d: write(d, "indicators.data.csv", FINGERTIPS.set(2, "Count", "-330").text()),
        Fails(
            "rows that cannot be loaded",
            line=2,
            column="count",
            expected="0 or more",
            found="-330",
        ),
    ),
    Case(
        "fingertips/negative-denominator",
        "fingertips",
        "a denominator of -1255",
        lambda d: write(d, "indicators.data.csv", FINGERTIPS.set(3, "Denominator", "-1255").text()),
        Fails(
            "rows that cannot be loaded",
            line=3,
            column="denominator",
            expected="0 or more",
            found="-1255",
        ),
    ),
    Case(
        "fingertips/count-above-denominator",
        "fingertips",
        "2000 deaths at home of 1089 deaths, with a value of 30.3%",
        lambda d: write(d, "indicators.data.csv", FINGERTIPS.set(2, "Count", "2000").text()),
        Fails(
            "rows that cannot be loaded",
            line=2,
            column="count",
            expected="the count is above the denominator of a percentage",
            found="count=2000, denominator=1089, value=30.3",
        ),
    ),
    Case(
        "fingertips/count-above-denominator-of-a-ratio",
        "fingertips",
        "count above denominator where the value is no percentage: an indirectly standardised "
        "ratio (observed 2000 / expected 1089 x 100 = 183.7) and a ratio per one "
        "(1.837), so both load",
        lambda d: write(
            d,
            "indicators.data.csv",
            FINGERTIPS.set(2, "Count", "2000")
            .set(2, "Value", "183.65")
            .set(2, "Lower CI 95.0 limit", "175.7")
            .set(2, "Upper CI 95.0 limit", "191.8")
            .set(2, "Lower CI 99.8 limit", "171.5")
            .set(2, "Upper CI 99.8 limit", "196.4")
            .set(3, "Count", "2000")
            .set(3, "Denominator", "1089")
            .set(3, "Value", "1.8365")
            .set(3, "Lower CI 95.0 limit", "1.757")
            .set(3, "Upper CI 95.0 limit", "1.918")
            .set(3, "Lower CI 99.8 limit", "1.715")
            .set(3, "Upper CI 99.8 limit", "1.964")
            .text(),
        ),
        Loads(3),
    ),
    Case(
        "fingertips/lower-above-upper-95",
        "fingertips",
        "a 95% interval from 29.9 down to 29.7",
        lambda d: write(
            d, "indicators.data.csv", FINGERTIPS.set(3, "Lower CI 95.0 limit", "29.9").text()
        ),
        Fails(
            "rows that cannot be loaded",
            line=3,
            column="lower_95",
            expected="the lower 95% limit is above the upper one",
            found="lower_95=29.9, upper_95=29.7",
        ),
    ),
    Case(
        "fingertips/lower-above-upper-99.8",
        "fingertips",
        "a 99.8% interval from 28.8 down to 28.7",
        lambda d: write(
            d, "indicators.data.csv", FINGERTIPS.set(4, "Lower CI 99.8 limit", "28.8").text()
        ),
        Fails(
            "rows that cannot be loaded",
            line=4,
            column="lower_998",
            expected="the lower 99.8% limit is above the upper one",
            found="lower_998=28.8, upper_998=28.7",
        ),
    ),
    Case(
        "fingertips/value-outside-limits",
        "fingertips",
        "a value of 33.3 with 95% limits 27.5 to 33.2",
        lambda d: write(d, "indicators.data.csv", FINGERTIPS.set(2, "Value", "33.3").text()),
        Fails(
            "rows that cannot be loaded",
            line=2,
            column="value",
            expected="the value is outside its own 95% limits",
            found="value=33.3, lower_95=27.5, upper_95=33.2",
        ),
    ),
    Case(
        "fingertips/value-on-a-rounded-limit",
        "fingertips",
        "a value of 30.3 with an upper 95% limit of 30.29999: apart by 1e-5, within the "
        "published rounding (one part in a million of 30.3 is 3.03e-5), so it loads",
        lambda d: write(
            d,
            "indicators.data.csv",
            FINGERTIPS.set(2, "Upper CI 95.0 limit", "30.29999").text(),
        ),
        Loads(3),
    ),
    # ---------------------------------------------------------------- dates and ages
    Case(
        "deaths/impossible-date",
        "deaths",
        "30 February",
        lambda d: write(d, "deaths.csv", DEATHS.set(4, "date_of_death", "2023-02-30").text()),
        Fails(
            "rows that cannot be loaded", line=4, column="date_of_death", expected="a date of death"
        ),
    ),
    Case(
        "deaths/future-date",
        "deaths",
        "registered in 2099",
        lambda d: write(
            d, "deaths.csv", DEATHS.set(5, "date_of_registration", "2099-01-01").text()
        ),
        Fails(
            "rows that cannot be loaded",
            line=5,
            column="date_of_registration",
            expected="between 1990-01-01 and today",
        ),
    ),
    Case(
        "deaths/registered-before-death",
        "deaths",
        "registration dated before the death",
        lambda d: write(
            d, "deaths.csv", DEATHS.set(3, "date_of_registration", "2022-12-31").text()
        ),
        Fails(
            "rows that cannot be loaded",
            line=3,
            column="date_of_registration",
            expected="before the death",
        ),
    ),
    Case(
        "deaths/dd-mm-yyyy-dates",
        "deaths",
        "dates written 05/01/2023 (UK Excel)",
        lambda d: write(d, "deaths.csv", _uk_dates(DEATHS).text()),
        Loads(8, same_as_base=True),
    ),
    Case(
        "deaths/flag-not-y-or-n",
        "deaths",
        "on_palliative_register 'maybe'",
        lambda d: write(d, "deaths.csv", DEATHS.set(9, "on_palliative_register", "maybe").text()),
        Fails(
            "rows that cannot be loaded", line=9, column="on_palliative_register", expected="Y or N"
        ),
    ),
    Case(
        "deaths/impossible-age",
        "deaths",
        "age 130",
        lambda d: write(d, "deaths.csv", DEATHS.set(7, "age", "130").text()),
        Fails("rows that cannot be loaded", line=7, column="age", expected="0 to 120"),
    ),
    Case(
        "deaths/negative-age",
        "deaths",
        "age -1",
        lambda d: write(d, "deaths.csv", DEATHS.set(2, "age", "-1").text()),
        Fails("rows that cannot be loaded", line=2, column="age", expected="0 to 120"),
    ),
    Case(
        "population/bad-extract-date",
        "population",
        "GP list extract dated 31FEB2023",
        lambda d: write(
            d, "gp-reg-pat-prac-quin-age.csv", GP_LISTS.set(3, "EXTRACT_DATE", "31FEB2023").text()
        ),
        Fails("rows that cannot be loaded", line=3, column="extract_date", expected="01APR2023"),
    ),
    # ---------------------------------------------------------------- codes
    Case(
        "deaths/malformed-lsoa",
        "deaths",
        "an LSOA code with a digit missing",
        lambda d: write(d, "deaths.csv", DEATHS.set(8, "lsoa_code", "E0101239").text()),
        Fails("rows that cannot be loaded", line=8, column="lsoa_code", expected="an LSOA code"),
    ),
    Case(
        "deaths/unknown-lsoa",
        "deaths",
        "a well-formed LSOA code no lookup knows: geography is attached when queried",
        lambda d: write(d, "deaths.csv", DEATHS.set(8, "lsoa_code", "E01999999").text()),
        Loads(
            8,
            check=(
                f"select count(*) from fact_death where lsoa_code = 'E01999999' and {LATEST}",
                [(1,)],
            ),
        ),
    ),
    Case(
        "icb-extract/unknown-area",
        "icb-extract",
        "an ICB code that does not exist: rows go to fact_measure as given",
        lambda d: write(d, "extract.csv", EXTRACT.set(2, "area_code", "E54999999").text()),
        Loads(4),
    ),
    Case(
        "icb-extract/code-from-another-year",
        "icb-extract",
        "Surrey Heartlands' code before April 2023 (E54000052): kept as given",
        lambda d: write(d, "extract.csv", EXTRACT.set(2, "area_code", "E54000052").text()),
        Loads(
            4,
            check=(
                f"select count(*) from fact_measure where area_code = 'E54000052' and {LATEST}",
                [(1,)],
            ),
        ),
    ),
    Case(
        "lookups/code-of-wrong-level",
        "lookups",
        "an NHS region code where an ONS region code belongs",
        lambda d: write(
            d, "lad24_region24.csv", LOOKUP.set(4, "region24_code", "E40000010").text()
        ),
        Fails(
            "rows that cannot be loaded", line=4, column="region24_code", expected="a region code"
        ),
    ),
    Case(
        "imd/code-from-another-year",
        "imd",
        "a 2021 LSOA code where IMD 2019 uses 2011 codes: well formed, so it loads",
        lambda d: write(d, "imd2019.csv", IMD.set(5, "LSOA code (2011)", "E01035000").text()),
        Loads(4),
    ),
    Case(
        "imd/decile-not-matching-rank",
        "imd",
        "rank 8678 is decile 3, not 7",
        lambda d: write(
            d, "imd2019.csv", IMD.set(5, "Index of Multiple Deprivation (IMD) Decile", "7").text()
        ),
        Fails(
            "rows that cannot be loaded",
            line=5,
            column="imd_decile",
            expected="does not match the rank",
        ),
    ),
    Case(
        "icb-extract/unknown-breakdown-value",
        "icb-extract",
        "IMD quintile 6",
        lambda d: write(d, "extract.csv", EXTRACT.set(3, "breakdown_value", "6").text()),
        Fails(
            "rows that cannot be loaded",
            line=3,
            column="breakdown_value",
            expected="imd_quintile value",
        ),
    ),
    Case(
        "qof/no-year-in-name",
        "qof",
        "prevalence file renamed without its year",
        lambda d: write(d, "prevalence.csv", PREVALENCE.text()),
        Fails("does not say which financial year", expected="PREVALENCE_2223.csv"),
    ),
    # ---------------------------------------------------------------- keys
    Case(
        "deaths/duplicate-record",
        "deaths",
        "the record on line 4 repeated as line 10",
        lambda d: write(d, "deaths.csv", DEATHS.repeat(4).text()),
        Fails(
            "rows that cannot be loaded", line=10, column="record_id", expected="repeats the key"
        ),
    ),
    Case(
        "icb-extract/duplicate-key",
        "icb-extract",
        "the same period, area, measure and breakdown twice",
        lambda d: write(
            d,
            "extract.csv",
            EXTRACT.append(
                ("2023", "E54000008", "icb", "deaths_at_home", "all", "all", "1", "2")
            ).text(),
        ),
        Fails("rows that cannot be loaded", line=6, column="period", expected="of line 2"),
    ),
    Case(
        "imd/duplicate-lsoa",
        "imd",
        "an LSOA listed twice",
        lambda d: write(d, "imd2019.csv", IMD.repeat(3).text()),
        Fails(
            "rows that cannot be loaded", line=6, column="lsoa11_code", expected="repeats the key"
        ),
    ),
    Case(
        "qof/mapping-duplicate-practice",
        "qof",
        "a practice mapped twice",
        lambda d: write(d, "MAPPING_NHS_GEOGRAPHIES_2223.csv", MAPPING.repeat(2).text()),
        Fails(
            "rows that cannot be loaded", line=4, column="practice_code", expected="repeats the key"
        ),
    ),
    Case(
        "qof/mapping-ods-code-conflicts",
        "qof",
        "the mapping gives ICB E54000050 the ODS code QZZ where the lookup says QHM",
        lambda d: write(
            d, "MAPPING_NHS_GEOGRAPHIES_2223.csv", MAPPING.text().replace(",QHM,", ",QZZ,")
        ),
        Fails("disagree", expected="QHM in lsoa21_sicbl24_icb24.csv"),
    ),
    Case(
        "lookups/duplicate-lad",
        "lookups",
        "a district in two regions",
        lambda d: write(
            d,
            "lad24_region24.csv",
            LOOKUP.append(("E06000001", "Hartlepool", "E12000002", "North West")).text(),
        ),
        Fails(
            "rows that cannot be loaded", line=5, column="ltla24_code", expected="repeats the key"
        ),
    ),
    # ---------------------------------------------------------------- suppression markers
    Case(
        "icb-extract/suppressed",
        "icb-extract",
        "'*', 'c' and '..' where counts are suppressed",
        lambda d: write(
            d,
            "extract.csv",
            EXTRACT.set(2, "numerator", "*")
            .set(3, "numerator", "c")
            .set(4, "denominator", "..")
            .text(),
        ),
        Loads(
            4,
            check=(
                "select count(*) filter (where numerator is null), "
                "count(*) filter (where denominator is null) "
                f"from fact_measure where {LATEST}",
                [(2, 1)],
            ),
        ),
    ),
    Case(
        "fingertips/suppressed",
        "fingertips",
        "'*' value and '..' count",
        lambda d: write(
            d, "indicators.data.csv", FINGERTIPS.set(2, "Value", "*").set(2, "Count", "..").text()
        ),
        Loads(
            3,
            check=(
                "select value, count from fact_indicator "
                f"where area_code = 'E08000009' and {LATEST}",
                [(None, None)],
            ),
        ),
    ),
    Case(
        "deaths/suppressed-marker-in-required-field",
        "deaths",
        "'*' for an age: deaths are record-level, nothing is suppressed",
        lambda d: write(d, "deaths.csv", DEATHS.set(5, "age", "*").text()),
        Fails(
            "rows that cannot be loaded", line=5, column="age", expected="age in completed years"
        ),
    ),
    Case(
        "population/suppressed-count",
        "population",
        "'c' for a population: estimates are never suppressed",
        lambda d: write(d, "mye22.csv", MYE.set(2, "population_2022", "c").text()),
        Fails(
            "rows that cannot be loaded",
            line=2,
            column="population_2022",
            expected="a whole number",
        ),
    ),
    # ---------------------------------------------------------------- boundaries
    Case(
        "boundaries/bow-tie-repaired",
        "boundaries",
        "a self-intersecting ring is repaired, not refused",
        lambda d: write(
            d,
            "icb23.geojson",
            geojson(
                (
                    BOUNDARY_FEATURES[0],
                    feature(
                        "E54000050",
                        "North East and North Cumbria",
                        {
                            "type": "Polygon",
                            "coordinates": [
                                [
                                    [-1.8, 54.6],
                                    [-1.4, 55.0],
                                    [-1.4, 54.6],
                                    [-1.8, 55.0],
                                    [-1.8, 54.6],
                                ]
                            ],
                        },
                    ),
                )
            ),
        ),
        Loads(2, note="repaired 1 invalid geometries: E54000050"),
    ),
    Case(
        "boundaries/null-geometry",
        "boundaries",
        "feature 2 has no geometry",
        lambda d: write(
            d, "icb23.geojson", geojson((BOUNDARY_FEATURES[0], feature("E54000050", "NENC", None)))
        ),
        Fails("rows that cannot be loaded", line=2, column="geometry", expected="no geometry"),
    ),
    Case(
        "boundaries/empty-geometry",
        "boundaries",
        "feature 1 is a polygon with no rings",
        lambda d: write(
            d,
            "icb23.geojson",
            geojson(
                (
                    feature("E54000008", "C&M", {"type": "Polygon", "coordinates": []}),
                    BOUNDARY_FEATURES[1],
                )
            ),
        ),
        Fails("rows that cannot be loaded", line=1, column="geometry", expected="no geometry"),
    ),
    Case(
        "boundaries/line-not-polygon",
        "boundaries",
        "feature 2 is a line",
        lambda d: write(
            d,
            "icb23.geojson",
            geojson(
                (
                    BOUNDARY_FEATURES[0],
                    feature(
                        "E54000050",
                        "NENC",
                        {"type": "LineString", "coordinates": [[-1.8, 54.6], [-1.4, 55.0]]},
                    ),
                )
            ),
        ),
        Fails(
            "rows that cannot be loaded",
            line=2,
            column="geometry",
            expected="Polygon or MultiPolygon",
        ),
    ),
    Case(
        "boundaries/british-national-grid",
        "boundaries",
        "a crs member saying EPSG:27700 (metres): reprojected to WGS84",
        lambda d: write(
            d,
            "icb23.geojson",
            geojson(
                (
                    feature("E54000008", "C&M", square(340000, 380000, 20000)),
                    feature("E54000050", "NENC", square(420000, 550000, 20000)),
                ),
                crs="urn:ogc:def:crs:EPSG::27700",
            ),
        ),
        Loads(2, note="reprojected from EPSG:27700"),
    ),
    Case(
        "boundaries/metres-without-crs",
        "boundaries",
        "projected coordinates but no crs member (read as WGS84 per RFC 7946)",
        lambda d: write(
            d,
            "icb23.geojson",
            geojson((feature("E54000008", "C&M", square(340000, 380000, 20000)),)),
        ),
        Fails("not longitude and latitude", expected="expected WGS84 degrees"),
    ),
    Case(
        "boundaries/metres-claiming-wgs84",
        "boundaries",
        "a crs member saying EPSG:4326 on metre coordinates",
        lambda d: write(
            d,
            "icb23.geojson",
            geojson(
                (feature("E54000008", "C&M", square(340000, 380000, 20000)),),
                crs="urn:ogc:def:crs:OGC:1.3:CRS84",
            ),
        ),
        Fails("not longitude and latitude", expected="expected WGS84 degrees"),
    ),
    Case(
        "boundaries/duplicate-code",
        "boundaries",
        "feature 2 repeats feature 1's code",
        lambda d: write(
            d,
            "icb23.geojson",
            geojson((BOUNDARY_FEATURES[0], feature("E54000008", "Again", square(-1.8, 54.6, 0.4)))),
        ),
        Fails(
            "rows that cannot be loaded",
            line=2,
            column="ICB23CD",
            expected="repeats the code of feature 1",
        ),
    ),
    Case(
        "boundaries/code-from-another-year",
        "boundaries",
        "ICB22CD: the 2022 ICB boundaries, stored as vintage 2022",
        lambda d: write(d, "icb22.geojson", geojson(BOUNDARY_FEATURES).replace("ICB23", "ICB22")),
        Loads(2, check=(f"select distinct vintage from geo_boundary where {LATEST}", [(2022,)])),
    ),
    Case(
        "boundaries/gzip",
        "boundaries",
        "the GeoJSON gzip-compressed",
        lambda d: write(
            d, "icb23.geojson", gzip.compress(geojson(BOUNDARY_FEATURES).encode(), mtime=0)
        ),
        Loads(2, same_as_base=True),
    ),
    Case(
        "boundaries/wales-only",
        "boundaries",
        "only Welsh features (W11...): nothing English to keep",
        lambda d: write(d, "icb23.geojson", geojson(BOUNDARY_FEATURES).replace('"E54', '"W11')),
        Fails("has no English icb boundaries", expected="codes such as E54000008"),
    ),
    Case(
        "boundaries/names-spelt-differently",
        "boundaries",
        "ICB names that differ from the lookup's ('Cheshire and Merseyside' vs 'NHS Cheshire "
        "and Merseyside ICB') for the same codes: one area each (used to crash the derived "
        "geography with a duplicate key)",
        lambda d: write(d, "icb23.geojson", geojson(BOUNDARY_FEATURES)),
        Loads(
            2,
            check=(
                "select area_code, ods_code from dim_area where level = 'icb' order by 1",
                [("E54000008", "QYG"), ("E54000050", "QHM")],
            ),
        ),
    ),
    Case(
        "boundaries/truncated-json",
        "boundaries",
        "the GeoJSON cut short",
        lambda d: write(d, "icb23.geojson", geojson(BOUNDARY_FEATURES)[:300]),
        Fails("could not be read as GeoJSON", expected="expected a GeoJSON FeatureCollection"),
    ),
    Case(
        "boundaries/csv-given",
        "boundaries",
        "a CSV loaded as boundaries",
        lambda d: write(d, "icb23.csv", LOOKUP.text()),
        Fails("is not GeoJSON", expected="ONS boundary file"),
    ),
)


def _zip_of(*texts: str) -> bytes:
    """A zip archive of ``texts`` as deaths.csv, deaths-2.csv, ..."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, text in enumerate(texts, start=1):
            archive.writestr("deaths.csv" if index == 1 else f"deaths-{index}.csv", text)
    return out.getvalue()


def _nth_replace(text: str, old: str, new: str, n: int) -> str:
    """``text`` with the ``n``-th occurrence (from 1) of ``old`` replaced."""
    at = -1
    for _ in range(n):
        at = text.index(old, at + 1)
    return text[:at] + new + text[at + len(old) :]


def _uk_dates(table: Table) -> Table:
    """Every ISO date written DD/MM/YYYY."""
    import re

    iso = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
    rows = tuple(tuple(iso.sub(r"\3/\2/\1", v) for v in row) for row in table.rows)
    return replace(table, rows=rows)


# ------------------------------------------------------------------------------------
# the warehouse every case starts from: data of every kind already loaded
# ------------------------------------------------------------------------------------

SEED_FILES: dict[str, Callable[[Path], Path]] = {
    "lookups": lambda d: write(
        d,
        "lsoa21_sicbl24_icb24.csv",
        "lsoa21_code,lsoa21_name,sicbl24_code,sicbl24_name,sicbl24_code_nhs,icb24_code,"
        "icb24_name,icb24_code_nhs\n"
        "E01012392,Halton 001A,E38000068,NHS Cheshire and Merseyside ICB - 01F,01F,E54000008,"
        "NHS Cheshire and Merseyside ICB,QYG\n"
        "E01033500,Stockton-on-Tees 021G,E38000247,NHS North East and North Cumbria ICB - 16C,"
        "16C,E54000050,NHS North East and North Cumbria ICB,QHM\n",
    ),
    "deaths": lambda d: write(
        d, "seed-deaths.csv", deaths_frame(20, seed=5, prefix="W").write_csv()
    ),
    "icb-extract": lambda d: write(d, "seed-extract.csv", EXTRACT.text().replace("2023,", "2022,")),
    "fingertips": lambda d: write(
        d, "seed-indicators.data.csv", FINGERTIPS.text().replace("93475", "93474")
    ),
    "qof": lambda d: write(d, "PREVALENCE_2122.csv", PREVALENCE.text().replace(".0,", "1.0,")),
    "imd": lambda d: write(d, "seed-imd.csv", IMD.text().replace("E0100000", "E0100010")),
    "population": lambda d: write(d, "seed-mye.csv", MYE.text().replace("2022", "2021")),
    "boundaries": lambda d: write(
        d,
        "seed-icb22.geojson",
        geojson(
            (feature("E54000008", "NHS Cheshire and Merseyside ICB", square(-3.0, 53.1, 0.5)),)
        ).replace("ICB23", "ICB22"),
    ),
}


def seed_warehouse(db: Path, folder: Path) -> None:
    """A warehouse holding some data of every kind (none of it what the cases load)."""
    from etl.loading import load_files

    folder.mkdir(parents=True, exist_ok=True)
    for kind, build in SEED_FILES.items():
        load_files(db, kind, [build(folder)])
