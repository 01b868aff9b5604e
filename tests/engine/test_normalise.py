"""Normalisation of raw RTM payloads into events, for every shape Slack sends."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from responder.slack.event_builder import FIELD_NAMES, build_event
from responder.slack.events import Event
from responder.slack.identity import OFFLINE_IDENTITY, Identity
from responder.slack.normalise import normalise

# Payloads without some usual field, one for each event type that lacks it.
SHAPES = [
    {},
    {"reply_to": 1, "ok": True, "ts": "1700000000.000700", "text": "Hi"},
    {"type": "hello"},
    {"type": "goodbye"},
    {"type": "pong", "reply_to": 3},
    {"type": "error", "error": {"code": 2, "msg": "made-up test error"}},
    {"type": "reconnect_url", "url": "wss://example.invalid/"},
    {"type": "user_typing", "channel": "C0TEST1", "user": "U0TEST1"},
    {"type": "presence_change", "user": "U0TEST1", "presence": "away"},
    {"type": "presence_change", "users": ["U0TEST1", "U0TEST2"], "presence": "away"},
    {
        "type": "reaction_added",
        "user": "U0TEST1",
        "reaction": "thumbsup",
        "item_user": "U0TEST2",
        "item": {"type": "message", "channel": "C0TEST1", "ts": "1700000000.000100"},
        "event_ts": "1700000000.000900",
    },
    {"type": "reaction_added", "user": "U0TEST1", "reaction": "eyes", "item": {"type": "file", "file": "F0TEST1"}},
    {
        "type": "member_joined_channel",
        "user": "W0TEST3",
        "channel": "C0TEST1",
        "channel_type": "C",
        "team": "T0TEST",
        "inviter": "U0TEST1",
    },
    {"type": "channel_created", "channel": {"id": "C0NEW1", "name": "fun", "created": 1360782804, "creator": "U0TEST1"}},
    {"type": "im_created", "user": "U0TEST1", "channel": {}},
    {"type": "team_join", "user": {}},
    {"type": "team_join", "user": {"id": "U0NEW1", "name": "newbie"}},
    {"type": "some_future_event", "foo": 1},
    {"type": None},
    {"type": "message"},
    {"type": "message", "subtype": "bot_message", "ts": "1358877455.000010", "text": "Pushing", "bot_id": "B0OTHER1", "icons": {}},
    {"type": "message", "subtype": "message_changed", "hidden": True, "channel": "C0TEST1", "ts": "1700000000.000600"},
    {"type": "message", "subtype": "message_deleted", "hidden": True, "channel": "C0TEST1", "ts": "1700000000.000600", "deleted_ts": "1700000000.000100"},
    {"type": "message", "subtype": "message_replied", "hidden": True, "channel": "C0TEST1", "ts": "1700000000.000700", "message": {"type": "message", "user": "U0TEST1", "text": "…", "thread_ts": "1700000000.000100", "ts": "1700000000.000100"}},
    {"type": "message", "subtype": "file_share", "ts": "1700000000.000100", "text": "<@cal> uploaded a file: <https://example.invalid/7.png|7.png>", "file": {}, "user": "U0TEST1", "upload": True},
]

# Fields with types Slack does not document for them.
ODD_FIELDS = [
    {"type": "message", "text": 42, "user": "U0TEST1", "channel": "C0TEST1", "ts": "1.2"},
    {"type": "message", "text": None, "user": ["U0TEST1"], "channel": 7, "ts": 1.5},
    {"type": "message", "text": ["a"], "user": {"id": 3}, "channel": {"id": None}, "thread_ts": {}},
    {"type": "message", "subtype": "message_changed", "message": "not a message", "previous_message": 3},
    {"type": "message", "subtype": "message_changed", "message": {"text": {"x": 1}}, "previous_message": {"text": []}},
    {"type": "message", "subtype": "message_deleted", "previous_message": "gone"},
    {"type": "message", "files": {"id": "F1"}, "file": "F1", "bot_profile": "autobot", "app_id": 5},
    {"type": "message", "subtype": 12, "hidden": "true", "channel_type": ["im"]},
    {"type": "reaction_added", "item": "C0TEST1", "user": None},
    {"type": "reaction_added", "item": {"channel": 1, "ts": None}},
    {"type": 5, "channel": "C0TEST1"},
]


@pytest.mark.parametrize("raw", SHAPES + ODD_FIELDS, ids=lambda raw: json.dumps(raw)[:60])
def test_normalise_accepts_every_shape(raw: dict[str, Any]) -> None:
    event = normalise(raw, OFFLINE_IDENTITY)

    assert isinstance(event.text, str)
    assert isinstance(event.raw_text, str)
    assert event.user is None or isinstance(event.user, str)
    assert event.channel is None or isinstance(event.channel, str)
    assert event.ts is None or isinstance(event.ts, str)
    assert event.raw is raw


def test_message_without_text_has_empty_text() -> None:
    event = normalise({"type": "message", "user": "U0TEST1", "channel": "C0TEST1", "ts": "1.1"}, OFFLINE_IDENTITY)

    assert event.text == ""
    assert event.raw_text == ""
    assert event.mentions == ()


def test_untyped_frame_has_empty_type() -> None:
    assert normalise({}, OFFLINE_IDENTITY).type == ""
    assert normalise({"type": None}, OFFLINE_IDENTITY).type == ""


def test_plain_message_fields() -> None:
    raw = {"type": "message", "user": "U0TEST1", "text": "hi &amp; <@U0SELF|autobot>", "channel": "C0TEST1", "ts": "1.1"}
    event = normalise(raw, OFFLINE_IDENTITY)

    assert event.type == "message"
    assert event.subtype == ""
    assert event.user == "U0TEST1"
    assert event.channel == "C0TEST1"
    assert event.ts == "1.1"
    assert event.thread_ts is None
    assert event.text == "hi & <@U0SELF>"
    assert event.raw_text == "hi &amp; <@U0SELF|autobot>"
    assert event.mentions == ("U0SELF",)
    assert event.target_channel == "C0TEST1"
    assert event.target_ts == "1.1"
    assert not event.is_self
    assert not event.is_bot
    assert not event.hidden
    assert not event.text_unchanged


def test_events_api_reply_notice_is_message_replied() -> None:
    raw = {
        "type": "message",
        "hidden": True,
        "channel": "C0TEST1",
        "channel_type": "channel",
        "ts": "1700000002.000300",
        "event_ts": "1700000002.000300",
        "message": {"type": "message", "user": "U0TEST1", "text": "parent", "ts": "1700000002.000100", "thread_ts": "1700000002.000100"},
    }
    event = normalise(raw, OFFLINE_IDENTITY)

    assert event.subtype == "message_replied"
    assert event.user == "U0TEST1"
    assert event.text == "parent"
    assert event.hidden


def test_edit_reads_the_nested_message() -> None:
    raw = {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": "C0TEST1",
        "ts": "1700000001.000300",
        "message": {
            "type": "message",
            "user": "U0TEST1",
            "text": "ticket 1234 (typo fixed)",
            "ts": "1700000001.000100",
            "thread_ts": "1700000000.000050",
            "edited": {"user": "U0TEST1", "ts": "1700000001.000300"},
        },
        "previous_message": {"type": "message", "user": "U0TEST1", "text": "ticket 1234", "ts": "1700000001.000100"},
    }
    event = normalise(raw, OFFLINE_IDENTITY)

    assert event.subtype == "message_changed"
    assert event.hidden
    assert event.user == "U0TEST1"
    assert event.text == "ticket 1234 (typo fixed)"
    assert event.ts == "1700000001.000100"
    assert event.thread_ts == "1700000000.000050"
    assert event.target_ts == "1700000001.000100"
    assert event.target_channel == "C0TEST1"
    assert not event.text_unchanged


def test_edit_with_same_text_is_unchanged() -> None:
    raw = {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": "C0TEST1",
        "ts": "1700000000.000600",
        "message": {"type": "message", "bot_id": "B0OTHER1", "text": "<https://example.invalid/video>", "ts": "1700000000.000100"},
        "previous_message": {"type": "message", "bot_id": "B0OTHER1", "text": "<https://example.invalid/video>", "ts": "1700000000.000100"},
    }
    event = normalise(raw, OFFLINE_IDENTITY)

    assert event.text_unchanged
    assert event.is_bot
    assert event.bot_id == "B0OTHER1"
    assert event.user is None
    assert event.text == "https://example.invalid/video"


def test_edit_author_is_checked_for_self() -> None:
    raw = {
        "type": "message",
        "subtype": "message_changed",
        "channel": "C0TEST1",
        "ts": "2.2",
        "message": {"type": "message", "user": "U0SELF", "text": "new", "ts": "1.1"},
        "previous_message": {"type": "message", "user": "U0SELF", "text": "old", "ts": "1.1"},
    }

    assert normalise(raw, OFFLINE_IDENTITY).is_self


def test_deleted_message_reads_previous_message() -> None:
    raw = {
        "type": "message",
        "subtype": "message_deleted",
        "hidden": True,
        "channel": "C0TEST1",
        "ts": "2.2",
        "deleted_ts": "1.1",
        "previous_message": {"type": "message", "user": "U0TEST2", "text": "oops &amp; more", "ts": "1.1"},
    }
    event = normalise(raw, OFFLINE_IDENTITY)

    assert event.user == "U0TEST2"
    assert event.text == "oops & more"
    assert event.ts == "1.1"


def test_deleted_message_without_previous_has_no_author() -> None:
    raw = {"type": "message", "subtype": "message_deleted", "hidden": True, "channel": "C0TEST1", "ts": "2.2", "deleted_ts": "1.1"}
    event = normalise(raw, OFFLINE_IDENTITY)

    assert event.user is None
    assert event.text == ""
    assert event.ts == "1.1"


def test_reaction_targets_its_item() -> None:
    raw = {
        "type": "reaction_added",
        "user": "U0TEST1",
        "reaction": "eyes",
        "item": {"type": "message", "channel": "C0TEST2", "ts": "1700000000.000100"},
        "event_ts": "1700000000.000900",
    }
    event = normalise(raw, OFFLINE_IDENTITY)

    assert event.user == "U0TEST1"
    assert event.channel == "C0TEST2"
    assert event.target_channel == "C0TEST2"
    assert event.target_ts == "1700000000.000100"
    assert event.ts == "1700000000.000900"
    assert event.text == ""


def test_team_join_reads_the_user_object() -> None:
    event = normalise({"type": "team_join", "user": {"id": "U0NEW1", "name": "newbie"}}, OFFLINE_IDENTITY)

    assert event.user == "U0NEW1"
    assert event.channel is None


def test_channel_created_reads_the_channel_object() -> None:
    raw = {"type": "channel_created", "channel": {"id": "C0NEW1", "name": "fun", "creator": "U0TEST1"}}

    assert normalise(raw, OFFLINE_IDENTITY).channel == "C0NEW1"


@pytest.mark.parametrize(
    "raw",
    [
        {"type": "message", "user": "U0SELF", "bot_id": "B0SELF", "bot_profile": {"id": "B0SELF", "app_id": "A0SELF"}, "text": "hello"},
        {"type": "message", "subtype": "bot_message", "bot_id": "B0SELF", "text": "hello"},
        {"type": "message", "user": "U0SELF", "text": "hello"},
        {"type": "message", "subtype": "bot_message", "bot_id": "B0SELF2", "app_id": "A0SELF", "text": "hello"},
        {"type": "message", "subtype": "bot_message", "bot_id": "B0SELF2", "bot_profile": {"app_id": "A0SELF"}, "text": "hello"},
        {"type": "reaction_added", "user": "U0SELF", "reaction": "eyes", "item": {"channel": "C0TEST1", "ts": "1.1"}},
    ],
)
def test_own_events_are_self(raw: dict[str, Any]) -> None:
    assert normalise(raw, OFFLINE_IDENTITY).is_self


def test_app_id_comes_from_bot_profile() -> None:
    raw = {"type": "message", "bot_id": "B0OTHER1", "bot_profile": {"app_id": "A0OTHER"}, "text": "x"}

    assert normalise(raw, OFFLINE_IDENTITY).app_id == "A0OTHER"


def test_identity_without_bot_id() -> None:
    identity = Identity(user_id="U0SELF")
    raw = {"type": "message", "user": "U0TEST1", "text": "x"}

    assert not normalise(raw, identity).is_self


@pytest.mark.parametrize(
    ("raw", "is_bot"),
    [
        ({"type": "message", "subtype": "bot_message", "bot_id": "B0OTHER1", "text": "x"}, True),
        ({"type": "message", "subtype": "bot_message", "text": "x"}, True),
        ({"type": "message", "user": "U0TEST1", "bot_id": "B0OTHER1", "text": "x"}, True),
        ({"type": "message", "user": "USLACKBOT", "text": "x"}, True),
        ({"type": "message", "user": "U0TEST1", "text": "x"}, False),
    ],
)
def test_bot_messages(raw: dict[str, Any], is_bot: bool) -> None:
    assert normalise(raw, OFFLINE_IDENTITY).is_bot is is_bot


@pytest.mark.parametrize(
    ("files", "has_files"),
    [
        ({"files": [{"id": "F0TEST1"}]}, True),
        ({"files": []}, False),
        ({"file": {"id": "F0TEST3"}}, True),
        ({"files": "F1"}, False),
        ({"file": "F1"}, False),
        ({}, False),
    ],
)
def test_has_files(files: dict[str, Any], has_files: bool) -> None:
    raw = {"type": "message", "user": "U0TEST1", "text": "", "channel": "C0TEST1", "ts": "1.1", **files}

    assert normalise(raw, OFFLINE_IDENTITY).has_files is has_files


@pytest.mark.parametrize(
    ("fields", "channel_type"),
    [
        ({"channel": "D0TEST1"}, "im"),
        ({"channel": "C0TEST1"}, "channel"),
        ({"channel": "G0TEST1"}, None),
        ({"channel": "G0TEST1", "channel_type": "mpim"}, "mpim"),
        ({"channel": "C0TEST1", "channel_type": "C"}, "channel"),
        ({}, None),
    ],
)
def test_channel_type(fields: dict[str, Any], channel_type: str | None) -> None:
    raw = {"type": "message", "user": "U0TEST1", "text": "x", **fields}

    assert normalise(raw, OFFLINE_IDENTITY).channel_type == channel_type


@pytest.mark.parametrize(
    ("thread", "is_reply"),
    [
        ({}, False),
        ({"thread_ts": "1.1"}, False),
        ({"thread_ts": "1.0"}, True),
        ({"subtype": "thread_broadcast", "thread_ts": "1.0"}, True),
    ],
)
def test_reply_in_thread(thread: dict[str, Any], is_reply: bool) -> None:
    raw = {"type": "message", "user": "U0TEST1", "text": "x", "channel": "C0TEST1", "ts": "1.1", **thread}

    assert normalise(raw, OFFLINE_IDENTITY).is_reply is is_reply


def test_typed_mention_is_not_a_mention() -> None:
    raw = {"type": "message", "user": "U0TEST1", "text": "&lt;@U0SELF&gt; hi", "channel": "C0TEST1", "ts": "1.1"}
    event = normalise(raw, OFFLINE_IDENTITY)

    assert event.mentions == ()
    assert event.text == "<@U0SELF> hi"


def test_build_event_sets_the_slots_directly() -> None:
    assert build_event is not Event
    assert FIELD_NAMES == tuple(field.name for field in dataclasses.fields(Event))


def test_build_event_equals_the_dataclass() -> None:
    raw = {"type": "message", "text": "hi"}
    values = ("message", "", "C0TEST1", "U0TEST1", None, None, "1.2", None, "hi", "hi", ("U0SELF",), True, False, False, False, "channel", "C0TEST1", "1.2", False, raw)

    built = build_event(*values)
    expected = Event(*values)

    assert built == expected
    assert all(getattr(built, name) is getattr(expected, name) for name in FIELD_NAMES)
    assert hash(built) == hash(expected)
    with pytest.raises(dataclasses.FrozenInstanceError):
        built.text = "changed"  # type: ignore[misc]
