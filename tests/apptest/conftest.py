"""AppTest fixtures.

AppTest re-detects the legacy ``pages/`` folder before every run (it resets
``PagesManager.uses_pages_directory``), so from the second run on it executes the page file
alone and skips ``dashboard.py`` (no sidebar, no banner). The live server detects it once
and ``st.navigation`` switches it off for good; this fixture makes AppTest do the same, so
reruns, widget changes and ``switch_page`` behave as they do in a browser.

``downloads`` captures every file a download button would hand over (deferred ones too).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.pages_manager import PagesManager

from tests.apptest.helpers import Captured


@pytest.fixture(autouse=True)
def navigation_owns_pages(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    original = PagesManager.__init__

    def init(self: PagesManager, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
    yield


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> Iterator[Captured]:
    """Capture every download button's data as Streamlit stores it for the browser."""
    captured = Captured([])
    add, add_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def keep(
        self: MediaFileManager,
        data: bytes | str,
        mimetype: str,
        coordinates: str,
        file_name: str | None = None,
        is_for_static_download: bool = False,
    ) -> str:
        if is_for_static_download and file_name:
            assert isinstance(data, bytes)
            captured.files.append((file_name, data))
        return add(self, data, mimetype, coordinates, file_name, is_for_static_download)

    def keep_deferred(
        self: MediaFileManager,
        data: Callable[[], bytes],
        mimetype: str | None,
        coordinates: str,
        file_name: str | None = None,
        **kw: object,
    ) -> str:
        captured.files.append((str(file_name), data))
        return add_deferred(self, data, mimetype, coordinates, file_name, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(MediaFileManager, "add", keep)
    monkeypatch.setattr(MediaFileManager, "add_deferred", keep_deferred)
    yield captured
