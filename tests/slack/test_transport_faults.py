"""The RTM transport under faults: dead sockets, failing rtm.connect, fatal errors, TLS."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
from slack_sdk import WebClient

from responder.emulator import Emulator
from responder.slack.backoff import Backoff
from responder.slack.transport import FatalConnectError, RtmTransport
from tests.slack.fake_slack import RawRtmServer, Reply, ScriptedApi
from tests.slack.helpers import TOKEN, Collector, gaps, quick_backoff, running

MESSAGE = {"type": "message", "user": "U0TEST1", "text": "hello", "channel": "C0TEST1", "ts": "1700000121.000100"}


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator() as started:
        yield started


@pytest.fixture
def api(emulator: Emulator) -> Iterator[ScriptedApi]:
    scripted = ScriptedApi(forward_to=emulator.base_url).start()
    yield scripted
    scripted.stop()


@pytest.fixture
def raw_server() -> Iterator[RawRtmServer]:
    server = RawRtmServer(answer_for=1.0).start()
    yield server
    server.stop()


def connect_reply(url: str) -> Reply:
    return Reply(
        body={
            "ok": True,
            "url": url,
            "self": {"id": "U0SELF", "name": "autobot"},
            "team": {"id": "T0TEST", "name": "Test workspace", "domain": "testworkspace"},
        }
    )


def make_transport(base_url: str, collector: Collector, **options: Any) -> RtmTransport:
    options.setdefault("ping_interval", 0.2)
    options.setdefault("pong_timeout", 0.4)
    options.setdefault("handshake_timeout", 2.0)
    options.setdefault("backoff", quick_backoff())
    return RtmTransport(
        WebClient(base_url=base_url, token=TOKEN),
        on_event=collector.on_event,
        on_record=collector.on_record,
        **options,
    )


def test_silent_socket_is_declared_dead(
    emulator: Emulator, api: ScriptedApi, raw_server: RawRtmServer
) -> None:
    api.script("rtm.connect", connect_reply(raw_server.url("silent")))
    collector = Collector()
    backoff = quick_backoff()

    with running(make_transport(api.base_url, collector, backoff=backoff)):
        emulator.wait_for_sessions(1)
        emulator.send_event(MESSAGE)
        events = collector.wait_for_events(1)

    reconnecting = collector.states("reconnecting")[0]
    silent_from = raw_server.hellos[0] + raw_server.answer_for
    assert raw_server.pings_answered >= 3
    assert reconnecting.reason == f"{raw_server.endpoint}: no pong within 0.4 s"
    assert reconnecting.at - silent_from <= 0.2 + 0.4 + 0.5
    connects = api.calls("rtm.connect")
    assert len(connects) == 2
    assert connects[1].at - reconnecting.at >= backoff.bounds(1)[0] - 0.01
    sessions = [state for state in collector.states("connected") if state.ping_rtt is None]
    assert sessions[0].at <= reconnecting.at <= sessions[1].at
    assert events == [MESSAGE]


def test_server_pings_are_answered(emulator: Emulator, api: ScriptedApi) -> None:
    server = RawRtmServer(answer_for=3.0, server_ping_every=0.5).start()
    api.respond("rtm.connect", lambda arguments: connect_reply(server.url("silent")))
    collector = Collector()

    try:
        with running(make_transport(api.base_url, collector, ping_interval=0.2, pong_timeout=0.4)):
            collector.wait_for_sessions(1)
            time.sleep(2.5)
            cutoff = time.monotonic() - 0.6
    finally:
        server.stop()

    older = {payload for payload, sent_at in server.server_pings.items() if sent_at < cutoff}
    assert len(older) >= 2
    assert older <= set(server.pong_delays)
    assert all(delay < 1.0 for delay in server.pong_delays.values())
    assert len(api.calls("rtm.connect")) == 1
    assert not collector.states("reconnecting")


def test_failing_connect_calls_back_off(emulator: Emulator, api: ScriptedApi, raw_server: RawRtmServer) -> None:
    emulator.fail_method("rtm.connect", status=503, times=2)
    emulator.fail_method("rtm.connect", status=429, retry_after=1)
    stall_url = raw_server.url("stall")
    api.respond("rtm.connect", lambda arguments: connect_reply(stall_url) if len(api.calls("rtm.connect")) == 4 else None)
    collector = Collector()
    backoff = quick_backoff(0.1)

    with running(make_transport(api.base_url, collector, backoff=backoff, handshake_timeout=0.5)):
        emulator.wait_for_sessions(1)
        collector.wait_for_sessions(1)

    times = [call.at for call in api.calls("rtm.connect")]
    waits = gaps(times)
    assert len(times) == 5
    assert emulator.connect_calls == 4
    assert waits[0] >= backoff.bounds(1)[0]
    assert waits[1] >= backoff.bounds(2)[0]
    assert waits[2] >= 1.0
    assert waits[3] >= 0.5 + backoff.bounds(4)[0]
    assert len(raw_server.handshakes) == 1
    reasons = [state.reason for state in collector.states("reconnecting")]
    assert reasons == [
        "rtm.connect failed: http_503 (HTTP 503)",
        "rtm.connect failed: http_503 (HTTP 503)",
        "rtm.connect failed: ratelimited (HTTP 429)",
        f"{raw_server.endpoint}: websocket handshake timed out after 0.5 s",
    ]
    for state in collector.states("reconnecting"):
        assert state.next_try_at is not None
        assert state.next_try_at >= state.at


@pytest.mark.parametrize("code", ["invalid_auth", "not_authed", "account_inactive", "not_allowed_token_type"])
def test_fatal_connect_error_stops_at_once(emulator: Emulator, code: str) -> None:
    emulator.fail_method("rtm.connect", error=code)
    collector = Collector()
    transport = make_transport(emulator.base_url, collector)

    with pytest.raises(FatalConnectError) as raised:
        transport.run()

    assert code in str(raised.value)
    assert TOKEN not in str(raised.value)
    assert emulator.connect_calls == 1
    stopped = collector.states("stopped")
    assert len(stopped) == 1
    assert code in stopped[0].reason
    assert not collector.states("reconnecting")


def test_rate_limited_connect_waits_for_retry_after(emulator: Emulator) -> None:
    emulator.fail_method("rtm.connect", status=429, retry_after=1.5)
    collector = Collector()

    with running(make_transport(emulator.base_url, collector, backoff=quick_backoff(0.1))):
        collector.wait_for_sessions(1)

    first, second = (call["at"] for call in emulator.calls("rtm.connect"))
    assert second - first >= 1.5
    reconnecting = collector.states("reconnecting")[0]
    assert reconnecting.next_try_at is not None
    assert reconnecting.next_try_at - reconnecting.at >= 1.5 - 1e-6


def test_rejected_token_stops_before_rtm_connect(emulator: Emulator) -> None:
    collector = Collector()
    transport = RtmTransport(
        WebClient(base_url=emulator.base_url, token="xoxp-not-a-bot-token"),
        on_event=collector.on_event,
        on_record=collector.on_record,
    )

    with pytest.raises(FatalConnectError, match="auth.test failed: invalid_auth"):
        transport.run()

    assert emulator.connect_calls == 0
    assert "xoxp-not-a-bot-token" not in collector.states("stopped")[0].reason


def test_unreachable_web_api_backs_off() -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        closed_port = f"http://127.0.0.1:{listener.getsockname()[1]}/api/"
    collector = Collector()
    transport = make_transport(closed_port, collector, backoff=quick_backoff(0.05))

    with running(transport):
        collector.wait_for_states("reconnecting", 2)

    reason = collector.states("reconnecting")[0].reason
    assert reason.startswith("auth.test failed: connection refused")
    assert closed_port.split("/")[2] in reason


def test_stop_interrupts_a_slow_connect_call(api: ScriptedApi) -> None:
    api.script("rtm.connect", Reply(delay=30.0))
    collector = Collector()

    with running(make_transport(api.base_url, collector)) as run:
        collector.wait_until(lambda: len(api.calls("rtm.connect")) == 1, description="rtm.connect")
        run.stop()

    assert run.error is None
    assert collector.states()[-1].phase == "stopped"


def test_stop_interrupts_the_backoff_wait(api: ScriptedApi) -> None:
    api.script("rtm.connect", Reply(503, "Service Unavailable"))
    collector = Collector()

    with running(make_transport(api.base_url, collector, backoff=Backoff(30.0))) as run:
        collector.wait_for_states("reconnecting")
        run.stop()

    assert run.error is None
    assert len(api.calls("rtm.connect")) == 1


def test_verification_cannot_be_turned_off() -> None:
    client = WebClient(token=TOKEN)
    for sslopt in ({"cert_reqs": ssl.CERT_NONE}, {"check_hostname": False}):
        with pytest.raises(ValueError, match="sslopt"):
            RtmTransport(client, on_event=print, on_record=print, sslopt=sslopt)


@pytest.fixture
def certificates(tmp_path: Path) -> dict[str, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make test certificates")
    ca_key, ca_pem = tmp_path / "ca.key", tmp_path / "test-ca.pem"
    key, csr, pem = tmp_path / "server.key", tmp_path / "server.csr", tmp_path / "server.pem"
    extensions = tmp_path / "server.ext"
    extensions.write_text("subjectAltName=IP:127.0.0.1\n")
    commands = [
        ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca_pem, "-days", "1",
         "-subj", "/CN=responder test CA", "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj", "/CN=127.0.0.1"],
        ["x509", "-req", "-in", csr, "-CA", ca_pem, "-CAkey", ca_key, "-CAcreateserial", "-out", pem,
         "-days", "1", "-extfile", extensions],
    ]
    for command in commands:
        subprocess.run(["openssl", *map(str, command)], check=True, capture_output=True)
    return {"ca": ca_pem, "cert": pem, "key": key}


def test_untrusted_certificate_is_reported(emulator: Emulator, api: ScriptedApi, certificates: dict[str, Path]) -> None:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificates["cert"], certificates["key"])
    server = RawRtmServer(answer_for=10.0, tls=context).start()
    api.respond("rtm.connect", lambda arguments: connect_reply(server.url("silent")))
    collector = Collector()

    try:
        with running(make_transport(api.base_url, collector, backoff=quick_backoff(0.1))):
            collector.wait_for_states("reconnecting", 2)
    finally:
        server.stop()

    reason = collector.states("reconnecting")[0].reason
    assert server.endpoint in reason
    assert "certificate verify failed" in reason
    assert "--ca-bundle" in reason
    assert "SSL_CERT_FILE" in reason
    assert server.hellos == []
    assert not collector.states("connected")


def test_ca_bundle_lets_the_connection_through(api: ScriptedApi, certificates: dict[str, Path]) -> None:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificates["cert"], certificates["key"])
    server = RawRtmServer(answer_for=10.0, tls=context).start()
    api.respond("rtm.connect", lambda arguments: connect_reply(server.url("silent")))
    collector = Collector()
    transport = make_transport(api.base_url, collector, sslopt={"ca_certs": str(certificates["ca"])})

    try:
        with running(transport):
            collector.wait_for_sessions(1)
            time.sleep(0.5)
    finally:
        server.stop()

    assert len(server.hellos) == 1
    assert not collector.states("reconnecting")
