"""Fixtures for the emulator tests: started emulators, WebClients, RTM and Socket Mode connections."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
import websocket
from slack_sdk import WebClient

from responder.emulator import Emulator, SocketModeSettings

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


@pytest.fixture
def socket_emulator() -> Iterator[Emulator]:
    """A running emulator whose Socket Mode redelivers after 0.5 s, twice at most, with no server pings."""
    settings = SocketModeSettings(
        ack_timeout=0.5,
        max_retries=2,
        ping_interval=0,
        warning_close_delay=0.3,
        refresh_close_delay=0.1,
    )
    with Emulator(close_timeout=1.0, socket_mode=settings) as running:
        yield running


@pytest.fixture
def app_web(socket_emulator: Emulator) -> WebClient:
    """A real slack_sdk WebClient pointed at the Socket Mode emulator with an app-level token."""
    return WebClient(base_url=socket_emulator.base_url, token="xapp-1-test", timeout=5)


@pytest.fixture
def open_socket(app_web: WebClient) -> Iterator[Connect]:
    """Open Socket Mode sessions with websocket-client; each has received ``hello``."""
    sockets: list[websocket.WebSocket] = []

    def open_session() -> websocket.WebSocket:
        url = app_web.apps_connections_open(app_token="xapp-1-test")["url"]
        ws = websocket.create_connection(url, timeout=5)
        sockets.append(ws)
        assert json.loads(ws.recv())["type"] == "hello"
        return ws

    yield open_session
    for ws in sockets:
        ws.close(timeout=0.2)
