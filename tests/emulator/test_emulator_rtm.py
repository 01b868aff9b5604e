"""The RTM websocket through websocket-client: hello, URLs, pings, acks and limits."""

from __future__ import annotations

import json
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


def close_code(frame: websocket.ABNF) -> int:
    """Return the status code carried by a close frame."""
    assert frame.opcode == websocket.ABNF.OPCODE_CLOSE
    assert isinstance(frame.data, bytes)
    return int(struct.unpack("!H", frame.data[:2])[0])


def test_hello_is_first_frame(web: WebClient) -> None:
    ws = websocket.create_connection(web.rtm_connect()["url"], timeout=5)

    assert json.loads(ws.recv()) == {"type": "hello"}
    ws.close()


def test_session_counted_after_hello(emulator: Emulator, connect: Connect) -> None:
    connect()
    connect()

    emulator.wait_for_sessions(2, timeout=5)
    assert emulator.open_sessions == 2


def test_url_reuse_gets_error_frame_then_close(web: WebClient, connect: Connect) -> None:
    url = web.rtm_connect()["url"]
    first = websocket.create_connection(url, timeout=5)
    assert json.loads(first.recv()) == {"type": "hello"}

    second = websocket.create_connection(url, timeout=5)

    assert json.loads(second.recv()) == {
        "type": "error",
        "error": {"code": 1, "msg": "Socket URL has expired"},
    }
    assert close_code(second.recv_data_frame(True)[1]) == 1008
    first.close()


def test_url_expires() -> None:
    with Emulator(url_ttl=0.2, close_timeout=1.0) as emulator:
        url = WebClient(base_url=emulator.base_url, token="xoxb-test", timeout=5).rtm_connect()[
            "url"
        ]
        time.sleep(0.4)

        ws = websocket.create_connection(url, timeout=5)

        assert json.loads(ws.recv())["type"] == "error"
        assert close_code(ws.recv_data_frame(True)[1]) == 1008
        assert emulator.open_sessions == 0


def test_url_never_issued_rejected(emulator: Emulator) -> None:
    url = f"ws://127.0.0.1:{emulator.port}/rtm/never-issued"

    with pytest.raises(websocket.WebSocketBadStatusException) as raised:
        websocket.create_connection(url, timeout=5)

    assert raised.value.status_code == 404


def test_websocket_ping_gets_pong_with_payload(connect: Connect) -> None:
    ws = connect()

    ws.ping("payload-1")

    opcode, frame = ws.recv_data_frame(True)
    assert opcode == websocket.ABNF.OPCODE_PONG
    assert frame.data == b"payload-1"


def test_json_ping_gets_pong_with_flat_fields(connect: Connect) -> None:
    ws = connect()

    ws.send(
        json.dumps({"id": 7, "type": "ping", "time": 1403299273342, "tag": "x", "nested": {"a": 1}})
    )

    assert json.loads(ws.recv()) == {
        "type": "pong",
        "reply_to": 7,
        "time": 1403299273342,
        "tag": "x",
    }


def test_client_message_acked_then_echoed(connect: Connect) -> None:
    ws = connect()

    ws.send(json.dumps({"id": 3, "type": "message", "channel": "C0TEST1", "text": "Hello world"}))

    ack = json.loads(ws.recv())
    echo = json.loads(ws.recv())
    assert ack == {"ok": True, "reply_to": 3, "ts": ack["ts"], "text": "Hello world"}
    assert echo["type"] == "message"
    assert echo["ts"] == ack["ts"]
    assert echo["user"] == "U0SELF"
    assert echo["channel"] == "C0TEST1"


def test_client_message_without_text_gets_error(connect: Connect) -> None:
    ws = connect()

    ws.send(json.dumps({"id": 4, "type": "message", "channel": "C0TEST1", "text": ""}))

    assert json.loads(ws.recv()) == {
        "ok": False,
        "reply_to": 4,
        "error": {"code": 2, "msg": "message text is missing"},
    }


def test_oversized_client_frame_closes_with_1009(emulator: Emulator, connect: Connect) -> None:
    ws = connect()

    ws.send(json.dumps({"id": 1, "type": "message", "channel": "C0TEST1", "text": "x" * 17_000}))

    assert close_code(ws.recv_data_frame(True)[1]) == 1009
    assert eventually(lambda: emulator.open_sessions == 0)


def test_frame_of_16kb_accepted(connect: Connect) -> None:
    ws = connect()
    frame = json.dumps({"id": 1, "type": "ping", "pad": ""})
    padded = json.dumps({"id": 1, "type": "ping", "pad": "x" * (16 * 1024 - len(frame))})

    ws.send(padded)

    assert len(padded) == 16 * 1024
    assert json.loads(ws.recv())["reply_to"] == 1


def test_non_json_client_frame_ignored(connect: Connect) -> None:
    ws = connect()

    ws.send("not json at all")
    ws.send(json.dumps({"id": 9, "type": "ping"}))

    assert json.loads(ws.recv()) == {"type": "pong", "reply_to": 9}


def test_client_eof_is_normal_disconnect(
    emulator: Emulator, web: WebClient, connect: Connect
) -> None:
    ws = connect()
    emulator.wait_for_sessions(1)

    assert ws.sock is not None
    ws.sock.close()

    assert eventually(lambda: emulator.open_sessions == 0)
    assert web.auth_test()["ok"] is True
