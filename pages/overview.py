"""Overview: the headline figures for the chosen place and year."""

from __future__ import annotations

import streamlit as st

from queries import overview
from ui import selection, tiles

chosen = selection.current()
st.title(chosen.place.name)
st.caption(f"{chosen.place.level_label} · {chosen.place.code}")
headline = overview.headline(None, chosen.place.code, chosen.year, chosen.place.level)
if headline.year is None:
    st.info("The warehouse has no deaths, population or QOF data yet.")
else:
    st.subheader(f"Headline figures, {headline.year}")
    tiles.show(headline.tiles)
    st.caption(
        "Counts below England level follow the NHS Digital rule: 1-7 shown as *, others "
        "rounded to 5; percentages use the rounded counts. Intervals are Wilson 95%."
        + (" **Synthetic demo data.**" if headline.synthetic else "")
    )
