"""Socket Mode through websocket-client and plain HTTP: the URL, hello, envelopes and what they carry."""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
import websocket
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from responder.emulator import Emulator, SocketModeSettings, Workspace

Connect = Callable[[], websocket.WebSocket]


def post_form(emulator: Emulator, method: str, fields: dict[str, str], http_method: str = "POST") -> Any:
    """Call a Web API method with a plain urllib request and return the decoded JSON body."""
    body = urllib.parse.urlencode(fields).encode("ascii")
    if http_method == "GET":
        request = urllib.request.Request(f"{emulator.base_url}{method}?{body.decode()}", method="GET")
    else:
        request = urllib.request.Request(f"{emulator.base_url}{method}", data=body, method="POST")
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def error_of(client: WebClient, method: str, **arguments: Any) -> str:
    """Return the Slack error code of a call that must fail."""
    with pytest.raises(SlackApiError) as raised:
        client.api_call(method, params=arguments)
    return str(raised.value.response["error"])


def next_envelope(ws: websocket.WebSocket) -> dict[str, Any]:
    """Return the next frame as JSON, which must be an envelope."""
    frame = json.loads(ws.recv())
    assert "envelope_id" in frame, frame
    return dict(frame)


def test_open_returns_link_url(socket_emulator: Emulator, app_web: WebClient) -> None:
    url = app_web.apps_connections_open(app_token="xapp-1-test")["url"]

    parsed = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qs(parsed.query)
    assert parsed.scheme == "ws"
    assert parsed.netloc == f"127.0.0.1:{socket_emulator.port}"
    assert parsed.path == "/link/"
    assert len(query["ticket"][0]) >= 12
    assert query["app_id"] == ["A0SELF"]


def test_open_logged_without_token(socket_emulator: Emulator, app_web: WebClient) -> None:
    app_web.apps_connections_open(app_token="xapp-1-test")

    calls = socket_emulator.calls("apps.connections.open")

    assert len(calls) == 1
    assert set(calls[0]) == {"method", "at"}
    assert socket_emulator.socket_connect_calls == 1


def test_open_accepts_token_form_field(socket_emulator: Emulator) -> None:
    body = post_form(socket_emulator, "apps.connections.open", {"token": "xapp-1-test"})

    assert body["ok"] is True
    assert "token" not in socket_emulator.calls("apps.connections.open")[0]


def test_open_without_token_missing_args(socket_emulator: Emulator) -> None:
    body = post_form(socket_emulator, "apps.connections.open", {})

    assert body == {"ok": False, "error": "missing_args"}


def test_open_with_get_insecure_request(socket_emulator: Emulator) -> None:
    body = post_form(socket_emulator, "apps.connections.open", {"token": "xapp-1-test"}, "GET")

    assert body == {"ok": False, "error": "insecure_request"}


def test_open_with_bot_token_rejected(socket_emulator: Emulator) -> None:
    client = WebClient(base_url=socket_emulator.base_url, token="xoxb-test", timeout=5)

    assert error_of(client, "apps.connections.open") == "not_allowed_token_type"


def test_open_with_unknown_app_token() -> None:
    with Emulator(Workspace(app_tokens=("xapp-1-right",)), close_timeout=1.0) as emulator:
        right = WebClient(base_url=emulator.base_url, token="xapp-1-right", timeout=5)
        wrong = WebClient(base_url=emulator.base_url, token="xapp-1-wrong", timeout=5)

        assert right.apps_connections_open(app_token="xapp-1-right")["ok"] is True
        assert error_of(wrong, "apps.connections.open") == "invalid_auth"


@pytest.mark.parametrize("method", ["rtm.connect", "chat.postMessage", "auth.test"])
def test_app_token_rejected_by_bot_methods(app_web: WebClient, method: str) -> None:
    assert error_of(app_web, method, channel="C0TEST1", text="hi") == "not_allowed_token_type"


def test_hello_fields(app_web: WebClient, open_socket: Connect) -> None:
    open_socket()
    ws = websocket.create_connection(app_web.apps_connections_open(app_token="xapp-1-test")["url"], timeout=5)

    hello = json.loads(ws.recv())

    assert hello["type"] == "hello"
    assert hello["num_connections"] == 2
    assert hello["connection_info"] == {"app_id": "A0SELF"}
    assert set(hello["debug_info"]) == {"host", "started", "build_number", "approximate_connection_time"}
    assert hello["debug_info"]["host"].startswith("applink-")
    assert isinstance(hello["debug_info"]["build_number"], int)
    assert hello["debug_info"]["approximate_connection_time"] > 0
    time.strptime(hello["debug_info"]["started"], "%Y-%m-%d %H:%M:%S.000")
    ws.close()


def test_ticket_single_use(socket_emulator: Emulator, app_web: WebClient) -> None:
    url = app_web.apps_connections_open(app_token="xapp-1-test")["url"]
    first = websocket.create_connection(url, timeout=5)
    assert json.loads(first.recv())["type"] == "hello"

    second = websocket.create_connection(url, timeout=5)
    opcode, data = second.recv_data(control_frame=True)

    assert opcode == websocket.ABNF.OPCODE_CLOSE
    assert int.from_bytes(data[:2], "big") == 1008
    assert socket_emulator.open_socket_sessions == 1
    first.close()


