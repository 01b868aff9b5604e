"""The emulator's connection faults: black hole, stalled handshake, server pings, scenario steps."""

from __future__ import annotations

import json
import time

import pytest
import websocket
from slack_sdk import WebClient
from websocket import ABNF

from responder.emulator import Emulator, ScenarioError, parse_scenario
from responder.emulator.steps import BlackHoleSessions, PingSessions, StallHandshakes


def open_session(emulator: Emulator, timeout: float = 2.0) -> websocket.WebSocket:
    url = WebClient(base_url=emulator.base_url, token="xoxb-test").rtm_connect()["url"]
    ws = websocket.create_connection(url, timeout=timeout)
    assert json.loads(ws.recv()) == {"type": "hello"}
    return ws


def test_black_hole_keeps_socket_open_and_silent() -> None:
    with Emulator() as emulator:
        ws = open_session(emulator)
        emulator.black_hole_sessions()
        ws.ping("are you there")
        emulator.send_event({"type": "message", "channel": "C0TEST1", "text": "lost", "ts": "1700000160.000100"})
        ws.settimeout(1.0)
        with pytest.raises(websocket.WebSocketTimeoutException):
            ws.recv_data_frame(control_frame=True)
        assert ws.connected
        assert emulator.open_sessions == 0
        span = emulator.session_spans()[0]
        ws.close(timeout=0.1)

    assert span.end_reason == "black-holed by the emulator"


def test_stalled_handshake_is_never_answered() -> None:
    with Emulator() as emulator:
        emulator.stall_handshakes(1)
        client = WebClient(base_url=emulator.base_url, token="xoxb-test")
        stalled_url = client.rtm_connect()["url"]
        with pytest.raises(websocket.WebSocketTimeoutException):
            websocket.create_connection(stalled_url, timeout=0.5)
        ws = open_session(emulator)
        ws.close()


def test_server_ping_reaches_the_client_and_its_pong_is_recorded() -> None:
    with Emulator() as emulator:
        ws = open_session(emulator)
        emulator.ping_sessions(b"payload-1")
        opcode, frame = ws.recv_data_frame(control_frame=True)
        time.sleep(0.3)
        keepalives = emulator.keepalives()
        ws.close()

    assert opcode == ABNF.OPCODE_PING
    assert frame.data == b"payload-1"
    assert [(item.kind, item.payload) for item in keepalives] == [("server ping", b"payload-1"), ("client pong", b"payload-1")]


def test_control_limited_to_one_session() -> None:
    with Emulator() as emulator:
        first = open_session(emulator)
        second = open_session(emulator)
        emulator.end_sessions(session=1)
        time.sleep(0.2)
        open_sessions = emulator.open_sessions
        first.close()
        second.close()

    assert open_sessions == 1


def test_scenario_steps_for_connection_faults() -> None:
    scenario = parse_scenario('[[step]]\nblack_hole = true\n\n[[step]]\nstall_handshakes = 2\n\n[[step]]\nping = "p"\n')

    assert [step.action for step in scenario.steps] == [BlackHoleSessions(), StallHandshakes(2), PingSessions("p")]


@pytest.mark.parametrize(
    "step", ["stall_handshakes = 0", "black_hole = false", "ping = 3"], ids=["zero", "false", "number"]
)
def test_scenario_rejects_bad_fault_steps(step: str) -> None:
    with pytest.raises(ScenarioError):
        parse_scenario(f"[[step]]\n{step}\n")
