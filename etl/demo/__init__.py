"""``peolc demo``: a deterministic, national-scale synthetic warehouse.

The generator writes every input in its documented or real layout and loads the files
through the same loaders as real data, so the demo exercises the real ETL. Real: codes
and names of NHS regions, ICBs, sub-ICBs, LADs, counties/UAs and ONS regions, and the
counts they are sized from (``reference/``). Synthetic: everything else.
"""
