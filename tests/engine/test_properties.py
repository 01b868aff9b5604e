"""Properties over generated payloads: normalisation and decisions never raise."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from responder.slack.identity import OFFLINE_IDENTITY
from responder.slack.markup import escape, normalise_text
from responder.slack.normalise import normalise
from tests.engine.helpers import action, engine, rule
from tests.engine.normalise_reference import normalise_reference

KEYS = [
    "type", "subtype", "text", "user", "bot_id", "app_id", "bot_profile", "channel", "channel_type",
    "ts", "thread_ts", "event_ts", "deleted_ts", "hidden", "message", "previous_message", "files",
    "file", "item", "reaction", "client_msg_id",
]
VALUES = ["message", "reaction_added", "message_changed", "message_deleted", "bot_message", "thread_broadcast",
          "U0SELF", "U0TEST1", "B0SELF", "A0SELF", "C0TEST1", "D0TEST1", "G0TEST1", "1700000000.000100", ""]

SLACK_TEXT = st.text(alphabet=st.sampled_from(list("<>&|@#!^:;,. abcUSELF0amplgt\n")), max_size=60)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.sampled_from(VALUES),
    SLACK_TEXT,
)
json_like = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from(KEYS + ["id", "app_id", "channel", "ts", "text"]), children, max_size=5),
    ),
    max_leaves=8,
)
texts = st.one_of(SLACK_TEXT, st.sampled_from(["hello", "<@U0SELF> hi", "<@U0SELF|autobot>: x", "hello &amp; <!here>"]))
timestamps = st.sampled_from(["1700000000.000100", "1700000000.000200", "1700000000.000300"])
messages = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["message", "reaction_added"]),
        "channel": st.sampled_from(["C0TEST1", "D0TEST1", "G0TEST1"]),
        "ts": timestamps,
        "text": texts,
    },
    optional={key: json_like for key in KEYS if key not in ("type", "channel", "ts", "text")},
)
payloads = st.one_of(st.dictionaries(st.sampled_from(KEYS), json_like, max_size=12), messages)

RULES = [
    rule("greet", action("reply", "Hi {user} in {channel}: {text}"), words="hello"),
    rule("edits", action("react", "eyes"), action("reply", "{event.message.text}"), subtypes=["", "message_changed", "message_deleted"], bots=True),
    rule("mention", action("reply", "{match} {1}", in_thread=False), mention="start", regex="(.*)"),
    rule("reactions", action("reply", "{user.name}"), action("post", "{ts}", channel="#nowhere"), event="reaction_added"),
    rule("files", action("dm", "{thread_ts}"), action("ephemeral", "x"), has_files=True, thread="reply"),
]


@settings(max_examples=100, deadline=None)
@given(payloads)
def test_normalise_never_raises(raw: dict[str, Any]) -> None:
    event = normalise(raw, OFFLINE_IDENTITY)

    assert isinstance(event.text, str)
    assert isinstance(event.raw_text, str)
    assert all(isinstance(user, str) for user in event.mentions)


@settings(max_examples=300, deadline=None)
@given(st.one_of(payloads, payloads.map(MappingProxyType), json_like))
def test_normalise_equals_its_plain_form(raw: Any) -> None:
    event = normalise(raw, OFFLINE_IDENTITY)
    expected = normalise_reference(raw, OFFLINE_IDENTITY)

    assert event == expected
    assert event.raw == expected.raw
    assert type(event) is type(expected)


@settings(max_examples=60, deadline=None)
@given(st.lists(payloads, min_size=1, max_size=3))
def test_decide_never_raises(raws: list[dict[str, Any]]) -> None:
    decider = engine(*RULES, reply_limit=(3, 60.0))

    for raw in raws:
        decision = decider.decide(normalise(raw, OFFLINE_IDENTITY))
        for planned in decision.actions:
            assert planned.channel
            assert (planned.text is None) == (planned.method == "reactions.add")


@settings(max_examples=200, deadline=None)
@given(SLACK_TEXT)
def test_normalised_text_escapes_back_without_tokens(text: str) -> None:
    escaped = escape(normalise_text(text))

    assert "<" not in escaped
    assert ">" not in escaped