def test_unused_ticket_harmless(socket_emulator: Emulator, app_web: WebClient) -> None:
    app_web.apps_connections_open(app_token="xapp-1-test")
    url = app_web.apps_connections_open(app_token="xapp-1-test")["url"]

    ws = websocket.create_connection(url, timeout=5)

    assert json.loads(ws.recv())["type"] == "hello"
    socket_emulator.wait_for_socket_sessions(1, timeout=5)
    ws.close()


def test_ticket_never_issued_rejected(socket_emulator: Emulator) -> None:
    url = f"ws://127.0.0.1:{socket_emulator.port}/link/?ticket=never-issued"

    with pytest.raises(websocket.WebSocketBadStatusException) as raised:
        websocket.create_connection(url, timeout=5)

    assert raised.value.status_code == 404


def test_rtm_ticket_rejected_on_link(socket_emulator: Emulator) -> None:
    bot = WebClient(base_url=socket_emulator.base_url, token="xoxb-test", timeout=5)
    ticket = bot.rtm_connect()["url"].rsplit("/", 1)[1]

    with pytest.raises(websocket.WebSocketBadStatusException):
        websocket.create_connection(f"ws://127.0.0.1:{socket_emulator.port}/link/?ticket={ticket}", timeout=5)


def test_envelope_shape(socket_emulator: Emulator, open_socket: Connect) -> None:
    ws = open_socket()
    ts = socket_emulator.post_as_user("U0TEST1", "C0TEST1", "hello there")

    envelope = next_envelope(ws)

    assert set(envelope) == {
        "envelope_id",
        "payload",
        "type",
        "accepts_response_payload",
        "retry_attempt",
        "retry_reason",
    }
    assert envelope["type"] == "events_api"
    assert envelope["accepts_response_payload"] is False
    assert envelope["retry_attempt"] == 0
    assert envelope["retry_reason"] == ""
    payload = envelope["payload"]
    assert payload["type"] == "event_callback"
    assert payload["token"] == "emulator-verification-token"
    assert payload["team_id"] == "T0TEST"
    assert payload["api_app_id"] == "A0SELF"
    assert payload["event_id"].startswith("Ev")
    assert payload["event_time"] == int(float(ts))
    assert payload["authorizations"] == [
        {
            "enterprise_id": None,
            "team_id": "T0TEST",
            "user_id": "U0SELF",
            "is_bot": True,
            "is_enterprise_install": False,
        }
    ]
    assert payload["is_ext_shared_channel"] is False
    assert isinstance(payload["event_context"], str)
    event = payload["event"]
    assert event["type"] == "message"
    assert event["user"] == "U0TEST1"
    assert event["text"] == "hello there"
    assert event["channel"] == "C0TEST1"
    assert event["ts"] == ts
    assert event["event_ts"] == ts
    assert event["channel_type"] == "channel"
    assert "client_msg_id" in event


def test_channel_type_of_dm(socket_emulator: Emulator, open_socket: Connect) -> None:
    ws = open_socket()
    socket_emulator.post_as_user("U0TEST1", "D0TEST1", "psst")

    assert next_envelope(ws)["payload"]["event"]["channel_type"] == "im"


def test_delivery_recorded(socket_emulator: Emulator, open_socket: Connect) -> None:
    ws = open_socket()
    socket_emulator.post_as_user("U0TEST1", "C0TEST1", "hello")
    envelope = next_envelope(ws)

    delivery = socket_emulator.wait_for_socket_deliveries(1, timeout=5)[0]

    assert delivery.envelope_id == envelope["envelope_id"]
    assert delivery.event_id == envelope["payload"]["event_id"]
    assert delivery.session == 1
    assert delivery.retry_attempt == 0
    assert delivery.event_type == "message"
    assert delivery.envelope == envelope


def test_app_mention_separate_envelope(socket_emulator: Emulator, open_socket: Connect) -> None:
    ws = open_socket()
    ts = socket_emulator.post_as_user("U0TEST1", "C0TEST1", "<@U0SELF> status")

    message = next_envelope(ws)["payload"]
    mention = next_envelope(ws)["payload"]

    assert message["event"]["type"] == "message"
    assert mention["event"]["type"] == "app_mention"
    assert mention["event_id"] != message["event_id"]
    assert mention["event"]["user"] == "U0TEST1"
    assert mention["event"]["text"] == "<@U0SELF> status"
    assert mention["event"]["ts"] == ts
    assert mention["event"]["channel"] == "C0TEST1"
    assert "channel_type" not in mention["event"]


def test_no_app_mention_in_dm(socket_emulator: Emulator, open_socket: Connect) -> None:
    ws = open_socket()
    socket_emulator.post_as_user("U0TEST1", "D0TEST1", "<@U0SELF> help")
    socket_emulator.post_as_user("U0TEST1", "C0TEST1", "after")

    assert next_envelope(ws)["payload"]["event"]["text"] == "<@U0SELF> help"
    assert next_envelope(ws)["payload"]["event"]["text"] == "after"
    assert socket_emulator.socket_deliveries("app_mention") == []


