"""Run the dashboard as a person would: open a shared link, switch pages, read the screen."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ENTRY = str(Path(__file__).resolve().parents[2] / "dashboard.py")
TIMEOUT = 120


def open_link(page: str | None = None, **params: str) -> AppTest:
    """The dashboard opened from a link with these query parameters (then on ``page``)."""
    app = AppTest.from_file(ENTRY, default_timeout=TIMEOUT)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    if page is not None:
        app.switch_page(page).run()
    return app


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
