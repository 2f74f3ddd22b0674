"""Run the dashboard as a person would: open a shared link, switch pages, read the screen."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from queries import places
from queries.places import Place

ENTRY = str(Path(__file__).resolve().parents[2] / "dashboard.py")
TIMEOUT = 120
# every level a person can pick, for the tests that open a page at each
LEVELS = ("england", "nhs_region", "icb", "sub_icb", "pcn", "practice", "region", "cty_ua", "lad")


def open_link(page: str | None = None, **params: str) -> AppTest:
    """The dashboard opened from a link with these query parameters (then on ``page``)."""
    app = AppTest.from_file(ENTRY, default_timeout=TIMEOUT)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    if page is not None:
        app.switch_page(page).run()
    return app


def first_place(level: str) -> Place:
    """The warehouse's first area of ``level`` (England itself at the top)."""
    if level == "england":
        return places.ENGLAND
    row = places.areas(level).row(0, named=True)
    return Place(row["area_code"], level, row["area_name"])


def open_place(page: str, level: str, **params: str) -> tuple[Place, AppTest]:
    """``page`` opened from a link to the first area of ``level`` (with more parameters)."""
    place = first_place(level)
    return place, open_link(page=page, level=level, place=place.code, **params)


def figures(app: AppTest) -> dict[str, Any]:
    """The page's plotly figures (their JSON specs) by title."""
    specs = [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]
    return {spec["layout"]["title"]["text"]: spec for spec in specs}


def texts(app: AppTest) -> list[str]:
    """Every piece of text on the screen (markdown, captions, metrics, alerts, titles)."""
    found: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "error",
        "warning",
        "info",
        "success",
    ):
        found.extend(str(e.value) for e in getattr(app, kind))
    found.extend(f"{m.label}: {m.value}" for m in app.metric)
    return found


def assert_clean(app: AppTest) -> None:
    """No exception, no error box."""
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]


@dataclass
class Captured:
    """Files handed to download buttons during a run: (file name, bytes or a callable)."""

    files: list[tuple[str, bytes | Callable[[], object]]]
    built: set[str] = field(default_factory=set)

    def take(self) -> list[tuple[str, bytes]]:
        out = []
        for name, data in self.files:
            if callable(data) and name in self.built:
                continue  # the same report for the same place and year
            if callable(data):
                self.built.add(name)
            made = data() if callable(data) else data  # a deferred report: built on click
            assert isinstance(made, bytes | str), name
            out.append((name, made.encode("utf-8") if isinstance(made, str) else made))
        self.files.clear()
        return out
