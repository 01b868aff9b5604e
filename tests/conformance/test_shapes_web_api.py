"""Web API response shapes, field by field, against Slack's documented shapes.

Each case calls one method the way slack_sdk's ``WebClient`` does and checks the HTTP
status and the JSON body against a schema in ``reference_shapes``.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from responder.emulator import Emulator, Workspace
from tests.conformance.reference_shapes import (
    APPS_CONNECTIONS_OPEN,
    AUTH_TEST_BOT,
    CHAT_POST_EPHEMERAL,
    CHAT_POST_MESSAGE,
    CONVERSATION_CHANNEL,
    CONVERSATION_IM,
    REACTIONS_ADD,
    RTM_CONNECT,
    TRUE,
    TS,
    USER,
    Schema,
    error_body,
    obj,
    shape_problems,
)

# slack_sdk warns about a post without text; the no_text case sends one on purpose.
pytestmark = pytest.mark.filterwarnings("ignore:The top-level `text` argument:UserWarning")

BOT_TOKEN = "xoxb-conformance"
APP_TOKEN = "xapp-1-conformance"
UNKNOWN_TOKEN = "xoxb-not-issued"

Setup = Callable[[Emulator], None]


@dataclass(frozen=True)
class WebCase:
    """One Web API call and the shape Slack documents for its reply."""

    name: str
    method: str
    arguments: dict[str, Any]
    schema: Schema
    token: str | None = BOT_TOKEN
    status: int = 200
    setup: Setup | None = field(default=None, compare=False)


def thread_parent(emulator: Emulator) -> None:
    """Make ``1700000000.000100`` a message by U0TEST1 in C0TEST1."""
    emulator.send_event(
        {
            "type": "message",
            "channel": "C0TEST1",
            "user": "U0TEST1",
            "text": "parent",
            "ts": "1700000000.000100",
        }
    )


def react_once(emulator: Emulator, name: str) -> None:
    """Add reaction ``name`` to the thread parent as the bot."""
    thread_parent(emulator)
    web = WebClient(base_url=emulator.base_url, token=BOT_TOKEN, timeout=5)
    web.reactions_add(channel="C0TEST1", timestamp="1700000000.000100", name=name)


def rate_limit(method: str) -> Setup:
    """Return a setup that makes the next call of ``method`` rate limited for 2 s."""
    return lambda emulator: emulator.fail_method(method, status=429, retry_after=2)


THREAD_POST = {
    "allOf": [
        CHAT_POST_MESSAGE,
        obj({"message": obj({"thread_ts": {"const": "1700000000.000100"}})}),
    ]
}

SUCCESS_CASES = [
    WebCase("auth.test with a bot token", "auth.test", {}, AUTH_TEST_BOT),
    WebCase("rtm.connect", "rtm.connect", {}, RTM_CONNECT),
    WebCase("rtm.start as rtm.connect", "rtm.start", {}, RTM_CONNECT),
    WebCase(
        "chat.postMessage",
        "chat.postMessage",
        {"channel": "C0TEST1", "text": "hello"},
        CHAT_POST_MESSAGE,
    ),
    WebCase(
        "chat.postMessage by channel name",
        "chat.postMessage",
        {"channel": "#test-one", "text": "hello"},
        {"allOf": [CHAT_POST_MESSAGE, obj({"channel": {"const": "C0TEST1"}})]},
    ),
    WebCase(
        "chat.postMessage in a thread",
        "chat.postMessage",
        {"channel": "C0TEST1", "text": "reply", "thread_ts": "1700000000.000100"},
        THREAD_POST,
        setup=thread_parent,
    ),
    WebCase(
        "chat.postEphemeral",
        "chat.postEphemeral",
        {"channel": "C0TEST1", "user": "U0TEST1", "text": "only you"},
        CHAT_POST_EPHEMERAL,
    ),
    WebCase(
        "reactions.add",
        "reactions.add",
        {"channel": "C0TEST1", "timestamp": "1700000000.000100", "name": "thumbsup"},
        REACTIONS_ADD,
        setup=thread_parent,
    ),
    WebCase(
        "conversations.info for a channel",
        "conversations.info",
        {"channel": "C0TEST1"},
        obj({"ok": TRUE, "channel": CONVERSATION_CHANNEL}),
    ),
    WebCase(
        "conversations.info for a DM",
        "conversations.info",
        {"channel": "D0TEST1"},
        obj({"ok": TRUE, "channel": CONVERSATION_IM}),
    ),
    WebCase("users.info", "users.info", {"user": "U0TEST1"}, obj({"ok": TRUE, "user": USER})),
    WebCase(
        "apps.connections.open",
        "apps.connections.open",
        {},
        APPS_CONNECTIONS_OPEN,
        token=APP_TOKEN,
    ),
]

ERROR_CASES = [
    WebCase("no token", "auth.test", {}, error_body("not_authed"), token=None),
    WebCase("unknown token", "auth.test", {}, error_body("invalid_auth"), token=UNKNOWN_TOKEN),
    WebCase(
        "unknown token on rtm.connect",
        "rtm.connect",
        {},
        error_body("invalid_auth"),
        token=UNKNOWN_TOKEN,
    ),
    WebCase(
        "app token on rtm.connect",
        "rtm.connect",
        {},
        error_body("not_allowed_token_type"),
        token=APP_TOKEN,
    ),
    WebCase(
        "app token on chat.postMessage",
        "chat.postMessage",
        {"channel": "C0TEST1", "text": "hello"},
        error_body("not_allowed_token_type"),
        token=APP_TOKEN,
    ),
    WebCase(
        "bot token on apps.connections.open",
        "apps.connections.open",
        {},
        error_body("not_allowed_token_type"),
    ),
    WebCase(
        "unknown app token",
        "apps.connections.open",
        {},
        error_body("invalid_auth"),
        token="xapp-1-not-issued",
    ),
    WebCase(
        "chat.postMessage to an unknown channel",
        "chat.postMessage",
        {"channel": "C0NOWHERE", "text": "hello"},
        error_body("channel_not_found"),
    ),
    WebCase(
        "chat.postEphemeral to an unknown channel",
        "chat.postEphemeral",
        {"channel": "C0NOWHERE", "user": "U0TEST1", "text": "hello"},
        error_body("channel_not_found"),
    ),
    WebCase(
        "reactions.add in an unknown channel",
        "reactions.add",
        {"channel": "C0NOWHERE", "timestamp": "1700000000.000100", "name": "eyes"},
        error_body("channel_not_found"),
    ),
    WebCase(
        "conversations.info for an unknown channel",
        "conversations.info",
        {"channel": "C0NOWHERE"},
        error_body("channel_not_found"),
    ),
    WebCase(
        "chat.postMessage without text",
        "chat.postMessage",
        {"channel": "C0TEST1"},
        error_body("no_text"),
    ),
    WebCase(
        "reactions.add twice",
        "reactions.add",
        {"channel": "C0TEST1", "timestamp": "1700000000.000100", "name": "eyes"},
        error_body("already_reacted"),
        setup=lambda emulator: react_once(emulator, "eyes"),
    ),
    WebCase(
        "users.info for an unknown user",
        "users.info",
        {"user": "U0NOBODY"},
        error_body("user_not_found"),
    ),
    WebCase("an unknown method", "chat.teleport", {}, error_body("unknown_method")),
]

RATE_LIMIT_CASES = [
    WebCase(
        f"{method} rate limited",
        method,
        arguments,
        error_body("ratelimited"),
        token=token,
        status=429,
        setup=rate_limit(method),
    )
    for method, arguments, token in (
        ("chat.postMessage", {"channel": "C0TEST1", "text": "hello"}, BOT_TOKEN),
        ("rtm.connect", {}, BOT_TOKEN),
        (
            "reactions.add",
            {"channel": "C0TEST1", "timestamp": "1700000000.000100", "name": "x"},
            BOT_TOKEN,
        ),
        ("apps.connections.open", {}, APP_TOKEN),
    )
]


@pytest.fixture
def emulator() -> Any:
    """An emulator that accepts only the test's tokens, so others get ``invalid_auth``."""
    workspace = Workspace(tokens=(BOT_TOKEN,), app_tokens=(APP_TOKEN,))
    with Emulator(workspace, close_timeout=1.0) as running:
        yield running


