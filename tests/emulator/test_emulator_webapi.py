"""Web API methods and errors, through a real slack_sdk WebClient and plain HTTP."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from responder.emulator import Emulator, Workspace


def slack_error(call: Any, **arguments: Any) -> str:
    """Return the ``error`` of a Web API call that must fail."""
    with pytest.raises(SlackApiError) as raised:
        call(**arguments)
    assert raised.value.response.status_code == 200
    return str(raised.value.response["error"])


def http(
    url: str, data: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    """Send a plain HTTP request (POST when ``data`` is given) and parse the JSON reply."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, json.loads(response.read())


def test_auth_test_returns_bot_identity(web: WebClient, emulator: Emulator) -> None:
    reply = web.auth_test()

    assert reply["ok"] is True
    assert reply["user_id"] == "U0SELF"
    assert reply["user"] == "autobot"
    assert reply["bot_id"] == "B0SELF"
    assert reply["app_id"] == "A0SELF"
    assert reply["team_id"] == "T0TEST"
    assert reply["team"] == "Test workspace"
    assert reply["url"].startswith("https://")


def test_base_url_ends_with_slash(emulator: Emulator) -> None:
    assert emulator.base_url == f"http://127.0.0.1:{emulator.port}/api/"


def test_rtm_connect_returns_websocket_url_and_identity(web: WebClient, emulator: Emulator) -> None:
    reply = web.rtm_connect()

    prefix = f"ws://127.0.0.1:{emulator.port}/rtm/"
    assert reply["url"].startswith(prefix)
    assert len(reply["url"]) > len(prefix)
    assert reply["self"] == {"id": "U0SELF", "name": "autobot"}
    assert reply["team"] == {"id": "T0TEST", "name": "Test workspace", "domain": "testworkspace"}


def test_rtm_connect_urls_differ(web: WebClient) -> None:
    assert web.rtm_connect()["url"] != web.rtm_connect()["url"]


def test_rtm_start_is_alias(web: WebClient, emulator: Emulator) -> None:
    reply = web.rtm_start()

    assert reply["url"].startswith(f"ws://127.0.0.1:{emulator.port}/rtm/")
    assert emulator.connect_calls == 1


def test_missing_token_is_not_authed(emulator: Emulator) -> None:
    client = WebClient(base_url=emulator.base_url, timeout=5)

    assert slack_error(client.auth_test) == "not_authed"


def test_unknown_token_is_invalid_auth(emulator: Emulator) -> None:
    client = WebClient(base_url=emulator.base_url, token="xoxp-user-token", timeout=5)

    assert slack_error(client.rtm_connect) == "invalid_auth"


def test_app_token_on_rtm_connect_not_allowed(emulator: Emulator) -> None:
    client = WebClient(base_url=emulator.base_url, token="xapp-1-test", timeout=5)

    assert slack_error(client.rtm_connect) == "not_allowed_token_type"


def test_listed_tokens_replace_prefix_rule() -> None:
    with Emulator(Workspace(tokens=("xoxb-listed",))) as emulator:
        listed = WebClient(base_url=emulator.base_url, token="xoxb-listed", timeout=5)
        other = WebClient(base_url=emulator.base_url, token="xoxb-other", timeout=5)

        assert listed.auth_test()["ok"] is True
        assert slack_error(other.auth_test) == "invalid_auth"


def test_unknown_method(web: WebClient) -> None:
    assert slack_error(web.api_call, api_method="files.frobnicate") == "unknown_method"


def test_post_to_unknown_channel(web: WebClient) -> None:
    assert slack_error(web.chat_postMessage, channel="C0GONE1", text="hi") == "channel_not_found"


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_post_without_text(web: WebClient) -> None:
    assert slack_error(web.chat_postMessage, channel="C0TEST1", text="") == "no_text"


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_post_with_blocks_needs_no_text(web: WebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]

    reply = web.chat_postMessage(channel="C0TEST1", blocks=blocks)

    assert reply["message"]["blocks"] == blocks


def test_post_over_max_text_length() -> None:
    with Emulator(Workspace(max_text_length=10)) as emulator:
        client = WebClient(base_url=emulator.base_url, token="xoxb-test", timeout=5)

        assert client.chat_postMessage(channel="C0TEST1", text="x" * 10)["ok"] is True
        assert (
            slack_error(client.chat_postMessage, channel="C0TEST1", text="x" * 11) == "msg_too_long"
        )


def test_post_returns_channel_ts_and_message(web: WebClient) -> None:
    reply = web.chat_postMessage(channel="C0TEST1", text="hi")

    assert reply["channel"] == "C0TEST1"
    assert isinstance(reply["ts"], str)
    assert reply["message"]["text"] == "hi"
    assert reply["message"]["ts"] == reply["ts"]
    assert reply["message"]["bot_id"] == "B0SELF"
    assert reply["message"]["user"] == "U0SELF"


