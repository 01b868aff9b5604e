"""Socket Mode disconnect messages, injected faults and scenario steps."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable
from typing import Any

import pytest
import websocket
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from responder.emulator import Emulator, ScenarioError, SocketModeSettings, parse_scenario

Connect = Callable[[], websocket.WebSocket]


def eventually(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll ``condition`` until it is true or ``timeout`` seconds pass; return its last value."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


def close_code(ws: websocket.WebSocket) -> int:
    """Read frames up to the close frame and return its status code."""
    while True:
        opcode, data = ws.recv_data(control_frame=True)
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            return int.from_bytes(data[:2], "big")


def open_error(client: WebClient) -> SlackApiError:
    """Return the error of an ``apps.connections.open`` call that must fail."""
    with pytest.raises(SlackApiError) as raised:
        client.apps_connections_open(app_token="xapp-1-test")
    return raised.value


@pytest.mark.parametrize("reason", ["warning", "refresh_requested", "too_many_websockets"])
def test_disconnect_then_close(socket_emulator: Emulator, open_socket: Connect, reason: Any) -> None:
    ws = open_socket()

    socket_emulator.disconnect_socket_mode(reason)

    assert json.loads(ws.recv()) == {
        "type": "disconnect",
        "reason": reason,
        "debug_info": {"host": "applink-emulator"},
    }
    assert close_code(ws) == 1000
    assert socket_emulator.socket_mode_enabled is True


def test_warning_waits_before_close() -> None:
    settings = SocketModeSettings(warning_close_delay=0.6, ping_interval=0)
    with Emulator(close_timeout=1.0, socket_mode=settings) as emulator:
        web = WebClient(base_url=emulator.base_url, token="xapp-1-test", timeout=5)
        ws = websocket.create_connection(web.apps_connections_open(app_token="xapp-1-test")["url"], timeout=5)
        json.loads(ws.recv())
        emulator.disconnect_socket_mode("warning")
        assert json.loads(ws.recv())["reason"] == "warning"

        emulator.post_as_user("U0TEST1", "C0TEST1", "still open")

        assert json.loads(ws.recv())["payload"]["event"]["text"] == "still open"
        assert close_code(ws) == 1000


def test_link_disabled_turns_socket_mode_off(
    socket_emulator: Emulator, open_socket: Connect, app_web: WebClient
) -> None:
    ws = open_socket()

    socket_emulator.disconnect_socket_mode("link_disabled")

    assert json.loads(ws.recv())["reason"] == "link_disabled"
    assert close_code(ws) == 1000
    assert open_error(app_web).response["error"] == "socket_mode_not_enabled"
    assert socket_emulator.socket_mode_enabled is False
    socket_emulator.enable_socket_mode()
    assert eventually(lambda: socket_emulator.socket_mode_enabled)
    assert open_socket() is not None


def test_disconnect_one_session(socket_emulator: Emulator, open_socket: Connect) -> None:
    first, second = open_socket(), open_socket()

    socket_emulator.disconnect_socket_mode("refresh_requested", session=2)

    assert json.loads(second.recv())["type"] == "disconnect"
    assert close_code(second) == 1000
    assert eventually(lambda: socket_emulator.open_socket_sessions == 1)
    socket_emulator.post_as_user("U0TEST1", "C0TEST1", "to the first")
    assert json.loads(first.recv())["payload"]["event"]["text"] == "to the first"


def test_disconnect_reason_checked(socket_emulator: Emulator) -> None:
    with pytest.raises(ValueError, match="unknown disconnect reason 'bye'"):
        socket_emulator.disconnect_socket_mode("bye")  # type: ignore[arg-type]


def test_too_many_websockets_beyond_limit() -> None:
    settings = SocketModeSettings(max_connections=1, refresh_close_delay=0.1, ping_interval=0)
    with Emulator(close_timeout=1.0, socket_mode=settings) as emulator:
        web = WebClient(base_url=emulator.base_url, token="xapp-1-test", timeout=5)
        first = websocket.create_connection(web.apps_connections_open(app_token="xapp-1-test")["url"], timeout=5)
        assert json.loads(first.recv())["type"] == "hello"

        second = websocket.create_connection(web.apps_connections_open(app_token="xapp-1-test")["url"], timeout=5)

        assert json.loads(second.recv())["reason"] == "too_many_websockets"
        assert close_code(second) == 1000
        assert emulator.open_socket_sessions == 1
        first.close()


def test_close_sessions_code(socket_emulator: Emulator, open_socket: Connect) -> None:
    ws = open_socket()

    socket_emulator.close_sessions(4000, "going")

    assert close_code(ws) == 4000
    assert socket_emulator.session_spans()[0].end_reason == "closed by the emulator with code 4000"


def test_reset_sessions(socket_emulator: Emulator, open_socket: Connect) -> None:
    ws = open_socket()

    socket_emulator.reset_sessions()

    with pytest.raises((ConnectionResetError, websocket.WebSocketConnectionClosedException)):
        ws.recv()


def test_end_sessions(socket_emulator: Emulator, open_socket: Connect) -> None:
    ws = open_socket()

    socket_emulator.end_sessions()

    with pytest.raises(websocket.WebSocketConnectionClosedException):
        ws.recv()


def test_black_hole_session(socket_emulator: Emulator, open_socket: Connect) -> None:
    silent, alive = open_socket(), open_socket()

    socket_emulator.black_hole_sessions(session=1)
    silent.ping(b"hello?")
    socket_emulator.post_as_user("U0TEST1", "C0TEST1", "to the live one")

    assert json.loads(alive.recv())["payload"]["event"]["text"] == "to the live one"
    silent.settimeout(0.3)
    with pytest.raises(websocket.WebSocketTimeoutException):
        silent.recv_data(control_frame=True)
    assert socket_emulator.open_socket_sessions == 1


def test_stalled_handshake(socket_emulator: Emulator, app_web: WebClient) -> None:
    socket_emulator.stall_handshakes(1)
    url = app_web.apps_connections_open(app_token="xapp-1-test")["url"]

    with pytest.raises((websocket.WebSocketTimeoutException, socket.timeout)):
        websocket.create_connection(url, timeout=0.5)

    assert socket_emulator.open_socket_sessions == 0


def test_open_rate_limited(socket_emulator: Emulator, app_web: WebClient) -> None:
    socket_emulator.fail_method("apps.connections.open", status=429, retry_after=3)

    error = open_error(app_web)

    assert error.response.status_code == 429
    assert error.response["error"] == "ratelimited"
    assert error.response.headers["retry-after"] == "3"
    assert app_web.apps_connections_open(app_token="xapp-1-test")["ok"] is True


def test_open_internal_error(socket_emulator: Emulator, app_web: WebClient) -> None:
    socket_emulator.fail_method("apps.connections.open", error="internal_error")

    assert open_error(app_web).response["error"] == "internal_error"
    assert len(socket_emulator.calls("apps.connections.open")) == 1


def test_scenario_disconnect_steps_parsed() -> None:
    scenario = parse_scenario(
        """
        start = "immediately"
        [[step]]
        disconnect = "link_disabled"
        [[step]]
        enable_socket_mode = true
        """
    )

    assert [type(step.action).__name__ for step in scenario.steps] == [
        "DisconnectSocketMode",
        "EnableSocketMode",
    ]


def test_scenario_bad_disconnect_reason() -> None:
    with pytest.raises(ScenarioError, match="'disconnect' must be one of .*did you mean 'warning'"):
        parse_scenario('[[step]]\ndisconnect = "warnin"\n')


def test_scenario_starts_on_socket_hello(socket_emulator: Emulator, open_socket: Connect) -> None:
    scenario = parse_scenario(
        """
        [[step]]
        message = { user = "U0TEST1", channel = "C0TEST1", text = "first" }
        [[step]]
        disconnect = "refresh_requested"
        [[step]]
        wait_for_session = "new"
        [[step]]
        message = { user = "U0TEST1", channel = "C0TEST1", text = "after refresh" }
        """
    )
    player = socket_emulator.run_scenario(scenario)
    old = open_socket()

    envelope = json.loads(old.recv())
    old.send(json.dumps({"envelope_id": envelope["envelope_id"]}))
    assert envelope["payload"]["event"]["text"] == "first"
    assert json.loads(old.recv())["reason"] == "refresh_requested"
    new = open_socket()

    assert json.loads(new.recv())["payload"]["event"]["text"] == "after refresh"
    player.join(timeout=5)
    assert player.error is None
