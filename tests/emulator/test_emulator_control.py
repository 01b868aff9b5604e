"""The control API: injected events, goodbye, server-side closes, and waits."""

from __future__ import annotations

import json
import socket
import struct
import time
from collections.abc import Callable

import pytest
import websocket
from slack_sdk import WebClient

from responder.emulator import Emulator

Connect = Callable[[], websocket.WebSocket]


def eventually(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll ``condition`` until it is true or ``timeout`` seconds pass; return its last value."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


def close_code(ws: websocket.WebSocket) -> tuple[int, bytes]:
    """Read the next frame, which must be a close frame, and return its code and reason."""
    opcode, frame = ws.recv_data_frame(True)
    assert opcode == websocket.ABNF.OPCODE_CLOSE
    return int(struct.unpack("!H", frame.data[:2])[0]), frame.data[2:]


def test_send_event_in_order_to_all(emulator: Emulator, connect: Connect) -> None:
    first, second = connect(), connect()
    events = [
        {
            "type": "message",
            "user": "U0TEST1",
            "text": str(n),
            "channel": "C0TEST1",
            "ts": f"1700000000.{n:06d}",
        }
        for n in range(1, 51)
    ]

    for event in events:
        emulator.send_event(event)

    for ws in (first, second):
        assert [json.loads(ws.recv()) for _ in events] == events


def test_send_event_is_sent_unchanged(emulator: Emulator, connect: Connect) -> None:
    ws = connect()
    odd = {"type": None, "list": [1, {"x": "y"}], "text": "<@U0SELF> &amp;"}

    emulator.send_event(odd)

    assert json.loads(ws.recv()) == odd


def test_send_raw_frame(emulator: Emulator, connect: Connect) -> None:
    ws = connect()

    emulator.send_raw("not json at all")

    assert ws.recv() == "not json at all"


def test_goodbye_keeps_session_open(emulator: Emulator, connect: Connect) -> None:
    ws = connect()

    emulator.goodbye()

    assert json.loads(ws.recv()) == {"type": "goodbye"}
    assert emulator.open_sessions == 1


def test_goodbye_with_close(emulator: Emulator, connect: Connect) -> None:
    ws = connect()

    emulator.goodbye(close=True)

    assert json.loads(ws.recv()) == {"type": "goodbye"}
    assert close_code(ws)[0] == 1001
    assert emulator.open_sessions == 0


def test_close_sessions_code_and_reason(emulator: Emulator, connect: Connect) -> None:
    ws = connect()

    emulator.close_sessions(1011, "server error")

    assert close_code(ws) == (1011, b"server error")
    assert emulator.open_sessions == 0


def test_close_comes_after_queued_events(emulator: Emulator, connect: Connect) -> None:
    ws = connect()

    emulator.send_event({"type": "message", "text": "last words"})
    emulator.close_sessions()

    assert json.loads(ws.recv())["text"] == "last words"
    assert close_code(ws)[0] == 1001


def test_end_sessions_sends_fin_without_close_frame(emulator: Emulator, connect: Connect) -> None:
    ws = connect()

    emulator.end_sessions()

    with pytest.raises(websocket.WebSocketConnectionClosedException):
        ws.recv()
    assert emulator.open_sessions == 0


def test_reset_sessions_sends_rst(emulator: Emulator, connect: Connect) -> None:
    ws = connect()

    emulator.reset_sessions()

    with pytest.raises(ConnectionResetError):
        ws.recv()
    assert emulator.open_sessions == 0


def test_reconnect_after_close(emulator: Emulator, connect: Connect) -> None:
    connect()
    emulator.close_sessions()

    connect()

    emulator.wait_for_sessions(1, timeout=5)
    assert emulator.connect_calls == 2
    assert emulator.sessions_started == 2


def test_events_skip_closed_sessions(emulator: Emulator, connect: Connect) -> None:
    old = connect()
    emulator.close_sessions()
    close_code(old)
    new = connect()

    emulator.send_event({"type": "message", "text": "fresh"})

    assert json.loads(new.recv())["text"] == "fresh"


def test_wait_for_sessions_times_out(emulator: Emulator) -> None:
    with pytest.raises(TimeoutError, match="1 open session"):
        emulator.wait_for_sessions(1, timeout=0.1)


def test_wait_for_calls_returns_calls(emulator: Emulator, web: WebClient) -> None:
    web.chat_postMessage(channel="C0TEST1", text="one")

    calls = emulator.wait_for_calls(1, "chat.postMessage", timeout=1)

    assert [call["text"] for call in calls] == ["one"]


def test_wait_for_calls_timeout_names_calls(emulator: Emulator, web: WebClient) -> None:
    web.auth_test()

    with pytest.raises(TimeoutError) as raised:
        emulator.wait_for_calls(1, "chat.postMessage", timeout=0.1)

    assert "chat.postMessage" in str(raised.value)
    assert "auth.test x1" in str(raised.value)


def test_connect_calls_counted(emulator: Emulator, web: WebClient) -> None:
    web.rtm_connect()
    web.rtm_connect()

    assert emulator.connect_calls == 2


def test_control_api_before_start() -> None:
    emulator = Emulator()

    with pytest.raises(RuntimeError, match="not running"):
        emulator.send_event({"type": "hello"})


def test_port_in_use_raises() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        with pytest.raises(OSError):
            Emulator(port=port).start()


def test_stop_closes_sessions_with_1001() -> None:
    emulator = Emulator(close_timeout=1.0).start()
    client = WebClient(base_url=emulator.base_url, token="xoxb-test", timeout=5)
    ws = websocket.create_connection(client.rtm_connect()["url"], timeout=5)
    ws.recv()

    emulator.stop()

    assert close_code(ws)[0] == 1001
    assert eventually(lambda: emulator.open_sessions == 0)


def test_stopped_emulator_not_restartable() -> None:
    emulator = Emulator().start()
    emulator.stop()

    with pytest.raises(RuntimeError, match="cannot be started again"):
        emulator.start()
