"""The floor app: Streamlit drawing about what one dashboard page draws, and nothing else.

benchmarks/page_speed.py measures the dashboard against this app side by side (issue
12): what the dashboard spends beyond it is its own work (queries, shaping, downloads),
since what is left is what Streamlit costs to send a page of that size. So it draws what a
page draws and does no data work: no warehouse, no queries, every figure built from
constants in-process. It answers the dashboard's page names (``rerun_script.page_name``,
matched against ``st.navigation``'s url paths) with the same headings, and reads the
place from the link's query string, so the same websocket visits (benchmarks/ws_client.py)
open the same pages of both apps.

Every page: a banner, the sidebar's pickers (level, a place among 8,000, year, comparator,
breakdown), a title and caption, four metric tiles, four Plotly charts of 50 points, and
a table of 50 rows. Run with ``streamlit run benchmarks/floor_app.py``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from peolc.levels import LEVEL_KEYS, LevelKey

PAGES = {  # url path (the dashboard's page name) -> (navigation title, heading)
    "": ("Overview", "{place}"),
    "demographics": ("Demographics", "Demographics: {place}"),
    "deaths_by_setting": ("Deaths by setting", "Deaths by setting: {place}"),
    "register_coverage": ("Register coverage", "Register coverage: {place}"),
    "equity_audit": ("Equity audit", "Equity audit: {place}"),
    "data_methods": ("Data & methods", "Data & methods"),
}
LEVELS = tuple(LEVEL_KEYS)  # the level picker offers what the dashboard's does
YEARS = (2019, 2020, 2021, 2022, 2023)
COMPARATORS = ("England", "Region", "Similar areas", "None")
BREAKDOWNS = ("Deprivation", "Age", "Sex", "Ethnicity", "Rurality")
TILES = ("Deaths", "Died at home", "Died in hospital", "On a palliative care register")
POINTS = 50  # per chart, and rows of the table
_FIRST = ("North", "South", "East", "West", "Upper", "Lower", "Old", "New", "Great", "Little",
          "High", "Long", "Market", "Nether", "Kings", "Saint", "Castle", "Bishops", "Church",
          "Abbey")  # fmt: skip
_SECOND = ("ham", "ford", "ton", "bury", "field", "worth", "ley", "by", "wick", "stead",
           "combe", "minster", "borough", "dale", "thorpe", "mouth", "bridge", "well", "hurst",
           "cester")  # fmt: skip
_THIRD = ("Surgery", "Medical Centre", "Health Centre", "Practice", "Group Practice",
          "Family Practice", "Medical Practice", "Partnership", "Clinic", "Primary Care",
          "Health Group", "Doctors", "Village Surgery", "Road Surgery", "Street Surgery",
          "Lane Surgery", "Park Surgery", "House Surgery", "Hall Surgery",
          "Green Surgery")  # fmt: skip


@st.cache_resource
def places() -> dict[str, str]:
    """8,000 synthetic places, code -> name; built once a process, as the dashboard caches
    its place lists."""
    names = [f"{a}{b} {c}" for a in _FIRST for b in _SECOND for c in _THIRD]
    return {f"F{i:05d}": name for i, name in enumerate(names)}


def _series(phase: float) -> list[float]:
    """A fixed wave of ``POINTS`` values (no randomness)."""
    return [round(40 + 25 * math.sin(i / 6 + phase) + i * 37 % 11, 1) for i in range(POINTS)]


def _layout(fig: go.Figure, title: str) -> go.Figure:
    """The dashboard's house style (ui/charts.py ``layout``), so the JSON is as big."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        height=420,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        plot_bgcolor="white",
        legend={"orientation": "h", "y": -0.15, "x": 0},
    )
    fig.update_xaxes(gridcolor="#E5E5E5", zeroline=False)
    fig.update_yaxes(gridcolor="#E5E5E5", zeroline=False)
    return fig


