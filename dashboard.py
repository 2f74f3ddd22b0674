"""peolc-needs dashboard: entry point and navigation.

Run with ``streamlit run dashboard.py`` (``make run`` builds the demo warehouse first).
The entry script draws what every page shares (banner, place picker) and then runs the
chosen page inside an error boundary; pages only present what ``queries`` returns.
"""

from __future__ import annotations

import streamlit as st

from ui import banner, errors, selection

st.set_page_config(
    page_title="PEoLC population needs",
    page_icon=":material/health_and_safety:",
    layout="wide",
)

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("pages/demographics.py", title="Demographics", icon=":material/groups:"),
    st.Page("pages/deaths_by_setting.py", title="Deaths by setting", icon=":material/home_health:"),
    st.Page("pages/register_coverage.py", title="Register coverage", icon=":material/fact_check:"),
    st.Page("pages/equity_audit.py", title="Equity audit", icon=":material/balance:"),
    st.Page("pages/data_methods.py", title="Data & methods", icon=":material/menu_book:"),
]


def draw_shared() -> None:
    """What every page shows above its own content."""
    banner.show()
    selection.sidebar()


def main() -> None:
    # st.navigation first: widgets drawn before it lose their value on every page's
    # rerun in the browser (seen in Streamlit 1.67); a link's query parameters are
    # still readable after it on a session's first run
    navigation = st.navigation(PAGES, position="top")
    ready = errors.guarded(draw_shared)
    if ready:
        errors.guarded(navigation.run)


main()
