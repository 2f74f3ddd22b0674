"""The shared kernel of peolc-needs: errors, settings and the domain vocabulary.

Everything else (etl, queries, ui, pages) may import from here; this package imports
nothing of ours, so the vocabulary has one home.
"""

__version__ = "0.1.0"
