"""One module per input kind: its layouts and how staged rows go into the warehouse."""