def call(emulator: Emulator, case: WebCase) -> SlackResponse:
    """Call the case's method through the WebClient method of that name, as users do."""
    if case.method == "apps.connections.open":
        web = WebClient(base_url=emulator.base_url, timeout=5)
        return web.apps_connections_open(app_token=case.token or "")
    web = WebClient(base_url=emulator.base_url, token=case.token, timeout=5)
    if case.method == "chat.teleport":
        return web.api_call(case.method)
    method: Callable[..., SlackResponse] = getattr(web, case.method.replace(".", "_"))
    return method(**case.arguments)


def header(response: SlackResponse, name: str) -> str:
    """Return a response header by name, ignoring case as HTTP does."""
    values = [value for key, value in response.headers.items() if key.lower() == name.lower()]
    assert values, f"no {name} header in {dict(response.headers)}"
    return str(values[0])


def response_of(emulator: Emulator, case: WebCase) -> SlackResponse:
    """Return the reply to the case's call, whether slack_sdk raised for it or not."""
    if case.setup is not None:
        case.setup(emulator)
    try:
        return call(emulator, case)
    except SlackApiError as error:
        response: SlackResponse = error.response
        return response


@pytest.mark.parametrize("case", SUCCESS_CASES + ERROR_CASES, ids=lambda case: case.name)
def test_web_api_shape(emulator: Emulator, case: WebCase) -> None:
    response = response_of(emulator, case)

    assert response.status_code == case.status
    assert header(response, "Content-Type").startswith("application/json")
    assert shape_problems(response.data, case.schema) == []


