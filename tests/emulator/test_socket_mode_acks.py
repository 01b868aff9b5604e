"""Socket Mode acknowledgements and redelivery: one session per envelope, retries after a time-out."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import websocket

from responder.emulator import Emulator

Connect = Callable[[], websocket.WebSocket]


def eventually(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll ``condition`` until it is true or ``timeout`` seconds pass; return its last value."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


def next_envelope(ws: websocket.WebSocket) -> dict[str, Any]:
    """Return the next frame as JSON, which must be an envelope."""
    frame = json.loads(ws.recv())
    assert "envelope_id" in frame, frame
    return dict(frame)


def ack(ws: websocket.WebSocket, envelope: dict[str, Any], **extra: Any) -> None:
    """Acknowledge an envelope as slack_sdk does."""
    ws.send(json.dumps({"envelope_id": envelope["envelope_id"], **extra}))


def test_ack_recorded(socket_emulator: Emulator, open_socket: Connect) -> None:
    ws = open_socket()
    socket_emulator.post_as_user("U0TEST1", "C0TEST1", "hello")
    envelope = next_envelope(ws)

    ack(ws, envelope)
    acks = socket_emulator.wait_for_socket_acks(1, timeout=5)

    assert len(acks) == 1
    assert acks[0].envelope_id == envelope["envelope_id"]
    assert acks[0].session == 1
    assert acks[0].payload is None
    assert acks[0].status == "acked"


def test_ack_payload_recorded(socket_emulator: Emulator, open_socket: Connect) -> None:
    ws = open_socket()
    socket_emulator.post_as_user("U0TEST1", "C0TEST1", "hello")

    ack(ws, next_envelope(ws), payload={"text": "thanks"})

    assert socket_emulator.wait_for_socket_acks(1, timeout=5)[0].payload == {"text": "thanks"}


def test_duplicate_and_unknown_acks_recorded(socket_emulator: Emulator, open_socket: Connect) -> None:
    ws = open_socket()
    socket_emulator.post_as_user("U0TEST1", "C0TEST1", "hello")
    envelope = next_envelope(ws)

    ack(ws, envelope)
    ack(ws, envelope)
    ws.send(json.dumps({"envelope_id": "no-such-envelope"}))
    acks = socket_emulator.wait_for_socket_acks(3, timeout=5)

    assert [item.status for item in acks] == ["acked", "duplicate", "unknown"]
    assert acks[2].envelope_id == "no-such-envelope"


def test_no_redelivery_after_ack(socket_emulator: Emulator, open_socket: Connect) -> None:
    ws = open_socket()
    socket_emulator.post_as_user("U0TEST1", "C0TEST1", "hello")
    ack(ws, next_envelope(ws))
    socket_emulator.wait_for_socket_acks(1, timeout=5)

    time.sleep(1.2)  # more than two ack timeouts of 0.5 s
    socket_emulator.post_as_user("U0TEST1", "C0TEST1", "next")

    assert next_envelope(ws)["payload"]["event"]["text"] == "next"
    assert len(socket_emulator.socket_deliveries()) == 2


def test_redelivery_after_timeout(socket_emulator: Emulator, open_socket: Connect) -> None:
    ws = open_socket()
    socket_emulator.post_as_user("U0TEST1", "C0TEST1", "hello")
    first = next_envelope(ws)

    second = next_envelope(ws)

    assert second["retry_attempt"] == 1
    assert second["retry_reason"] == "timeout"
    assert second["payload"] == first["payload"]
    assert second["envelope_id"] != first["envelope_id"]
    assert second["type"] == "events_api"


def test_retries_stop_at_max(socket_emulator: Emulator, open_socket: Connect) -> None:
    ws = open_socket()
    socket_emulator.post_as_user("U0TEST1", "C0TEST1", "hello")
    attempts = [next_envelope(ws)["retry_attempt"] for _ in range(3)]

    time.sleep(1.2)  # more than two ack timeouts of 0.5 s
    socket_emulator.post_as_user("U0TEST1", "C0TEST1", "next")

    assert attempts == [0, 1, 2]
    assert next_envelope(ws)["payload"]["event"]["text"] == "next"
    event_ids = Counter(delivery.event_id for delivery in socket_emulator.socket_deliveries())
    assert sorted(event_ids.values()) == [1, 3]


def test_ack_of_retry_stops_retries(socket_emulator: Emulator, open_socket: Connect) -> None:
    ws = open_socket()
    socket_emulator.post_as_user("U0TEST1", "C0TEST1", "hello")
    next_envelope(ws)
    retry = next_envelope(ws)

    ack(ws, retry)
    socket_emulator.wait_for_socket_acks(1, timeout=5)
    time.sleep(1.2)  # more than two ack timeouts of 0.5 s

    assert len(socket_emulator.socket_deliveries()) == 2


def test_each_envelope_to_one_session(socket_emulator: Emulator, open_socket: Connect) -> None:
    sockets = [open_socket(), open_socket()]
    for number in range(4):
        socket_emulator.post_as_user("U0TEST1", "C0TEST1", f"message {number}")

    deliveries = socket_emulator.wait_for_socket_deliveries(4, timeout=5)
    received = []
    for ws in sockets:
        for delivery in deliveries:
            if delivery.session == sockets.index(ws) + 1:
                envelope = next_envelope(ws)
                received.append(envelope["payload"]["event"]["text"])
                ack(ws, envelope)
    socket_emulator.wait_for_socket_acks(4, timeout=5)

    assert sorted(received) == [f"message {number}" for number in range(4)]
    assert {delivery.session for delivery in deliveries} == {1, 2}
    assert len({delivery.event_id for delivery in deliveries}) == 4
    acked = Counter(item.envelope_id for item in socket_emulator.socket_acks())
    assert set(acked.values()) == {1}


def test_redelivery_moves_to_new_session(socket_emulator: Emulator, open_socket: Connect) -> None:
    old = open_socket()
    socket_emulator.post_as_user("U0TEST1", "C0TEST1", "hello")
    first = next_envelope(old)
    old.close()

    new = open_socket()
    retry = next_envelope(new)

    assert retry["payload"]["event_id"] == first["payload"]["event_id"]
    assert retry["retry_attempt"] == 1
    assert socket_emulator.socket_deliveries()[-1].session == 2


def test_events_wait_for_reconnect(socket_emulator: Emulator, open_socket: Connect) -> None:
    old = open_socket()
    old.close()
    assert eventually(lambda: socket_emulator.open_socket_sessions == 0)

    socket_emulator.post_as_user("U0TEST1", "C0TEST1", "while away")
    new = open_socket()

    envelope = next_envelope(new)
    assert envelope["payload"]["event"]["text"] == "while away"
    assert envelope["retry_attempt"] == 0


def test_no_envelopes_before_first_session(socket_emulator: Emulator, open_socket: Connect) -> None:
    socket_emulator.post_as_user("U0TEST1", "C0TEST1", "nobody listens")
    ws = open_socket()
    socket_emulator.post_as_user("U0TEST1", "C0TEST1", "now")

    assert next_envelope(ws)["payload"]["event"]["text"] == "now"
    assert len(socket_emulator.socket_deliveries()) == 1