def test_bot_post_echoed(socket_emulator: Emulator, open_socket: Connect) -> None:
    ws = open_socket()
    bot = WebClient(base_url=socket_emulator.base_url, token="xoxb-test", timeout=5)

    ts = bot.chat_postMessage(channel="C0TEST1", text="I am the bot <@U0SELF>")["ts"]

    event = next_envelope(ws)["payload"]["event"]
    assert event["type"] == "message"
    assert event["ts"] == ts
    assert event["user"] == "U0SELF"
    assert event["bot_id"] == "B0SELF"
    assert event["channel_type"] == "channel"
    assert socket_emulator.socket_deliveries("app_mention") == []


def test_message_replied_without_subtype(socket_emulator: Emulator, open_socket: Connect) -> None:
    ws = open_socket()
    parent = socket_emulator.post_as_user("U0TEST1", "C0TEST1", "parent")
    socket_emulator.post_as_user("U0TEST2", "C0TEST1", "reply", thread_ts=parent)

    events = [next_envelope(ws)["payload"]["event"] for _ in range(3)]

    assert events[1]["thread_ts"] == parent
    assert events[1]["parent_user_id"] == "U0TEST1"
    replied = events[2]
    assert "subtype" not in replied
    assert replied["hidden"] is True
    assert replied["message"]["ts"] == parent
    assert replied["message"]["reply_count"] == 1


@pytest.mark.parametrize(
    "event",
    [
        {"type": "user_typing", "channel": "C0TEST1", "user": "U0TEST1"},
        {"type": "presence_change", "user": "U0TEST1", "presence": "away"},
        {"type": "goodbye"},
        {"type": "hello"},
        {"type": "reconnect_url", "url": "ws://127.0.0.1:1/never"},
        {"type": "message", "subtype": "channel_unarchive", "channel": "C0TEST1", "ts": "1.000001"},
        {"ok": True, "reply_to": 1},
    ],
)
def test_rtm_only_event_not_enveloped(
    socket_emulator: Emulator, open_socket: Connect, event: dict[str, Any]
) -> None:
    ws = open_socket()
    socket_emulator.send_event(event)
    socket_emulator.send_event({"type": "reaction_added", "user": "U0TEST1", "reaction": "eyes"})

    assert next_envelope(ws)["payload"]["event"]["type"] == "reaction_added"
    assert len(socket_emulator.socket_deliveries()) == 1


def test_client_json_ping_not_answered(socket_emulator: Emulator, open_socket: Connect) -> None:
    ws = open_socket()
    ws.send(json.dumps({"id": 1, "type": "ping"}))
    socket_emulator.post_as_user("U0TEST1", "C0TEST1", "next")

    assert next_envelope(ws)["payload"]["event"]["text"] == "next"


def test_rtm_session_gets_plain_events(
    socket_emulator: Emulator, open_socket: Connect, app_web: WebClient
) -> None:
    ws = open_socket()
    bot = WebClient(base_url=socket_emulator.base_url, token="xoxb-test", timeout=5)
    rtm = websocket.create_connection(bot.rtm_connect()["url"], timeout=5)
    assert json.loads(rtm.recv()) == {"type": "hello"}

    socket_emulator.post_as_user("U0TEST1", "C0TEST1", "both")

    assert json.loads(rtm.recv())["text"] == "both"
    assert next_envelope(ws)["payload"]["event"]["text"] == "both"
    assert socket_emulator.open_sessions == 2
    assert socket_emulator.open_socket_sessions == 1
    rtm.close()


def test_client_ping_answered(socket_emulator: Emulator, open_socket: Connect) -> None:
    ws = open_socket()

    ws.ping(b"are you there")
    opcode, data = ws.recv_data(control_frame=True)

    assert opcode == websocket.ABNF.OPCODE_PONG
    assert data == b"are you there"


def test_server_pings_periodically() -> None:
    with Emulator(close_timeout=1.0, socket_mode=SocketModeSettings(ping_interval=0.05)) as emulator:
        web = WebClient(base_url=emulator.base_url, token="xapp-1-test", timeout=5)
        ws = websocket.create_connection(web.apps_connections_open(app_token="xapp-1-test")["url"], timeout=5)
        assert json.loads(ws.recv())["type"] == "hello"

        opcodes = [ws.recv_data(control_frame=True)[0] for _ in range(2)]

        assert opcodes == [websocket.ABNF.OPCODE_PING, websocket.ABNF.OPCODE_PING]
        kinds = [keepalive.kind for keepalive in emulator.keepalives()]
        assert kinds.count("server ping") >= 2
        ws.close()


def test_session_span_kind(socket_emulator: Emulator, open_socket: Connect) -> None:
    open_socket()

    spans = socket_emulator.session_spans()

    assert [span.kind for span in spans] == ["socket_mode"]
    assert socket_emulator.socket_sessions_started == 1

