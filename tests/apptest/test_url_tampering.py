"""Tampered shared links (AppTest): hostile query parameters are rejected or treated as data.

A shared link's parameters (place, level, year, compare, breakdown, and any other) carry
SQL, a path, HTML/JS, unicode tricks or a huge value. The dashboard must show England (or
the place the rest of the link names) with a plain note in the sidebar, render nothing
from the payload as markup, write a clean URL back, and leave the warehouse file
byte-for-byte as it was. The dashboard takes no uploads at all. The same links in a real
browser (no alert fires, no injected element): tests/e2e/test_url_tampering.py.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest.disclosure_scan import screen_texts
from tests.apptest.helpers import ENTRY, TIMEOUT

ROOT = Path(ENTRY).parent
PAYLOADS: dict[str, str] = {
    "sql": "'; drop table fact_death; --",
    "sql_or": "E54000050' or '1'='1",
    "path": "../../etc/passwd",
    "script": "<script>alert(1)</script>",
    "img": '"><img src=x onerror=alert(1)>',
    "markdown": "[click](javascript:alert(1)) **bold** $x$",
    "unicode_rtl": "E54000050\u202egpj.exe",
    "fullwidth": "Ｅ５４０００００５０",
    "zero_width": "E5400\u200b0050",
    "emoji": "🏥💥",
    "nul": "E54000050\x00",
    "newline": "E54000050\nlevel=icb",
    "oversized": "E" + "5" * 100_000,
}
PARAMS = ("place", "level", "year", "compare", "breakdown", "utm_source")
FEW = ("sql", "path", "script", "img", "unicode_rtl", "oversized")
CASES = [
    (param, name)
    for param in PARAMS
    for name in PAYLOADS
    if param in ("place", "level") or name in FEW  # place and level take every payload
]
PAGES = (
    "pages/overview.py",
    "pages/demographics.py",
    "pages/deaths_by_setting.py",
    "pages/register_coverage.py",
    "pages/equity_audit.py",
    "pages/data_methods.py",
)
KNOWN = {"level", "place", "year", "compare", "breakdown"}
MARKUP = re.compile(r"<\s*(script|img|iframe|svg)|onerror|javascript:", re.IGNORECASE)
ICB, ICB_NAME = "E54000050", "NHS North East and North Cumbria Integrated Care Board"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def untouched(use_demo: Path) -> Iterator[Path]:
    """The demo warehouse, checked byte-for-byte unchanged after the test."""
    before = digest(use_demo)
    yield use_demo
    assert digest(use_demo) == before, "the warehouse file changed"


def open_link(params: dict[str, str], page: str | None = None) -> AppTest:
    app = AppTest.from_file(ENTRY, default_timeout=TIMEOUT)
    app.query_params.update(params)
    app.run()
    if page is not None:
        app.switch_page(page).run()
    return app


def assert_safe(app: AppTest, payload: str, *, echoed: bool = False) -> None:
    """No exception or error; no payload markup anywhere on screen; a clean URL.

    ``echoed``: the payload is a plain code the note may name (it is not markup).
    """
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    for text in screen_texts(app) + [w.value for w in app.sidebar.warning]:
        assert not MARKUP.search(text), text
        if len(payload) > 8 and not echoed:
            assert payload not in text, text
    for element in app.markdown:  # st.markdown with unsafe HTML would render the payload
        assert not getattr(element.proto, "allow_html", False) or not MARKUP.search(element.value)
    assert set(app.query_params) <= KNOWN, app.query_params
    for value in app.query_params.values():
        text = value if isinstance(value, str) else ",".join(value)
        assert re.fullmatch(r"[A-Za-z0-9_]{1,16}", text), text


@pytest.mark.parametrize(("param", "name"), CASES)
def test_a_hostile_parameter_is_rejected_or_treated_as_data(
    untouched: Path, param: str, name: str
) -> None:
    payload = PAYLOADS[name]
    app = open_link({param: payload})
    assert_safe(app, payload)
    assert app.title[0].value == "England"
    notes = [w.value for w in app.sidebar.warning]
    if param in KNOWN:
        assert notes, "a rejected parameter gets a plain note"
        assert all(len(n) < 120 for n in notes), notes
    else:
        assert not notes, "an unknown parameter is ignored"


@pytest.mark.parametrize("param", ["level", "year", "compare", "breakdown", "utm_source"])
def test_the_intended_place_survives_a_bad_neighbour(untouched: Path, param: str) -> None:
    payload = PAYLOADS["script"]
    app = open_link({"place": ICB, "level": "icb", param: payload})
    assert_safe(app, payload)
    assert app.title[0].value == ICB_NAME
    assert app.query_params["place"] == ICB


@pytest.mark.parametrize("page", PAGES)
def test_every_page_opened_from_a_hostile_link_is_clean(untouched: Path, page: str) -> None:
    hostile = {
        "place": PAYLOADS["img"],
        "level": PAYLOADS["sql"],
        "year": PAYLOADS["path"],
        "compare": PAYLOADS["script"],
        "breakdown": PAYLOADS["oversized"],
        "<script>": PAYLOADS["script"],
    }
    app = open_link(hostile, page)
    assert_safe(app, PAYLOADS["img"])
    assert len(app.sidebar.warning) == 5, [w.value for w in app.sidebar.warning]
    assert not app.get("file_uploader")


def test_a_code_that_looks_like_a_place_is_only_looked_up(untouched: Path) -> None:
    """An alphanumeric code is data: looked up with a bound parameter, echoed as text."""
    app = open_link({"place": "DROPTABLE"})
    assert_safe(app, "DROPTABLE", echoed=True)
    assert "No place has the code DROPTABLE, so England is shown." in [
        w.value for w in app.sidebar.warning
    ]


@pytest.mark.parametrize("hostile_last", [True, False])
def test_repeated_parameters_are_safe_either_way(untouched: Path, hostile_last: bool) -> None:
    """Streamlit reads the last of a repeated parameter: a hostile one is rejected."""
    app = AppTest.from_file(ENTRY, default_timeout=TIMEOUT)
    places = [ICB, PAYLOADS["script"]]
    levels = ["icb", PAYLOADS["sql"]]
    app.query_params["place"] = places if hostile_last else places[::-1]
    app.query_params["level"] = levels if hostile_last else levels[::-1]
    app.run()
    assert_safe(app, PAYLOADS["script"])
    assert app.title[0].value == ("England" if hostile_last else ICB_NAME)
    assert bool(app.sidebar.warning) == hostile_last


def test_the_dashboard_takes_no_uploads() -> None:
    """No file uploader anywhere in the app's code (pages, shared UI, entry point)."""
    sources = [ROOT / "dashboard.py", *ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py")]
    assert len(sources) > 10
    for source in sources:
        text = source.read_text(encoding="utf-8")
        assert "file_uploader" not in text and "chat_input" not in text, source
