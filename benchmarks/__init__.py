"""Benchmarks for peolc-needs (GitHub issue #7): ``make bench`` writes benchmarks/results.md.

The machine they run on is shared and noisy, so every figure is a ratio or a percentile
taken side by side in one run: contenders are interleaved, repeated, and their medians
compared. Work files go under ``benchmarks/work/`` (git-ignored).

Modules: ``run`` (the orchestrator and its command line), ``settings`` (full and quick
sizes), ``measure`` (timing subprocesses, peak memory, statistics), ``machine`` (what
ran it), ``data`` (input files and warehouses), ``contenders`` (each ETL contender, run
in its own process), ``etl`` (load throughput), ``pages`` (the query functions each
dashboard page calls), ``queries`` (query latency), ``browser`` (page time in Chromium),
``report`` (results.md).
"""
