"""Injected Web API faults: statuses, errors, Retry-After, delays, counts and channels."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
import websocket
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from responder.emulator import Emulator, ScenarioError, parse_scenario

Connect = Callable[[], websocket.WebSocket]


def failure(call: Any, **arguments: Any) -> SlackApiError:
    """Return the SlackApiError raised by a call that must fail."""
    with pytest.raises(SlackApiError) as raised:
        call(**arguments)
    return raised.value


def test_rate_limit_with_retry_after(emulator: Emulator, web: WebClient) -> None:
    emulator.fail_method("chat.postMessage", status=429, retry_after=2)

    error = failure(web.chat_postMessage, channel="C0TEST1", text="hi")

    assert error.response.status_code == 429
    assert error.response["error"] == "ratelimited"
    assert error.response.headers["retry-after"] == "2"
    assert web.chat_postMessage(channel="C0TEST1", text="hi")["ok"] is True
    assert len(emulator.calls("chat.postMessage")) == 2


def test_faulted_post_sends_no_event(emulator: Emulator, web: WebClient, connect: Connect) -> None:
    ws = connect()
    emulator.fail_method("chat.postMessage", status=429)

    failure(web.chat_postMessage, channel="C0TEST1", text="lost")
    web.chat_postMessage(channel="C0TEST1", text="delivered")

    assert json.loads(ws.recv())["text"] == "delivered"


def test_error_with_status_200(emulator: Emulator, web: WebClient) -> None:
    emulator.fail_method("reactions.add", error="invalid_name")

    error = failure(
        web.reactions_add, channel="C0TEST1", timestamp="1700000000.000100", name="eyes"
    )

    assert error.response.status_code == 200
    assert error.response["error"] == "invalid_name"


def test_status_without_error_is_plain_text(emulator: Emulator) -> None:
    emulator.fail_method("rtm.connect", status=503)
    request = urllib.request.Request(
        f"{emulator.base_url}rtm.connect", b"", {"Authorization": "Bearer xoxb-test"}
    )

    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=5)

    assert raised.value.code == 503
    assert raised.value.read() == b"Service Unavailable"


def test_times_counts_calls(emulator: Emulator, web: WebClient) -> None:
    emulator.fail_method("rtm.connect", error="internal_error", times=2)

    first = failure(web.rtm_connect)
    second = failure(web.rtm_connect)

    assert first.response["error"] == second.response["error"] == "internal_error"
    assert web.rtm_connect()["ok"] is True


def test_times_zero_until_cleared(emulator: Emulator, web: WebClient) -> None:
    emulator.fail_method("rtm.connect", error="invalid_auth", times=0)

    errors = [failure(web.rtm_connect).response["error"] for _ in range(3)]
    emulator.clear_faults()

    assert errors == ["invalid_auth"] * 3
    assert web.rtm_connect()["ok"] is True


def test_faults_apply_in_order(emulator: Emulator, web: WebClient) -> None:
    emulator.fail_method("rtm.connect", status=503, error="service_unavailable")
    emulator.fail_method("rtm.connect", status=429, retry_after=5)

    first = failure(web.rtm_connect)
    second = failure(web.rtm_connect)

    assert (first.response.status_code, first.response["error"]) == (503, "service_unavailable")
    assert (second.response.status_code, second.response["error"]) == (429, "ratelimited")
    assert second.response.headers["retry-after"] == "5"


def test_channel_limits_fault(emulator: Emulator, web: WebClient) -> None:
    emulator.fail_method("chat.postMessage", error="is_archived", channel="C0TEST2")

    assert web.chat_postMessage(channel="C0TEST1", text="fine")["ok"] is True
    assert (
        failure(web.chat_postMessage, channel="C0TEST2", text="x").response["error"]
        == "is_archived"
    )


def test_delay_holds_only_matching_calls(emulator: Emulator, web: WebClient) -> None:
    emulator.fail_method("chat.postMessage", delay=2.0, channel="C0TEST1")
    slow_done = threading.Event()
    slow_reply: list[Any] = []

    def post_slow() -> None:
        slow_reply.append(web.chat_postMessage(channel="C0TEST1", text="slow"))
        slow_done.set()

    thread = threading.Thread(target=post_slow)
    thread.start()
    emulator.wait_for_calls(1, "chat.postMessage", timeout=5)
    fast = web.chat_postMessage(channel="C0TEST2", text="fast")
    answered_first = not slow_done.is_set()
    thread.join(10)

    assert fast["ok"] is True
    assert answered_first
    assert slow_reply[0]["ok"] is True


def test_fault_values_checked(emulator: Emulator) -> None:
    with pytest.raises(ValueError, match="HTTP status"):
        emulator.fail_method("chat.postMessage", status=42)
    with pytest.raises(ValueError, match="times"):
        emulator.fail_method("chat.postMessage", times=-1)
    with pytest.raises(ValueError, match="negative"):
        emulator.fail_method("chat.postMessage", delay=-1)


def test_scenario_fail_step(emulator: Emulator, web: WebClient) -> None:
    scenario = parse_scenario(
        "start = 'immediately'\n"
        "[[step]]\nfail = { method = 'chat.postMessage', status = 429, retry_after = 1.5 }\n"
    )

    emulator.run_scenario(scenario).join(5)

    error = failure(web.chat_postMessage, channel="C0TEST1", text="x")
    assert error.response.status_code == 429
    assert error.response.headers["retry-after"] == "1.5"


def test_scenario_clear_faults_step(emulator: Emulator, web: WebClient) -> None:
    scenario = parse_scenario(
        "start = 'immediately'\n"
        "[[step]]\nfail = { method = 'auth.test', error = 'account_inactive', times = 0 }\n"
        "[[step]]\nclear_faults = true\n"
    )

    emulator.run_scenario(scenario).join(5)

    assert web.auth_test()["ok"] is True


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        ("fail = { status = 429 }", "step 1: fail: missing 'method'"),
        (
            "fail = { method = 'auth.test', status = 700 }",
            "step 1: fail: 'status' must be between 100 and 599",
        ),
        (
            "fail = { method = 'auth.test', delay = 'soon' }",
            "step 1: fail: 'delay' must be a number of seconds",
        ),
        (
            "fail = { method = 'auth.test', tiems = 2 }",
            "unknown key 'tiems' (did you mean 'times'?)",
        ),
        ("clear_faults = 1", "step 1: 'clear_faults' must be true"),
    ],
)
def test_bad_fail_step(step: str, expected: str) -> None:
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(f"[[step]]\n{step}\n", "faults.toml")

    assert expected in str(raised.value)
