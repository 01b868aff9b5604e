"""The line that ``responder emulator`` prints on exit about Socket Mode acknowledgements."""

from __future__ import annotations

from responder.emulator.socket_records import Delivery, SocketAck
from responder.emulator.standalone import socket_mode_summary


def delivery(envelope_id: str, event_id: str, retry_attempt: int = 0) -> Delivery:
    return Delivery(envelope_id, event_id, 1, retry_attempt, "timeout" if retry_attempt else "", "message", 0.0, {})


def test_no_socket_mode_prints_nothing() -> None:
    assert socket_mode_summary([], []) == ""


def test_counts_redeliveries_and_each_kind_of_acknowledgement() -> None:
    deliveries = [delivery("e1", "Ev1"), delivery("e2", "Ev2"), delivery("e3", "Ev2", retry_attempt=1)]
    acks = [
        SocketAck("e1", 1, None, 0.0, "acked"),
        SocketAck("e1", 1, None, 0.0, "duplicate"),
        SocketAck("e3", 1, None, 0.0, "acked"),
        SocketAck("zz", 1, None, 0.0, "unknown"),
    ]

    assert socket_mode_summary(deliveries, acks) == (
        "Socket Mode: 3 envelopes for 2 events (1 redelivered); 2 acknowledged, "
        "1 acknowledged again, 1 never acknowledged, 1 acknowledgements of unknown envelopes"
    )
