"""AppTest fixtures.

AppTest re-detects the legacy ``pages/`` folder before every run (it resets
``PagesManager.uses_pages_directory``), so from the second run on it executes the page file
alone and skips ``dashboard.py`` (no sidebar, no banner). The live server detects it once
and ``st.navigation`` switches it off for good; this fixture makes AppTest do the same, so
reruns, widget changes and ``switch_page`` behave as they do in a browser.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from streamlit.runtime.pages_manager import PagesManager


@pytest.fixture(autouse=True)
def navigation_owns_pages(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    original = PagesManager.__init__

    def init(self: PagesManager, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
    yield
