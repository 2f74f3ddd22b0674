"""A dashboard session at the protocol level: Streamlit's websocket, no browser.

The browser load test spends most of its CPU drawing charts in 20 Chromium tabs on the
same cores as the server. This client speaks what the browser's Streamlit frontend
speaks to ``/_stcore/stream`` (protobuf ``BackMsg`` up, ``ForwardMsg`` down): it asks
for a page with its query string, as a shared link does, and reads everything the
server sends until the script has finished, so the server does all of its real work
(running the page, queries, charts serialised to JSON) while the client costs little.
"""

from __future__ import annotations

import asyncio
import time

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

SUBPROTOCOL = "streamlit"
ERROR_TEXTS = ("Something went wrong",)


class PageFailed(RuntimeError):
    """The page showed an exception or an error box."""


def _stream_url(base: str) -> str:
    return base.replace("http://", "ws://", 1) + "/_stcore/stream"


def _rerun(page_name: str, query_string: str) -> bytes:
    message = BackMsg()
    message.rerun_script.query_string = query_string
    message.rerun_script.page_name = page_name
    data: bytes = message.SerializeToString()
    return data


def _problem(message: ForwardMsg) -> str | None:
    """An exception or error text carried by a delta, if any."""
    if message.WhichOneof("type") != "delta":
        return None
    element = message.delta.new_element
    kind = element.WhichOneof("type")
    if kind == "exception":
        return f"exception: {element.exception.type}: {element.exception.message}"[:300]
    if kind == "alert" and any(text in element.alert.body for text in ERROR_TEXTS):
        return element.alert.body[:300]
    return None


def _heading(message: ForwardMsg) -> str | None:
    if message.WhichOneof("type") != "delta":
        return None
    element = message.delta.new_element
    return element.heading.body if element.WhichOneof("type") == "heading" else None


async def visit(base: str, page_name: str, query_string: str, title: str, timeout: float) -> float:
    """Open one page in a new session; seconds until its script finished (not for a rerun).

    Raises ``PageFailed`` if the page showed an exception or an error box or no heading
    starting with ``title`` (so a wrong page cannot pass), and ``TimeoutError`` if it had
    not finished within ``timeout`` seconds.
    """
    titled = False
    started = time.monotonic()
    deadline = started + timeout
    async with websockets.connect(
        _stream_url(base), subprotocols=[websockets.Subprotocol(SUBPROTOCOL)], max_size=None
    ) as socket:
        await socket.send(_rerun(page_name, query_string))
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the page kept running")
            data = await _receive(socket, left)
            message = ForwardMsg()
            message.ParseFromString(data)
            problem = _problem(message)
            if problem:
                raise PageFailed(problem)
            titled = titled or (_heading(message) or "").startswith(title)
            if message.WhichOneof("type") == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(message.script_finished)
                if status == "FINISHED_SUCCESSFULLY":
                    if not titled:
                        raise PageFailed(f"no heading starting {title!r}")
                    return time.monotonic() - started
                if status == "FINISHED_WITH_COMPILE_ERROR":
                    raise PageFailed("the script did not compile")
                # FINISHED_EARLY_FOR_RERUN: the app reran itself (a deep link); keep reading


async def _receive(socket: websockets.ClientConnection, timeout: float) -> bytes:
    data = await asyncio.wait_for(socket.recv(), timeout)
    if isinstance(data, str):
        return data.encode()
    return data
