"""Files -> warehouse: loaders, the write transaction, the demo generator, the CLI."""

from pathlib import Path

SQL_DIR = Path(__file__).resolve().parent / "sql"  # the SQL the ETL runs (peolc.sqlfiles)
