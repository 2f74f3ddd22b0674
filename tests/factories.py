"""Small, deterministic input files for tests (record-level deaths in the project layout)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

DEATHS_HEADER = (
    "record_id,date_of_death,date_of_registration,age,sex,ethnic_group,lsoa_code,"
    "practice_code,usual_residence,place_of_death,underlying_cause,contributory_causes,"
    "on_palliative_register,palliative_register_date,advance_care_plan,epaccs_record,"
    "emergency_admissions_90d"
)


def deaths_frame(rows: int, seed: int = 1, year: int = 2023, prefix: str = "T") -> pl.DataFrame:
    """A valid deaths extract of ``rows`` records registered in ``year``."""
    rng = np.random.default_rng(seed)
    start = np.datetime64(f"{year}-01-01")
    died = start + rng.integers(0, 300, rows).astype("timedelta64[D]")
    registered = died + rng.integers(1, 20, rows).astype("timedelta64[D]")
    on_register = rng.random(rows) < 0.4
    register_date = np.where(on_register, died - rng.integers(10, 400, rows), np.datetime64("NaT"))
    return pl.DataFrame(
        {
            "record_id": [f"{prefix}{i:07d}" for i in range(rows)],
            "date_of_death": died.astype("datetime64[D]"),
            "date_of_registration": registered.astype("datetime64[D]"),
            "age": rng.integers(40, 100, rows),
            "sex": rng.choice(["M", "F"], rows),
            "ethnic_group": rng.choice(["white", "asian", "black", "mixed", "other"], rows),
            "lsoa_code": [f"E01{x:06d}" for x in rng.integers(1, 30000, rows)],
            "practice_code": [f"A{x:05d}" for x in rng.integers(1, 99999, rows)],
            "usual_residence": rng.choice(["private_home", "care_home", "other"], rows),
            "place_of_death": rng.choice(
                ["home", "care_home", "hospital", "hospice", "elsewhere"], rows
            ),
            "underlying_cause": rng.choice(["C34.9", "I25.1", "F03", "J44.9", "X59"], rows),
            "contributory_causes": rng.choice(["", "I10;E11.9"], rows),
            "on_palliative_register": np.where(on_register, "Y", "N"),
            "palliative_register_date": pl.Series(register_date.astype("datetime64[D]")),
            "advance_care_plan": rng.choice(["Y", "N"], rows),
            "epaccs_record": rng.choice(["Y", "N"], rows),
            "emergency_admissions_90d": rng.integers(0, 4, rows),
        }
    )


def write_deaths(path: Path, rows: int, seed: int = 1, **kwargs: object) -> Path:
    """Write a valid deaths extract to ``path`` and return it."""
    deaths_frame(rows, seed, **kwargs).write_csv(path)  # type: ignore[arg-type]
    return path


def set_field(path: Path, line_number: int, column: str, value: str) -> None:
    """Overwrite one field of one physical line (1-based) of a simple CSV file."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    fields = lines[line_number - 1].rstrip("\n").split(",")
    fields[header.index(column)] = value
    lines[line_number - 1] = ",".join(fields) + "\n"
    path.write_text("".join(lines), encoding="utf-8")
