"""Fixtures for the emulator tests: a started emulator, a WebClient and RTM connections."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
import websocket
from slack_sdk import WebClient

from responder.emulator import Emulator

Connect = Callable[[], websocket.WebSocket]


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """A running emulator with the default workspace."""
    with Emulator(close_timeout=1.0) as running:
        yield running


@pytest.fixture
def web(emulator: Emulator) -> WebClient:
    """A real slack_sdk WebClient pointed at the emulator with a bot token."""
    return WebClient(base_url=emulator.base_url, token="xoxb-test", timeout=5)


@pytest.fixture
def connect(web: WebClient) -> Iterator[Connect]:
    """Open RTM sessions with websocket-client; each has received (and checked) ``hello``."""
    sockets: list[websocket.WebSocket] = []

    def open_session() -> websocket.WebSocket:
        url = web.rtm_connect()["url"]
        ws = websocket.create_connection(url, timeout=5)
        sockets.append(ws)
        assert json.loads(ws.recv()) == {"type": "hello"}
        return ws

    yield open_session
    for ws in sockets:
        ws.close(timeout=0.2)
