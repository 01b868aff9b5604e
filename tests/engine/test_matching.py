"""Conditions: which rules an event matches, and the reason for each that it does not."""

from __future__ import annotations

from typing import Any

import pytest

from responder.engine import Engine
from responder.engine.matching import contains_word
from responder.rules.model import Rule
from responder.slack.events import Event
from responder.slack.identity import OFFLINE_IDENTITY
from tests.engine.helpers import action, engine, event, message, rule, ruleset

REACT = action("react", "eyes")


def fired(rules: list[Rule], *events: Event) -> list[tuple[str, ...]]:
    decider = engine(*rules)
    return [decider.decide(item).fired for item in events]


def reason_for(checked_rule: Rule, item: Event) -> str:
    decision = engine(checked_rule).decide(item)
    assert decision.ignored is None
    return decision.results[0].reason


def test_every_matching_rule_fires_in_order() -> None:
    rules = [rule("a", REACT, contains="x"), rule("b", REACT, contains="y"), rule("c", REACT, contains="x")]

    assert fired(rules, message("x y")) == [("a", "b", "c")]


def test_stop_silences_later_rules() -> None:
    rules = [
        rule("a", REACT, contains="x"),
        rule("b", REACT, contains="x", rule_keys={"stop": True}),
        rule("c", REACT, contains="x"),
    ]
    decision = engine(*rules).decide(message("x"))

    assert decision.fired == ("a", "b")
    assert decision.results[2].reason == "stopped by rule b"


def test_stop_only_counts_when_the_rule_fires() -> None:
    rules = [rule("a", REACT, contains="nope", rule_keys={"stop": True}), rule("b", REACT, contains="x")]

    assert fired(rules, message("x")) == [("b",)]


@pytest.mark.parametrize(
    ("conditions", "text", "reason"),
    [
        ({"words": ["hello"]}, "helloworld", "words: no listed word in the text"),
        ({"equals": "help"}, "help me", "equals: the text is none of the listed values"),
        ({"starts_with": "go"}, "ago", "starts_with: the text starts with no listed value"),
        ({"contains": "abc"}, "ab c", "contains: no listed text in the text"),
        ({"regex": "^x"}, "yx", "regex: no pattern matches the text"),
        ({"channels": "C0TEST2"}, "x", "channels: C0TEST1 not listed"),
        ({"not_channels": "C0TEST1"}, "x", "not_channels: C0TEST1 is excluded"),
        ({"users": "U0TEST2"}, "x", "users: U0TEST1 not listed"),
        ({"not_users": ["U0TEST2", "U0TEST1"]}, "x", "not_users: U0TEST1 is excluded"),
        ({"thread": "reply"}, "x", "thread: the message is not a reply"),
        ({"mention": "anywhere"}, "x", "mention: the bot is not mentioned"),
        ({"mention": "never"}, "<@U0SELF> x", "mention: the bot is mentioned"),
        ({"mention": "start"}, "x <@U0SELF>", "mention: the text does not start with the bot's mention"),
        ({"has_files": True}, "x", "has_files: the message has no files"),
    ],
)
def test_reason_names_the_failing_condition(conditions: dict[str, Any], text: str, reason: str) -> None:
    assert reason_for(rule("r", REACT, **conditions), message(text)) == reason


def test_reason_names_the_first_failing_condition() -> None:
    checked = rule("r", REACT, channels="C0TEST2", users="U0TEST2", words="hello")

    assert reason_for(checked, message("bye")) == "channels: C0TEST1 not listed"


def test_channel_names_resolve_through_the_directory() -> None:
    rules = ruleset(rule("named", REACT, channels=["#test-one", "#unknown"]), rule("other", REACT, channels="#test-two"))
    decider = Engine(rules, OFFLINE_IDENTITY, channel_ids={"#test-one": "C0TEST1", "test-two": "C0TEST2"})

    assert decider.decide(message("x", ts="1.1")).fired == ("named",)
    assert decider.decide(message("x", ts="1.2", channel="C0TEST2")).fired == ("other",)
    reason = decider.decide(message("x", ts="1.3", channel="C0TEST3")).results[0].reason
    assert reason == "channels: C0TEST3 not listed (channel name #unknown not resolved)"


def test_unresolved_name_never_matches() -> None:
    reason = reason_for(rule("r", REACT, channels="#test-one"), message("x"))

    assert reason == "channels: C0TEST1 not listed (channel name #test-one not resolved)"


def test_set_directory_resolves_names_again() -> None:
    decider = engine(rule("r", REACT, users="@tester1"))
    assert decider.decide(message("x", ts="1.1")).fired == ()

    decider.set_directory({}, {"@tester1": "U0TEST1"})

    assert decider.decide(message("x", ts="1.2")).fired == ("r",)


def test_users_never_matches_without_author() -> None:
    webhook = event({"type": "message", "subtype": "bot_message", "bot_id": "B0HOOK1", "text": "x", "channel": "C0TEST1", "ts": "1.1"})
    checked = rule("r", REACT, users="U0TEST1", bots=True)

    assert reason_for(checked, webhook) == "users: the event has no author"


