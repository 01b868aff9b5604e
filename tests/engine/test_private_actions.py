"""``dm`` and ``ephemeral`` actions, and ``{user.name}``/``{channel.name}`` from the directory."""

from __future__ import annotations

import random
from textwrap import dedent
from typing import Any

from responder.engine import Engine
from responder.rules.loader import load_rules_text
from responder.slack.identity import OFFLINE_IDENTITY
from tests.engine.helpers import event, message
from tests.engine.replay import START


def engine_for(rules: str, **directory: Any) -> Engine:
    return Engine(load_rules_text(dedent(rules)), OFFLINE_IDENTITY, clock=lambda: START, rng=random.Random(0), **directory)


DM_RULES = """
[[rule]]
name = "notify"
words = "urgent"
[[rule.action]]
dm = "Thanks, {user}, I am on it."
[[rule.action]]
dm = "{user} needs help in {channel}: {text}"
to = "@dana"
[[rule.action]]
dm = "copy"
to = "U0TEST2"
"""


def test_dm_targets_author_or_named_user() -> None:
    engine = engine_for(DM_RULES, user_ids={"@dana": "U0DANA"})

    actions = engine.decide(message("urgent &lt;b&gt; &amp; more")).actions

    assert [(action.method, action.channel, action.thread_ts) for action in actions] == [
        ("chat.postMessage", "U0TEST1", None),
        ("chat.postMessage", "U0DANA", None),
        ("chat.postMessage", "U0TEST2", None),
    ]
    assert actions[0].text == "Thanks, <@U0TEST1>, I am on it."
    assert actions[1].text == "<@U0TEST1> needs help in <#C0TEST1>: urgent &lt;b&gt; &amp; more"
    assert [action.verb for action in actions] == ["dm", "dm", "dm"]


def test_dm_to_an_unknown_name_is_skipped() -> None:
    decision = engine_for(DM_RULES).decide(message("urgent"))

    assert decision.fired == ("notify",)
    assert [(skip.number, skip.reason) for skip in decision.skipped] == [(2, "user name @dana not resolved")]
    assert len(decision.actions) == 2


def test_dm_without_an_author_is_skipped() -> None:
    rules = DM_RULES.replace('words = "urgent"', 'words = "urgent"\nbots = true')
    webhook = event({"type": "message", "subtype": "bot_message", "bot_id": "B0HOOK1", "text": "urgent", "channel": "C0TEST1", "ts": "1.1"})

    decision = engine_for(rules, user_ids={"@dana": "U0DANA"}).decide(webhook)

    assert [(skip.number, skip.reason) for skip in decision.skipped] == [
        (1, "the event has no author to message"),
        (2, "missing field 'user'"),
    ]
    assert [action.channel for action in decision.actions] == ["U0TEST2"]


EPHEMERAL_RULES = """
[[rule]]
name = "hint"
words = "password"
[[rule.action]]
ephemeral = "Only you see this, {user}: reset it at https://id.example.invalid"
"""


def test_ephemeral_goes_to_author() -> None:
    action = engine_for(EPHEMERAL_RULES).decide(message("I forgot my password")).actions[0]

    assert action.method == "chat.postEphemeral"
    assert action.channel == "C0TEST1"
    assert action.user == "U0TEST1"
    assert action.thread_ts is None
    assert action.text == "Only you see this, <@U0TEST1>: reset it at https://id.example.invalid"


def test_ephemeral_stays_in_thread() -> None:
    action = engine_for(EPHEMERAL_RULES).decide(message("password?", ts="1.2", thread_ts="1.1")).actions[0]

    assert action.thread_ts == "1.1"


def test_ephemeral_on_thread_broadcast() -> None:
    broadcast = event({"type": "message", "subtype": "thread_broadcast", "user": "U0TEST1", "text": "password", "channel": "C0TEST1", "ts": "1.2", "thread_ts": "1.1"})

    action = engine_for(EPHEMERAL_RULES).decide(broadcast).actions[0]

    assert action.thread_ts == "1.1"


def test_ephemeral_counts_for_reply_limit() -> None:
    engine = engine_for('[settings]\nreply_limit = "1/60s"\n' + EPHEMERAL_RULES)

    first = engine.decide(message("password", ts="1.1"), now=START)
    second = engine.decide(message("password", ts="1.2"), now=START + 1)

    assert len(first.actions) == 1
    assert second.skipped[0].reason == "reply_limit 1/60s reached in C0TEST1"


NAME_RULES = """
[[rule]]
name = "names"
words = "hello"
[[rule.action]]
reply = "Hi {user.name} in #{channel.name}"
"""


def test_names_come_from_the_directory() -> None:
    engine = engine_for(NAME_RULES, user_names={"U0TEST1": "Tess <Tester>"}, channel_names={"C0TEST1": "test-one"})

    action = engine.decide(message("hello")).actions[0]

    assert action.text == "Hi Tess &lt;Tester&gt; in #test-one"


def test_names_fall_back_to_id_maps() -> None:
    engine = engine_for(NAME_RULES, user_ids={"@tester1": "U0TEST1"}, channel_ids={"#test-one": "C0TEST1"})

    assert engine.decide(message("hello")).actions[0].text == "Hi tester1 in #test-one"


def test_unknown_user_name_skips_action() -> None:
    engine = engine_for(NAME_RULES, channel_names={"C0TEST1": "test-one"})

    decision = engine.decide(message("hello"))

    assert decision.fired == ("names",)
    assert decision.actions == ()
    assert [skip.reason for skip in decision.skipped] == [
        "missing field 'user.name': the display name of U0TEST1 is not known"
    ]


def test_unknown_channel_name_names_the_field() -> None:
    engine = engine_for(NAME_RULES, user_names={"U0TEST1": "Tess"})

    assert engine.decide(message("hello")).skipped[0].reason == (
        "missing field 'channel.name': the name of C0TEST1 is not known"
    )


def test_set_directory_replaces_the_names() -> None:
    engine = engine_for(NAME_RULES, user_names={"U0TEST1": "Tess"}, channel_names={"C0TEST1": "test-one"})

    engine.set_directory({}, {}, user_names={"U0TEST1": "Tessa"}, channel_names={"C0TEST1": "renamed"})

    assert engine.decide(message("hello")).actions[0].text == "Hi Tessa in #renamed"