def test_post_ts_values_increase(web: WebClient) -> None:
    stamps = [web.chat_postMessage(channel="C0TEST1", text=str(n))["ts"] for n in range(5)]

    assert stamps == sorted(stamps)
    assert len(set(stamps)) == 5


def test_post_by_channel_name(web: WebClient) -> None:
    assert web.chat_postMessage(channel="#test-two", text="hi")["channel"] == "C0TEST2"


def test_post_to_user_id_uses_dm(web: WebClient) -> None:
    assert web.chat_postMessage(channel="U0TEST1", text="hi")["channel"] == "D0TEST1"


def test_conversations_open_creates_dm(web: WebClient) -> None:
    opened = web.conversations_open(users="U0TEST2")["channel"]["id"]

    info = web.conversations_info(channel=opened)["channel"]
    assert info["is_im"] is True
    assert info["user"] == "U0TEST2"


def test_post_ephemeral_returns_message_ts(web: WebClient) -> None:
    reply = web.chat_postEphemeral(channel="C0TEST1", user="U0TEST1", text="only you")

    assert isinstance(reply["message_ts"], str)


def test_post_ephemeral_to_unknown_user(web: WebClient) -> None:
    error = slack_error(web.chat_postEphemeral, channel="C0TEST1", user="U0NOBODY", text="x")

    assert error == "user_not_in_channel"


def test_reactions_add_unknown_channel(web: WebClient) -> None:
    error = slack_error(
        web.reactions_add, channel="C0GONE1", timestamp="1700000000.000100", name="eyes"
    )

    assert error == "channel_not_found"


def test_conversations_info_channel(web: WebClient) -> None:
    channel = web.conversations_info(channel="C0TEST1")["channel"]

    assert channel["id"] == "C0TEST1"
    assert channel["name"] == "test-one"
    assert channel["is_channel"] is True
    assert channel["is_private"] is False
    assert channel["is_im"] is False


def test_conversations_info_dm(web: WebClient) -> None:
    channel = web.conversations_info(channel="D0TEST1")["channel"]

    assert channel["is_im"] is True
    assert channel["user"] == "U0TEST1"


def test_conversations_info_unknown(web: WebClient) -> None:
    assert slack_error(web.conversations_info, channel="C0GONE1") == "channel_not_found"


def test_conversations_list_filters_types(web: WebClient) -> None:
    public = [channel["id"] for channel in web.conversations_list()["channels"]]
    everything = [
        channel["id"] for channel in web.conversations_list(types="public_channel,im")["channels"]
    ]

    assert public == ["C0TEST1", "C0TEST2"]
    assert everything == ["C0TEST1", "C0TEST2", "D0TEST1"]


def test_users_info(web: WebClient) -> None:
    user = web.users_info(user="W0TEST3")["user"]

    assert user["id"] == "W0TEST3"
    assert user["name"] == "tester3"
    assert user["is_bot"] is False
    assert user["profile"]["display_name"] == "tester3"


def test_users_info_bot_user(web: WebClient) -> None:
    user = web.users_info(user="U0SELF")["user"]

    assert user["is_bot"] is True
    assert user["profile"]["bot_id"] == "B0SELF"


def test_users_info_unknown(web: WebClient) -> None:
    assert slack_error(web.users_info, user="U0NOBODY") == "user_not_found"


def test_users_list(web: WebClient) -> None:
    members = [user["id"] for user in web.users_list()["members"]]

    assert members == ["U0SELF", "U0TEST1", "U0TEST2", "W0TEST3"]


def test_get_with_token_in_query(emulator: Emulator) -> None:
    query = urllib.parse.urlencode({"token": "xoxb-test", "user": "U0TEST1"})

    status, body = http(f"{emulator.base_url}users.info?{query}")

    assert status == 200
    assert body["user"]["name"] == "tester1"


def test_form_body_with_token(emulator: Emulator) -> None:
    form = urllib.parse.urlencode(
        {"token": "xoxb-test", "channel": "C0TEST1", "text": "hi"}
    ).encode()

    status, body = http(
        f"{emulator.base_url}chat.postMessage",
        form,
        {"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert status == 200
    assert body["ok"] is True


def test_json_content_type_with_empty_body(emulator: Emulator) -> None:
    headers = {
        "Content-Type": "application/json;charset=utf-8",
        "Authorization": "Bearer xoxb-test",
    }

    status, body = http(f"{emulator.base_url}auth.test", b"", headers)

    assert status == 200
    assert body["ok"] is True


def test_error_replies_are_http_200(emulator: Emulator) -> None:
    status, body = http(f"{emulator.base_url}auth.test", b"")

    assert status == 200
    assert body == {"ok": False, "error": "not_authed"}


def test_invalid_json_body(emulator: Emulator) -> None:
    headers = {"Content-Type": "application/json", "Authorization": "Bearer xoxb-test"}

    status, body = http(f"{emulator.base_url}chat.postMessage", b"{not json", headers)

    assert status == 200
    assert body == {"ok": False, "error": "invalid_json"}
