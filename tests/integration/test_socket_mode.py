"""Socket Mode end to end: the runtime, `responder run --transport` and `responder demo`."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from responder.emulator import Emulator, Workspace
from tests.integration.harness import APP_TOKEN, assert_calls_match, start_responder, wait_for_action_calls
from tests.integration.test_cli import TOKEN, responder, start, wait_for

GREET = '[[rule]]\nname = "greet"\nwords = ["hello"]\n[[rule.action]]\nreply = "Hi {user}!"\n'
MESSAGE = {"type": "message", "user": "U0TEST1", "text": "hello", "channel": "C0TEST1", "ts": "1700000300.000100"}
CLI_APP_TOKEN = "xapp-cli-test-5d21c8"


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(GREET, encoding="utf-8")
    return path


def test_envelope_acked_before_reply_posted(rules: Path) -> None:
    with Emulator() as emulator:
        runtime, collected = start_responder(emulator, rules, "socket-mode")
        try:
            emulator.send_event(MESSAGE)
            calls = wait_for_action_calls(emulator, 1)
            deliveries = emulator.socket_deliveries()
            acks = emulator.wait_for_socket_acks(len(deliveries))
            posts = emulator.calls("chat.postMessage")
        finally:
            runtime.stop()

    # The bot's own reply comes back as envelopes too; those are acked and ignored.
    from_user = [delivery for delivery in deliveries if delivery.envelope["payload"]["event"].get("user") == "U0TEST1"]
    user_acks = [ack for ack in acks if ack.envelope_id == from_user[0].envelope_id]
    expected = {"method": "chat.postMessage", "channel": "C0TEST1", "thread_ts": MESSAGE["ts"], "text": "Hi <@U0TEST1>!"}
    assert_calls_match(calls, [expected])
    assert len(from_user) == 1
    assert [ack.status for ack in user_acks] == ["acked"]
    assert user_acks[0].at <= float(posts[0]["at"])
    for delivery in deliveries:
        assert [ack.status for ack in acks if ack.envelope_id == delivery.envelope_id] == ["acked"]
    assert emulator.calls("rtm.connect") == []
    for record in collected.snapshot():
        assert APP_TOKEN not in repr(record)


def run_until_connected(emulator: Emulator, rules: Path, *args: str, app_token: str | None) -> tuple[int, str, str]:
    """Run `responder run` against ``emulator`` until a session is up, then stop it with SIGINT."""
    process = start("run", str(rules), "--headless", "--slack-url", emulator.base_url, *args, app_token=app_token)
    try:
        wait_for(lambda: emulator.sessions_started >= 1 or process.poll() is not None)
        time.sleep(0.3)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        status = process.wait(timeout=10)
    out, err = process.communicate()
    return status, out, err


@pytest.mark.parametrize(
    ("args", "app_token", "method", "name"),
    [
        ((), CLI_APP_TOKEN, "apps.connections.open", "socket-mode"),
        ((), None, "rtm.connect", "rtm"),
        (("--transport", "rtm"), CLI_APP_TOKEN, "rtm.connect", "rtm"),
        (("--transport", "socket-mode"), CLI_APP_TOKEN, "apps.connections.open", "socket-mode"),
    ],
)
def test_transport_choice_follows_app_token(
    rules: Path, args: tuple[str, ...], app_token: str | None, method: str, name: str
) -> None:
    with Emulator() as emulator:
        status, out, err = run_until_connected(emulator, rules, *args, app_token=app_token)
        connects = [call["method"] for call in emulator.calls() if call["method"] in ("rtm.connect", "apps.connections.open")]

    assert status == 130, err
    assert connects == [method]
    assert f"over {name}" in out
    assert TOKEN not in out + err
    assert CLI_APP_TOKEN not in out + err


def test_socket_mode_without_app_token_is_usage_error(rules: Path) -> None:
    with Emulator() as emulator:
        result = responder("run", str(rules), "--headless", "--slack-url", emulator.base_url, "--transport", "socket-mode")
        calls = emulator.calls()

    assert result.returncode == 2
    assert "SLACK_APP_TOKEN" in result.stderr
    assert "--transport socket-mode" in result.stderr
    assert calls == []


def test_rejected_app_token_stops_with_variable_name(rules: Path) -> None:
    with Emulator(Workspace(app_tokens=("xapp-the-only-good-token",))) as emulator:
        result = responder("run", str(rules), "--headless", "--slack-url", emulator.base_url, app_token=CLI_APP_TOKEN, timeout=20)
        opened = len(emulator.calls("apps.connections.open"))

    assert result.returncode == 1
    assert "apps.connections.open failed: invalid_auth" in result.stderr
    assert "SLACK_APP_TOKEN" in result.stderr
    assert CLI_APP_TOKEN not in result.stdout + result.stderr
    assert opened == 1


def test_demo_over_socket_mode_answers() -> None:
    result = responder("demo", "--transport", "socket-mode", "--headless", "--duration", "6", timeout=60)

    assert result.returncode == 0, result.stderr
    assert "over socket-mode" in result.stdout
    assert "fired:" in result.stdout
    assert "sent: rule" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("transport", "title"), [("rtm", "RTM"), ("socket-mode", "Socket Mode")])
def test_screen_header_names_transport(transport: str, title: str) -> None:
    from responder.records import ConnectionState
    from responder.tui.state import MonitorState
    from responder.tui.status import status_text

    state = MonitorState()
    state.apply(ConnectionState(1700000000.0, "connected", team="T", bot="autobot", transport=transport))

    first_line = status_text(state, 1700000001.0, 1.0, 0.0).plain.splitlines()[0]
    assert f"over {title}" in first_line
