"""Say what a section needs when its source is not loaded, instead of failing."""

from __future__ import annotations

import streamlit as st

from queries import sources


def require(*needed: str) -> bool:
    """True when every needed source has rows; else explain each missing one and say False."""
    have = sources.available()
    absent = [s for s in needed if not have.get(s)]
    for source in absent:
        st.info(sources.missing_message(source), icon=":material/info:")
    return not absent


def require_death_figures() -> bool:
    """True when record-level deaths or published death figures are loaded; else say how."""
    have = sources.available()
    if any(have.get(s) for s in sources.DEATH_FIGURES):
        return True
    st.info(sources.missing_any_message(sources.DEATH_FIGURES), icon=":material/info:")
    return False