def test_thread_scopes() -> None:
    rules = [rule("top", REACT, thread="top"), rule("reply", REACT, thread="reply"), rule("any", REACT)]
    top = message("x", ts="1.1")
    parent = message("x", ts="1.2", thread_ts="1.2")
    reply = message("x", ts="1.3", thread_ts="1.2")
    broadcast = message("x", ts="1.4", thread_ts="1.2", subtype="thread_broadcast")

    assert fired(rules, top, parent, reply, broadcast) == [
        ("top", "any"),
        ("top", "any"),
        ("reply", "any"),
        ("reply", "any"),
    ]


def test_mention_modes() -> None:
    rules = [
        rule("anywhere", REACT, mention="anywhere"),
        rule("start", REACT, mention="start"),
        rule("never", REACT, mention="never"),
    ]
    events = [
        message("<@U0SELF> hi", ts="1.1"),
        message("hi <@U0SELF>", ts="1.2"),
        message("hi", ts="1.3"),
        message("&lt;@U0SELF&gt; hi", ts="1.4"),
        message("<@U0TEST2> hi", ts="1.5"),
    ]

    assert fired(rules, *events) == [("anywhere", "start"), ("anywhere",), ("never",), ("never",), ("never",)]


@pytest.mark.parametrize("text", ["<@U0SELF> status", "<@U0SELF|autobot> status", "<@U0SELF>: status", "<@U0SELF>,status", " <@U0SELF>  :  status"])
def test_mention_start_matches_the_rest(text: str) -> None:
    assert fired([rule("status", REACT, mention="start", equals="status")], message(text)) == [("status",)]


def test_mention_start_with_raw_text() -> None:
    checked = rule("r", REACT, mention="start", raw_text=True, equals="a &amp; b")

    assert fired([checked], message("<@U0SELF|autobot>: a &amp; b")) == [("r",)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello bot", ("words", "regex-i", "exact")),
        ("HELLO", ("words", "regex-i")),
        ("hello", ("words", "regex", "regex-i")),
    ],
)
def test_case_folding(text: str, expected: tuple[str, ...]) -> None:
    rules = [
        rule("words", REACT, words="hello"),
        rule("regex", REACT, regex="hello"),
        rule("regex-i", REACT, regex="(?i)hello"),
        rule("exact", REACT, contains="Hello", case_sensitive=True),
    ]

    assert fired(rules, message(text)) == [expected]


def test_casefold_turns_sharp_s_into_ss() -> None:
    rules = [rule("words", REACT, words="straße"), rule("equals", REACT, equals="STRASSE"), rule("regex", REACT, regex="(?i)straße")]

    assert fired(rules, message("STRASSE", ts="1.1"), message("STRAẞE", ts="1.2")) == [("words", "equals"), ("words", "equals", "regex")]


@pytest.mark.parametrize(
    ("text", "word", "found"),
    [
        ("hello, world", "hello", True),
        ("say hello", "hello", True),
        ("helloworld", "hello", False),
        ("hello_there", "hello", False),
        ("hello2", "hello", False),
        ("привет мир", "привет", True),
        ("приветмир", "привет", False),
        ("日本語", "日本", False),
        ("cafe\u0301", "cafe", False),
        ("(hello)", "hello", True),
        ("no hello here hello", "hello", True),
        ("", "hello", False),
    ],
)
def test_contains_word(text: str, word: str, found: bool) -> None:
    assert contains_word(text, word) is found


def test_words_use_unicode_boundaries() -> None:
    rules = [rule("r", REACT, words=["ПРИВЕТ"])]

    assert fired(rules, message("Привет, мир", ts="1.1"), message("приветствую", ts="1.2")) == [("r",), ()]


def test_raw_text_sees_slack_text() -> None:
    rules = [rule("decoded", REACT, contains="&amp;"), rule("raw", REACT, contains="&amp;", raw_text=True)]

    assert fired(rules, message("a &amp; b")) == [("raw",)]


def test_empty_text_matches_dot_star_only() -> None:
    rules = [rule("plus", REACT, regex=".+"), rule("star", REACT, regex=".*")]

    assert fired(rules, message(None)) == [("star",)]


def test_has_files() -> None:
    rules = [rule("with", REACT, has_files=True), rule("without", REACT, has_files=False)]
    events = [
        message("", ts="1.1", files=[{"id": "F1"}]),
        message("", ts="1.2", files=[]),
        message("", ts="1.3", file={"id": "F3"}),
    ]

    assert fired(rules, *events) == [("with",), ("without",), ("with",)]


def test_regex_patterns_are_tried_in_order() -> None:
    checked = rule("r", action("reply", "{match}"), regex=["nope", "b+", "a"])
    decision = engine(checked).decide(message("abba"))

    assert decision.actions[0].text == "bb"
