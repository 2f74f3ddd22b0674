"""The dashboard's pages, one file each; ``through_entry_point`` is what each runs first.

Streamlit 1.67 has no setting for it: a ``pages/`` folder beside the entry script makes the
first ``PagesManager`` of the process switch on legacy multipage handling
(``runtime/pages_manager.py``), and until ``st.navigation`` switches it off again
(``commands/navigation.py``) a script run executes the requested page file alone
(``runtime/scriptrunner/script_runner.py``, ``_mpa_v1``). Only the very first session of a
fresh server can meet that, and only when its first address is a page's own (a shared
link): without this, that page would show no banner, no place picker and not the place
its link names. Streamlit skips ``__init__.py`` when it lists a folder's pages.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def through_entry_point() -> None:
    """Rerun through ``dashboard.py`` if Streamlit ran this page without it.

    Switches legacy handling off for the process, as ``st.navigation`` in ``dashboard.py``
    would have done, and reruns: the rerun goes through the entry point (banner, picker,
    navigation) to the same page and link. A no-op on every other run.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
