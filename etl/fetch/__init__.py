"""``peolc fetch``: download the public sources, keep the raw files, load them atomically.

``http`` (one URL to a file: timeouts, retries, a time budget), ``archive`` (the raw
files and their manifest under ``data/raw/``), ``fingertips`` (the API's endpoints),
``fingertips_rows`` (fetched CSVs checked and cleaned), ``publishers`` (NHS England and
ONS files), ``load`` (one atomic load through ``etl.loading``), ``commands`` (the steps in
order, for ``etl.cli``).
"""
