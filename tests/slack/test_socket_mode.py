"""The Socket Mode transport against the emulator: acks, redeliveries, disconnects, errors."""

from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest
from slack_sdk import WebClient

from responder.emulator import Emulator, SocketModeSettings, Workspace
from responder.records import FrameSkipped
from responder.slack.socket_mode import LINK_DISABLED
from responder.slack.transport import FatalConnectError, SocketModeTransport
from tests.slack.helpers import TOKEN, Collector, quick_backoff, running

APP_TOKEN = "xapp-test-secret-0000"
MESSAGE = {"type": "message", "user": "U0TEST1", "text": "hello", "channel": "C0TEST1", "ts": "1700000000.000800"}


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(socket_mode=SocketModeSettings(ack_timeout=0.5, max_retries=2, refresh_close_delay=0.5)) as started:
        yield started


def make_transport(base_url: str, collector: Collector, app_token: str = APP_TOKEN, **options: Any) -> SocketModeTransport:
    options.setdefault("on_event", collector.on_event)
    options.setdefault("ping_interval", 0.5)
    options.setdefault("pong_timeout", 0.5)
    options.setdefault("handshake_timeout", 2.0)
    options.setdefault("backoff", quick_backoff())
    return SocketModeTransport(
        WebClient(base_url=base_url, token=TOKEN),
        WebClient(base_url=base_url, token=app_token),
        on_record=collector.on_record,
        **options,
    )


def envelope(envelope_id: str, event_id: str, retry_attempt: int = 0, kind: str = "events_api") -> str:
    payload = {"type": "event_callback", "event_id": event_id, "event": MESSAGE}
    frame = {
        "envelope_id": envelope_id,
        "type": kind,
        "accepts_response_payload": False,
        "retry_attempt": retry_attempt,
        "retry_reason": "timeout" if retry_attempt else "",
        "payload": payload,
    }
    return json.dumps(frame)


def skipped(collector: Collector, reason: str) -> list[FrameSkipped]:
    return [record for record in collector.of_type(FrameSkipped) if record.reason == reason]


def test_hello_gives_socket_mode_record(emulator: Emulator) -> None:
    collector = Collector()
    with running(make_transport(emulator.base_url, collector)) as run:
        connected = collector.wait_for_states("connected")[0]
        identity = run.transport.identity

    assert connected.transport == "socket-mode"
    assert connected.bot == "autobot"
    assert identity is not None
    assert identity.user_id == "U0SELF"
    assert identity.bot_id == "B0SELF"
    assert emulator.socket_connect_calls == 1
    assert emulator.calls("rtm.connect") == []


