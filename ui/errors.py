"""Errors reach people as sentences: a title, what to try, never a traceback."""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st

from peolc.errors import PeolcError, WarehouseMissing

log = logging.getLogger("peolc.dashboard")


def guarded(draw: Callable[[], object]) -> bool:
    """Run ``draw``; show expected errors as messages, log unexpected ones; True if it ran."""
    try:
        draw()
        return True
    except WarehouseMissing as e:
        st.error(e.title)
        st.info(e.detail)
        return False
    except PeolcError as e:
        st.error(e.title)
        if e.detail:
            st.caption(e.detail)
        return False
    except Exception:
        # st.rerun / st.stop raise their own control-flow exceptions, which are not
        # Exception subclasses, so they pass through untouched.
        log.exception("page failed")
        st.error("Something went wrong while drawing this page.")
        st.caption(
            "Try another place or year. If it keeps happening, tell the data team: "
            "the details are in the dashboard's server log."
        )
        return False