@pytest.mark.parametrize("case", RATE_LIMIT_CASES, ids=lambda case: case.name)
def test_rate_limit_shape(emulator: Emulator, case: WebCase) -> None:
    response = response_of(emulator, case)

    assert response.status_code == 429
    assert header(response, "Retry-After") == "2"
    assert shape_problems(response.data, case.schema) == []


def test_rate_limit_header_on_wire(emulator: Emulator) -> None:
    emulator.fail_method("auth.test", status=429, retry_after=1)
    request = urllib.request.Request(
        emulator.base_url + "auth.test",
        method="POST",
        headers={"Authorization": f"Bearer {BOT_TOKEN}"},
    )

    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=5)

    assert raised.value.code == 429
    assert raised.value.headers["retry-after"] == "1"
    assert json.loads(raised.value.read()) == {"ok": False, "error": "ratelimited"}


def test_get_on_apps_connections_open_is_insecure(emulator: Emulator) -> None:
    request = urllib.request.Request(
        emulator.base_url + "apps.connections.open",
        method="GET",
        headers={"Authorization": f"Bearer {APP_TOKEN}"},
    )

    with urllib.request.urlopen(request, timeout=5) as response:
        body = json.loads(response.read())

    assert response.status == 200
    assert shape_problems(body, error_body("insecure_request")) == []


def test_missing_app_token_is_missing_args(emulator: Emulator) -> None:
    request = urllib.request.Request(emulator.base_url + "apps.connections.open", method="POST")

    with urllib.request.urlopen(request, timeout=5) as response:
        body = json.loads(response.read())

    assert shape_problems(body, error_body("missing_args")) == []


def test_shape_check_rejects_numeric_ts() -> None:
    body = {"ok": True, "message_ts": 1700000000.0001}

    assert shape_problems(body, CHAT_POST_EPHEMERAL) != []
    assert shape_problems("1700000000.000100", TS) == []
