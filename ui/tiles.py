"""Headline tiles: the number, its interval and where it comes from."""

from __future__ import annotations

import streamlit as st

from queries.overview import Tile

PER_ROW = 4


def show(tiles: tuple[Tile, ...]) -> None:
    """Draw tiles as metric cards, four to a row, with the note as help text."""
    for start in range(0, len(tiles), PER_ROW):
        columns = st.columns(PER_ROW)
        for column, tile in zip(columns, tiles[start : start + PER_ROW], strict=False):
            with column:
                st.metric(tile.label, tile.display, border=True)
                st.caption(tile.note)
