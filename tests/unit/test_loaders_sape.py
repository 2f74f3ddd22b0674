"""ONS's health-geography population workbook (SAPE) on hand-made workbooks of its layout.

The real workbook is loaded in ``test_loaders_real``; these build small ones so each rule
(the sheet chosen per year, the header under the notes, the checks) can be seen failing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb
import pytest
import xlsxwriter

from etl.loading import load_files
from etl.open_data import build_open_data
from peolc.errors import LoadError

AGES = [f"{sex}{age}" for sex in ("F", "M") for age in range(91)]
HEADER = ["SICBL 2023 Code", "SICBL 2023 Name", "ICB 2023 Code", "ICB 2023 Name",
          "NHSER 2023 Code", "NHSER 2023 Name", "Total", *AGES]  # fmt: skip
NOTES = ["Estimates by single year of age and sex", "This worksheet contains one table.",
         "To turn off freeze panes select View"]  # fmt: skip


def counts(base: int) -> list[int]:
    """182 counts: ``base`` people at each single year, 10 times as many at 90 and over."""
    return [base * (10 if age == 90 else 1) for _ in ("F", "M") for age in range(91)]


def row(code: str, ages: Sequence[object], total: object | None = None) -> list[object]:
    summed = sum(a for a in ages if isinstance(a, int))
    names = [f"NHS Somewhere - {code[-3:]}", "E54000061", "NHS Somewhere ICB", "E40000012",
             "North East and Yorkshire"]  # fmt: skip
    return [code, *names, summed if total is None else total, *ages]


def workbook(path: Path, sheets: dict[str, list[list[object]]], header: list[str] = HEADER) -> Path:
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Cover sheet").write(0, 0, "Population Estimates for Health Geographies")
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        lines: list[list[object]] = [[n] for n in NOTES]
        lines += [list(header), *rows]
        for r, values in enumerate(lines):
            for c, value in enumerate(values):
                sheet.write(r, c, value)
    book.close()
    return path


def population(db: Path) -> list[tuple[object, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select year, base_code, sex, sum(population), count(*), "
            "sum(population) filter (where age_band = '90+') from fact_population "
            "where base_kind = 'sub_icb' group by all order by all"
        ).fetchall()


def test_newest_geography_per_year_in_five_year_bands(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "sape.xlsx",
        {
            "Mid-2021 CCG 2021": [row("E38000999", counts(50))],  # older codes: left out
            "Mid-2021 ICB 2023": [row("E38000006", counts(1))],
            "Mid-2022 ICB 2023": [row("E38000006", counts(2)), row("E38000007", counts(3))],
            "Mid-2022 LHB 2023": [row("W11000023", counts(4))],  # Wales: left out
        },
    )
    db = tmp_path / "w.duckdb"
    (summary,) = load_files(db, "population", [path])
    # 90 single years at base each, 10 x base at 90+; 19 bands a sex
    assert population(db) == [
        (2021, "E38000006", "F", 100, 19, 10), (2021, "E38000006", "M", 100, 19, 10),
        (2022, "E38000006", "F", 200, 19, 20), (2022, "E38000006", "M", 200, 19, 20),
        (2022, "E38000007", "F", 300, 19, 30), (2022, "E38000007", "M", 300, 19, 30),
    ]  # fmt: skip
    assert (summary.rows_read, summary.rows_loaded) == (3, 6 * 19)
    notes = " ".join(summary.notes)
    assert "'Mid-2021 CCG 2021'" in notes and "'Mid-2022 LHB 2023'" in notes
    assert "3 sub-ICB locations" not in notes and "2 sub-ICB locations" in notes


def test_a_bad_count_is_named_by_sheet_row_and_column(tmp_path: Path) -> None:
    ages: list[object] = list(counts(1))
    ages[AGES.index("M85")] = "x"
    path = workbook(
        tmp_path / "sape.xlsx",
        {"Mid-2022 ICB 2023": [row("E38000006", counts(1)), row("E38000007", ages, total=181)]},
    )
    db = tmp_path / "w.duckdb"
    with pytest.raises(LoadError) as caught:
        load_files(db, "population", [path])
    text = caught.value.detail
    # row 6 of the sheet: three note rows, the header, then the second sub-ICB
    assert (
        "sape.xlsx, sheet 'Mid-2022 ICB 2023', line 6, column 'M85': expected a whole number "
        "of people, 0 or more (found 'x')"
    ) in text
    assert not db.exists()  # nothing loaded, no warehouse left behind


def test_total_must_equal_its_counts_and_codes_be_sub_icbs(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "sape.xlsx",
        {"Mid-2022 ICB 2023": [row("E38000006", counts(1), 999), row("E54000061", counts(1))]},
    )
    with pytest.raises(LoadError) as caught:
        load_files(tmp_path / "w.duckdb", "population", [path])
    text = caught.value.detail
    assert "line 5, column 'Total': expected the sum of F0 to M90 (200) (found '999')" in text
    assert "line 6, column 'SICBL 2023 Code': expected a sub-ICB location code" in text
    assert text.index("line 5") < text.index("line 6")  # in the order of the sheet


def test_lenient_load_keeps_the_good_rows(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "sape.xlsx",
        {"Mid-2022 ICB 2023": [row("E38000006", counts(1), 999), row("E38000007", counts(2))]},
    )
    db = tmp_path / "w.duckdb"
    (summary,) = load_files(db, "population", [path], lenient=True)
    assert {r[1] for r in population(db)} == {"E38000007"}
    assert summary.rows_rejected == 1


def test_missing_single_years_are_listed(tmp_path: Path) -> None:
    header = [h for h in HEADER if h not in ("F90", "M90")]
    path = workbook(
        tmp_path / "sape.xlsx", {"Mid-2022 ICB 2023": [row("E38000006", counts(1))[:-1]]}, header
    )
    with pytest.raises(LoadError) as caught:
        load_files(tmp_path / "w.duckdb", "population", [path])
    assert "missing: F90, M90" in caught.value.detail


def test_open_data_reads_it_as_a_population_file(tmp_path: Path) -> None:
    folder = tmp_path / "open" / "population"
    folder.mkdir(parents=True)
    workbook(folder / "sape.xlsx", {"Mid-2022 ICB 2023": [row("E38000006", counts(1))]})
    summaries = build_open_data(tmp_path / "w.duckdb", tmp_path / "open")
    assert [(s.file_name, s.skipped, s.rows_loaded) for s in summaries] == [
        ("sape.xlsx", False, 38)
    ]