class _HeaderRecorder(BaseHTTPRequestHandler):
    """Replies ``invalid_auth`` to every call and stores each call's path, Authorization header and body."""

    seen: list[tuple[str, str, bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.seen.append((self.path, self.headers.get("Authorization") or "", body))
        reply = json.dumps({"ok": False, "error": "invalid_auth"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_open_sends_app_token_as_bearer(emulator: Emulator) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _HeaderRecorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    collector = Collector()
    transport = SocketModeTransport(
        WebClient(base_url=emulator.base_url, token=TOKEN),
        WebClient(base_url=f"http://127.0.0.1:{server.server_address[1]}/api/", token=APP_TOKEN),
        on_event=collector.on_event,
        on_record=collector.on_record,
    )
    try:
        with running(transport) as run:
            run.thread.join(5.0)
    finally:
        server.shutdown()
        server.server_close()

    path, authorization, body = _HeaderRecorder.seen[0]
    assert path == "/api/apps.connections.open"
    assert authorization == f"Bearer {APP_TOKEN}"
    assert APP_TOKEN.encode() not in body
    assert isinstance(run.error, FatalConnectError)
    assert len(emulator.calls("auth.test")) == 1


def test_event_is_passed_on_with_channel_type(emulator: Emulator) -> None:
    collector = Collector()
    with running(make_transport(emulator.base_url, collector)):
        collector.wait_for_states("connected")
        emulator.send_event(MESSAGE)
        events = collector.wait_for_events(1)

    assert events[0]["text"] == "hello"
    assert events[0]["channel_type"] == "channel"
    assert "envelope_id" not in events[0]


def test_each_envelope_acked_once_before_passed_on(emulator: Emulator) -> None:
    collector = Collector()
    acked_before: list[bool] = []

    def on_event(payload: dict[str, Any]) -> None:
        # The ack was sent before this call, so the emulator receives it while we wait.
        count = len(collector.events) + 1
        try:
            emulator.wait_for_socket_acks(count, timeout=2.0)
            acked_before.append(True)
        except TimeoutError:
            acked_before.append(False)
        collector.on_event(payload)

    with running(make_transport(emulator.base_url, collector, on_event=on_event)):
        collector.wait_for_states("connected")
        for number in range(5):
            emulator.send_event({**MESSAGE, "ts": f"1700000000.{number:06d}"})
        collector.wait_for_events(5)
        deliveries = emulator.wait_for_socket_deliveries(5)

    acks = emulator.socket_acks()
    assert acked_before == [True] * 5
    assert sorted(ack.envelope_id for ack in acks) == sorted(delivery.envelope_id for delivery in deliveries)
    assert [ack.status for ack in acks] == ["acked"] * 5
    assert all(delivery.retry_attempt == 0 for delivery in deliveries)


def test_redelivery_is_acked_and_skipped(emulator: Emulator) -> None:
    collector = Collector()
    with running(make_transport(emulator.base_url, collector)):
        collector.wait_for_states("connected")
        emulator.send_raw(envelope("env-1", "Ev0001"))
        emulator.send_raw(envelope("env-2", "Ev0001", retry_attempt=1))
        emulator.send_raw(envelope("env-3", "Ev0002"))
        collector.wait_for_events(2)
        acks = emulator.wait_for_socket_acks(3)
        collector.wait_until(lambda: bool(skipped(collector, "redelivered event")), description="the skip record")

    assert [ack.envelope_id for ack in acks] == ["env-1", "env-2", "env-3"]
    assert len(collector.events) == 2
    records = skipped(collector, "redelivered event")
    assert len(records) == 1
    assert "Ev0001" in records[0].detail
    assert "retry_attempt 1" in records[0].detail


def test_emulator_redeliveries_passed_on_once() -> None:
    # An ack timeout of 0.1 ms makes the emulator redeliver every envelope before
    # the client's ack can arrive.
    collector = Collector()
    settings = SocketModeSettings(ack_timeout=0.0001, max_retries=1)
    with Emulator(socket_mode=settings) as emulator:
        with running(make_transport(emulator.base_url, collector)):
            collector.wait_for_states("connected")
            for number in range(5):
                emulator.send_event({**MESSAGE, "ts": f"1700000000.{number:06d}"})
            collector.wait_for_events(5)
            deliveries = emulator.wait_for_socket_deliveries(10)
            acks = emulator.wait_for_socket_acks(10)

    redelivered = [delivery for delivery in deliveries if delivery.retry_attempt > 0]
    assert len(redelivered) == 5
    assert sorted(event["ts"] for event in collector.events) == [f"1700000000.{n:06d}" for n in range(5)]
    assert sorted(ack.envelope_id for ack in acks) == sorted(delivery.envelope_id for delivery in deliveries)
    assert len(skipped(collector, "redelivered event")) == 5


@pytest.mark.parametrize("kind", ["slash_commands", "interactive"])
def test_other_envelope_types_acked_and_skipped(emulator: Emulator, kind: str) -> None:
    collector = Collector()
    with running(make_transport(emulator.base_url, collector)):
        collector.wait_for_states("connected")
        emulator.send_raw(envelope("env-other", "Ev0009", kind=kind))
        acks = emulator.wait_for_socket_acks(1)
        collector.wait_until(lambda: bool(skipped(collector, f"{kind} envelope")), description="the skip record")

    assert acks[0].envelope_id == "env-other"
    assert collector.events == []


@pytest.mark.parametrize("reason", ["refresh_requested", "too_many_websockets", "warning"])
def test_disconnect_moves_to_new_connection_without_gap(emulator: Emulator, reason: str) -> None:
    collector = Collector()
    with running(make_transport(emulator.base_url, collector)):
        collector.wait_for_sessions(1)
        emulator.disconnect_socket_mode(reason)
        collector.wait_for_sessions(2)
        emulator.wait_for_calls(2, method="apps.connections.open", timeout=5.0)
        collector.wait_until(lambda: emulator.open_socket_sessions == 1, description="one open session")
        emulator.send_event(MESSAGE)
        events = collector.wait_for_events(1)

    rotating = [state for state in collector.states("reconnecting") if state.reason == f"disconnect: {reason}"]
    assert len(rotating) == 1
    assert rotating[0].next_try_at == rotating[0].at
    assert emulator.socket_connect_calls == 2
    assert len(events) == 1
    assert [span.kind for span in emulator.session_spans()] == ["socket_mode", "socket_mode"]


def test_link_disabled_reports_and_retries_until_enabled(emulator: Emulator) -> None:
    collector = Collector()
    with running(make_transport(emulator.base_url, collector)):
        collector.wait_for_sessions(1)
        emulator.disconnect_socket_mode("link_disabled")
        collector.wait_until(
            lambda: any(LINK_DISABLED in state.reason for state in collector.states("reconnecting")),
            description="the link_disabled record",
        )
        collector.wait_until(
            lambda: any("socket_mode_not_enabled" in state.reason for state in collector.states("reconnecting")),
            description="a failed apps.connections.open",
        )
        emulator.enable_socket_mode()
        collector.wait_for_sessions(2)
        emulator.send_event(MESSAGE)
        collector.wait_for_events(1)

    rejected = [state for state in collector.states("reconnecting") if "socket_mode_not_enabled" in state.reason]
    assert "turn it on" in rejected[0].reason
    assert collector.states()[-1].reason == "stop requested"


@pytest.mark.parametrize(
    ("app_token", "workspace", "code"),
    [
        ("xapp-not-listed", Workspace(app_tokens=("xapp-the-only-one",)), "invalid_auth"),
        ("xoxb-a-bot-token", Workspace(), "not_allowed_token_type"),
        ("", Workspace(), "missing_args"),
    ],
)
def test_open_errors_are_fatal_and_name_variable(app_token: str, workspace: Workspace, code: str) -> None:
    collector = Collector()
    with Emulator(workspace) as emulator:
        with running(make_transport(emulator.base_url, collector, app_token=app_token)) as run:
            run.thread.join(5.0)
        opened = emulator.socket_connect_calls

    assert isinstance(run.error, FatalConnectError)
    message = str(run.error)
    assert f"apps.connections.open failed: {code}" in message
    assert "SLACK_APP_TOKEN" in message
    assert app_token == "" or app_token not in message
    assert opened == 1
    assert collector.states()[-1].phase == "stopped"


@pytest.mark.parametrize(("status", "retry_after"), [(429, 0.3), (503, None)])
def test_open_rate_limit_and_5xx_are_retried(emulator: Emulator, status: int, retry_after: float | None) -> None:
    collector = Collector()
    emulator.fail_method("apps.connections.open", status=status, retry_after=retry_after)
    with running(make_transport(emulator.base_url, collector)):
        collector.wait_for_sessions(1)

    failed = collector.states("reconnecting")
    assert len(failed) == 1
    assert f"HTTP {status}" in failed[0].reason
    assert emulator.socket_connect_calls == 2


def test_bot_token_error_names_bot_variable() -> None:
    collector = Collector()
    with Emulator(Workspace(tokens=("xoxb-the-only-one",))) as emulator:
        with running(make_transport(emulator.base_url, collector)) as run:
            run.thread.join(5.0)

    assert isinstance(run.error, FatalConnectError)
    assert "auth.test failed: invalid_auth" in str(run.error)
    assert "SLACK_BOT_TOKEN" in str(run.error)


def test_tokens_never_logged(emulator: Emulator, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    collector = Collector()
    with running(make_transport(emulator.base_url, collector)):
        collector.wait_for_states("connected")
        emulator.send_event(MESSAGE)
        collector.wait_for_events(1)

    # slack_sdk logs whole responses at DEBUG; the CLI keeps its level at INFO or above.
    own = [record.getMessage() for record in caplog.records if record.name.startswith("responder.slack")]
    text = "\n".join(own) + repr(collector.records)
    assert APP_TOKEN not in text
    assert TOKEN not in text
    assert "ticket=" not in text
