"""The ETL contenders, each run in a child process of its own (its memory is its own).

``python -m benchmarks.contenders duckdb FILE DB``: bare DuckDB, ``create table t as
select * from read_csv(FILE)`` into a fresh database file, then a checkpoint.
``python -m benchmarks.contenders pandas FILE DB``: pandas ``read_csv`` then ``to_sql``
into a fresh SQLite file.
The product itself runs through its real command line: ``python -m etl.cli load KIND FILE
--db DB`` (``peolc_command``).
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path


def peolc_command(python: str, kind: str, file: Path, db: Path) -> list[str]:
    """``peolc load KIND FILE --db DB`` as a child process."""
    return [python, "-m", "etl.cli", "load", kind, str(file), "--db", str(db)]


def contender_command(python: str, name: str, file: Path, db: Path) -> list[str]:
    return [python, "-m", "benchmarks.contenders", name, str(file), str(db)]


def bare_duckdb(file: Path, db: Path) -> int:
    import duckdb

    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    try:
        con.execute("create table t as select * from read_csv($path)", {"path": str(file)})
        con.execute("checkpoint")
        row = con.execute("select count(*) from t").fetchone()
    finally:
        con.close()
    return int(row[0]) if row else 0


def pandas_sqlite(file: Path, db: Path) -> int:
    import pandas as pd

    db.unlink(missing_ok=True)
    frame = pd.read_csv(file)
    con = sqlite3.connect(db)
    try:
        frame.to_sql("t", con, index=False)
        con.commit()
        row = con.execute("select count(*) from t").fetchone()
    finally:
        con.close()
    return int(row[0]) if row else 0


CONTENDERS = {"duckdb": bare_duckdb, "pandas": pandas_sqlite}


def main(argv: list[str]) -> None:
    name, file, db = argv
    rows = CONTENDERS[name](Path(file), Path(db))
    print(f"{name}: {rows} rows")


if __name__ == "__main__":
    main(sys.argv[1:])