def figures(labels: list[str]) -> list[go.Figure]:
    """Four charts of ``POINTS`` points each: bars, lines, intervals and a scatter."""
    a, b, c = _series(0.0), _series(1.0), _series(2.0)
    years = list(range(2000, 2000 + POINTS))
    interval = {"type": "data", "symmetric": False, "array": [v / 10 for v in b]}
    shown = [
        go.Figure(go.Bar(x=labels, y=a, marker_color="#005EB8")),
        go.Figure(
            [
                go.Scatter(x=years, y=a, mode="lines+markers", name="This place"),
                go.Scatter(x=years, y=b, mode="lines", name="England"),
            ]
        ),
        go.Figure(go.Scatter(x=a, y=labels, mode="markers", error_x=interval)),
        go.Figure(go.Scatter(x=b, y=c, mode="markers", text=labels)),
    ]
    titles = ("By area", "Trend", "With 95% intervals", "Against England")
    return [_layout(fig, title) for fig, title in zip(shown, titles, strict=True)]


def table(labels: list[str]) -> pl.DataFrame:
    """``POINTS`` rows shaped like a page's table of figures."""
    a, b = _series(0.0), _series(1.0)
    return pl.DataFrame(
        {
            "Area": labels,
            "Count": [int(v * 10) for v in a],
            "Value %": a,
            "Lower 95% CI": [v - 3 for v in a],
            "Upper 95% CI": [v + 3 for v in a],
            "England %": b,
            "Compared with England": [
                "Similar" if abs(x - y) < 5 else "Different" for x, y in zip(a, b, strict=True)
            ],
        }
    )


def sidebar() -> str:
    """The pickers, seeded from the link's query string (mirrored back, as the dashboard
    does); the chosen place's name, or a name made from a code it does not know."""
    known = places()
    codes = list(known)
    params = st.query_params.to_dict()
    level, code = params.get("level", LevelKey.ENGLAND), params.get("place", codes[0])
    with st.sidebar:
        st.subheader("Place")
        st.selectbox("Level", LEVELS, index=LEVELS.index(level) if level in LEVELS else 0)
        chosen = st.selectbox(
            "Place",
            codes,
            index=codes.index(code) if code in known else 0,
            format_func=lambda c: f"{known[c]} ({c})",
            help="Type to search by name or code.",
        )
        year = st.selectbox("Year", YEARS, index=len(YEARS) - 1)
        st.selectbox("Compare with", COMPARATORS)
        st.selectbox("Breakdown", BREAKDOWNS)
    st.query_params.from_dict({"level": level, "place": code, "year": str(year)})
    return known[chosen] if code in known else f"Place {code}"


def page(path: str) -> Callable[[], None]:
    """The page at url ``path``, headed as the dashboard's page of that name is."""
    title, heading = PAGES[path]

    def draw() -> None:
        st.title(heading.format(place=st.session_state["floor_place"]))
        st.caption(f"{title} · floor app: constants, no data work")
        st.subheader("Headline figures")
        for column, label, value in zip(st.columns(4), TILES, _series(3.0), strict=False):
            with column:
                st.metric(label, f"{value:,.1f}%", border=True)
                st.caption("Source: constants in benchmarks/floor_app.py.")
        labels = list(itertools.islice(places().values(), POINTS))
        for number, fig in enumerate(figures(labels)):
            st.plotly_chart(fig, key=f"chart_{number}", config={"displaylogo": False})
            st.caption("Fixed points, drawn as a page draws its figures.")
        st.dataframe(table(labels), hide_index=True, key="table")

    return draw


def main() -> None:
    """Navigation first (as dashboard.py), then the banner, the sidebar and the page."""
    st.set_page_config(page_title="Floor app", layout="wide")
    pages = [
        st.Page(page(path), title=title, url_path=path or "overview", default=not path)
        for path, (title, _) in PAGES.items()
    ]
    navigation = st.navigation(pages, position="top")
    st.warning("**FLOOR APP**: Streamlit drawing a page of constants, for the benchmarks.")
    st.session_state["floor_place"] = sidebar()
    navigation.run()


if __name__ == "__main__":
    main()
