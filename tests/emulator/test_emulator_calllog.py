"""The call log: every Web API call, in memory and in the calls file, never with its token."""

from __future__ import annotations

import json
import threading
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from responder.emulator import Emulator

TOKEN = "xoxb-secret-0123456789"


def test_call_entry_has_method_arguments_and_time(emulator: Emulator, web: WebClient) -> None:
    web.chat_postMessage(
        channel="C0TEST1", text="Hi", thread_ts="1700000000.000100", reply_broadcast=False
    )

    call = emulator.calls("chat.postMessage")[0]
    assert call["method"] == "chat.postMessage"
    assert call["channel"] == "C0TEST1"
    assert call["text"] == "Hi"
    assert call["thread_ts"] == "1700000000.000100"
    assert call["reply_broadcast"] is False
    assert isinstance(call["at"], float)
    assert list(call)[0] == "method"
    assert list(call)[-1] == "at"


def test_form_arguments_recorded_as_strings(emulator: Emulator, web: WebClient) -> None:
    web.reactions_add(channel="C0TEST1", timestamp="1700000000.000100", name="eyes")

    call = emulator.calls("reactions.add")[0]
    assert {key: call[key] for key in ("channel", "timestamp", "name")} == {
        "channel": "C0TEST1",
        "timestamp": "1700000000.000100",
        "name": "eyes",
    }


def test_failed_calls_are_recorded(emulator: Emulator, web: WebClient) -> None:
    with pytest.raises(SlackApiError):
        web.chat_postMessage(channel="C0GONE1", text="x")
    with pytest.raises(SlackApiError):
        web.api_call("no.such.method", params={"x": "1"})

    assert [call["channel"] for call in emulator.calls("chat.postMessage")] == ["C0GONE1"]
    assert emulator.calls("no.such.method")[0]["x"] == "1"


def test_calls_filtered_by_method(emulator: Emulator, web: WebClient) -> None:
    web.auth_test()
    web.rtm_connect()
    web.auth_test()

    assert [call["method"] for call in emulator.calls()] == [
        "auth.test",
        "rtm.connect",
        "auth.test",
    ]
    assert len(emulator.calls("auth.test")) == 2


def test_calls_file_lines_without_token(tmp_path: Path) -> None:
    path = tmp_path / "calls.jsonl"
    with Emulator(calls_path=path) as emulator:
        client = WebClient(base_url=emulator.base_url, token=TOKEN, timeout=5)
        client.auth_test()
        client.chat_postMessage(channel="C0TEST1", text="hello")
        form = urllib.parse.urlencode({"token": TOKEN, "user": "U0TEST1"}).encode()
        urllib.request.urlopen(f"{emulator.base_url}users.info", form, timeout=5).read()
        query = urllib.parse.urlencode({"token": TOKEN, "channel": "C0TEST1"})
        urllib.request.urlopen(f"{emulator.base_url}conversations.info?{query}", timeout=5).read()

    text = path.read_text(encoding="utf-8")
    lines = [json.loads(line) for line in text.splitlines()]
    assert [line["method"] for line in lines] == [
        "auth.test",
        "chat.postMessage",
        "users.info",
        "conversations.info",
    ]
    assert lines[1]["text"] == "hello"
    assert "secret" not in text
    assert all("token" not in line for line in lines)


def test_calls_file_emptied_on_start(tmp_path: Path) -> None:
    path = tmp_path / "calls.jsonl"
    path.write_text('{"method": "old.call"}\n', encoding="utf-8")

    with Emulator(calls_path=path) as emulator:
        WebClient(base_url=emulator.base_url, token="xoxb-test", timeout=5).auth_test()

    assert [json.loads(line)["method"] for line in path.read_text().splitlines()] == ["auth.test"]


def test_calls_from_many_threads(emulator: Emulator) -> None:
    def post(number: int) -> None:
        client = WebClient(base_url=emulator.base_url, token="xoxb-test", timeout=5)
        for index in range(10):
            client.chat_postMessage(channel="C0TEST1", text=f"{number}-{index}")

    threads = [threading.Thread(target=post, args=(number,)) for number in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    texts = {call["text"] for call in emulator.wait_for_calls(50, "chat.postMessage", timeout=5)}
    assert len(texts) == 50
