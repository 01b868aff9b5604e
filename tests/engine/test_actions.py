"""Planned actions: targets, templates, skips, dry runs and the engine's switches."""

from __future__ import annotations

import random

import pytest

from responder.decisions import PlannedAction
from responder.engine import Engine
from responder.rules.model import Rule
from responder.slack.events import Event
from responder.slack.identity import OFFLINE_IDENTITY
from tests.engine.helpers import action, engine, event, message, rule, ruleset

REACTION = {
    "type": "reaction_added",
    "user": "U0TEST2",
    "reaction": "ticket",
    "item": {"type": "message", "channel": "C0TEST2", "ts": "1700000000.000100"},
    "event_ts": "1700000000.000900",
}


def only_action(checked_rule: Rule, item: Event) -> PlannedAction:
    decision = engine(checked_rule).decide(item)
    assert len(decision.actions) == 1, decision
    return decision.actions[0]


def only_skip(checked_rule: Rule, item: Event) -> str:
    decision = engine(checked_rule).decide(item)
    assert decision.fired == (checked_rule.name,)
    assert len(decision.skipped) == 1, decision
    return decision.skipped[0].reason


def test_reply_threads_top_level_message() -> None:
    planned = only_action(rule("r", action("reply", "hi")), message("x", ts="1.1"))

    assert planned.method == "chat.postMessage"
    assert planned.channel == "C0TEST1"
    assert planned.thread_ts == "1.1"
    assert planned.text == "hi"
    assert planned.broadcast is False
    assert planned.event_ts == "1.1"


def test_reply_to_a_thread_parent_uses_its_ts() -> None:
    planned = only_action(rule("r", action("reply", "hi", in_thread=False)), message("x", ts="1.1", thread_ts="1.1"))

    assert planned.thread_ts is None


def test_broadcast_needs_a_thread() -> None:
    planned = only_action(rule("r", action("reply", "hi", in_thread=False, broadcast=True)), message("x", ts="1.1"))

    assert planned.thread_ts is None
    assert planned.broadcast is False


def test_reaction_event_targets_the_reacted_message() -> None:
    rules = [
        rule("reply", action("reply", "Thanks {user}"), event="reaction_added", users="U0TEST2"),
        rule("react", action("react", ":eyes:"), event="reaction_added"),
    ]
    decision = engine(*rules).decide(event(REACTION))
    reply, react = decision.actions

    assert decision.fired == ("reply", "react")
    assert (reply.channel, reply.thread_ts, reply.text) == ("C0TEST2", "1700000000.000100", "Thanks <@U0TEST2>")
    assert (react.method, react.channel, react.timestamp, react.reaction) == ("reactions.add", "C0TEST2", "1700000000.000100", "eyes")


def test_reaction_on_file_is_skipped() -> None:
    raw = {"type": "reaction_added", "user": "U0TEST2", "reaction": "eyes", "item": {"type": "file", "file": "F1"}, "event_ts": "1.9"}

    assert only_skip(rule("r", action("react", "eyes"), event="reaction_added"), event(raw)) == "the event has no channel to react in"


def test_own_reaction_is_ignored() -> None:
    raw = dict(REACTION, user="U0SELF")

    assert engine(rule("r", action("react", "eyes"), event="reaction_added")).decide(event(raw)).ignored == "own message"


def test_message_without_ts_skips_thread_reply() -> None:
    item = event({"type": "message", "user": "U0TEST1", "text": "x", "channel": "C0TEST1"})

    assert only_skip(rule("r", action("reply", "hi")), item) == "the event has no message ts to reply to"
    assert only_skip(rule("r", action("react", "eyes")), item) == "the event has no message to react to"
    assert only_action(rule("r", action("reply", "hi", in_thread=False)), item).thread_ts is None


def test_message_without_channel_is_skipped() -> None:
    item = event({"type": "message", "user": "U0TEST1", "text": "x", "ts": "1.1"})

    assert only_skip(rule("r", action("reply", "hi")), item) == "the event has no channel to reply in"


def test_post_resolves_channel_names() -> None:
    rules = ruleset(rule("p", action("post", "seen {channel}", channel="#ops")), rule("q", action("post", "x", channel="#nowhere")))
    decider = Engine(rules, OFFLINE_IDENTITY, channel_ids={"#ops": "C0OPS"})
    decision = decider.decide(message("x"))

    assert decision.actions[0].channel == "C0OPS"
    assert decision.actions[0].thread_ts is None
    assert decision.actions[0].text == "seen <#C0TEST1>"
    assert decision.skipped[0].reason == "channel name #nowhere not resolved"


def test_dm_and_ephemeral_targets() -> None:
    rules = [
        rule("dm", action("dm", "psst"), action("dm", "to alice", to="@alice")),
        rule("eph", action("ephemeral", "only you")),
    ]
    decider = Engine(ruleset(*rules), OFFLINE_IDENTITY, user_ids={"@alice": "U0ALICE"})
    dm_author, dm_alice, ephemeral = decider.decide(message("x", ts="1.2", thread_ts="1.0")).actions

    assert (dm_author.method, dm_author.channel, dm_author.user) == ("chat.postMessage", "U0TEST1", "U0TEST1")
    assert (dm_alice.channel, dm_alice.user) == ("U0ALICE", "U0ALICE")
    assert (ephemeral.method, ephemeral.channel, ephemeral.user, ephemeral.thread_ts) == ("chat.postEphemeral", "C0TEST1", "U0TEST1", "1.0")


def test_text_list_uses_engine_rng() -> None:
    checked = rule("r", action("reply", "a", "b", "c"))
    texts = set()
    for seed in range(30):
        decider = Engine(ruleset(checked), OFFLINE_IDENTITY, rng=random.Random(seed))
        texts.add(decider.decide(message("x")).actions[0].text)

    first = Engine(ruleset(checked), OFFLINE_IDENTITY, rng=random.Random(3)).decide(message("x")).actions[0].text
    again = Engine(ruleset(checked), OFFLINE_IDENTITY, rng=random.Random(3)).decide(message("x")).actions[0].text
    assert texts == {"a", "b", "c"}
    assert first == again


@pytest.mark.parametrize(
    ("template", "text", "expected"),
    [
        ("{text}", "a <https://x.invalid|link> &amp; <@U0TEST2>", "a link &amp; &lt;@U0TEST2&gt;"),
        ("{user} {user.id} {channel} {channel.id}", "x", "<@U0TEST1> U0TEST1 <#C0TEST1> C0TEST1"),
        ("{ts}", "x", "1.1"),
        ("{event.client_msg_id}", "x", "abc&lt;def&gt;"),
        ("{event.blocks}", "x", '[{"type":"rich_text"}]'),
        ("{event.hidden}", "x", "false"),
        ("{event.count}", "x", "3"),
    ],
)
def test_template_fields(template: str, text: str, expected: str) -> None:
    item = message(text, ts="1.1", client_msg_id="abc<def>", blocks=[{"type": "rich_text"}], hidden=False, count=3)

    assert only_action(rule("r", action("reply", template)), item).text == expected


def test_regex_captures_are_escaped() -> None:
    checked = rule("r", action("reply", "{match}|{1}|{ticket}"), regex=r"ticket (?P<ticket>\S+)")

    assert only_action(checked, message("ticket <!here>")).text == "ticket &lt;!here&gt;|&lt;!here&gt;|&lt;!here&gt;"


def test_text_is_whole_with_mention_start() -> None:
    checked = rule("r", action("reply", "{text}"), mention="start", equals="hi")

    assert only_action(checked, message("<@U0SELF|autobot> hi")).text == "&lt;@U0SELF&gt; hi"


@pytest.mark.parametrize(
    ("template", "field"),
    [
        ("{thread_ts}", "thread_ts"),
        ("{event.nope}", "event.nope"),
        ("{event.user.id}", "event.user.id"),
        ("{user.name}", "user.name"),
        ("{channel.name}", "channel.name"),
        ("{2}", "2"),
    ],
)
def test_missing_field_skips_the_action(template: str, field: str) -> None:
    checked = rule("r", action("reply", template), action("react", "eyes"), regex="(x)(y)?")
    decision = engine(checked).decide(message("x"))

    assert decision.fired == ("r",)
    assert [skip.number for skip in decision.skipped] == [1]
    assert decision.skipped[0].reason.startswith(f"missing field '{field}'")
    assert [planned.reaction for planned in decision.actions] == ["eyes"]


def test_names_come_from_the_directory_and_are_escaped() -> None:
    rules = ruleset(rule("r", action("reply", "{user.name} in {channel.name}")))
    decider = Engine(rules, OFFLINE_IDENTITY, channel_ids={"#test-one": "C0TEST1"}, user_ids={"@a<b>": "U0TEST1"})

    assert decider.decide(message("x")).actions[0].text == "a&lt;b&gt; in test-one"


def test_empty_text_is_skipped() -> None:
    assert only_skip(rule("r", action("reply", "{text}"), regex=".*"), message("")) == "the text is empty"


def test_dry_run_switches() -> None:
    rules = ruleset(rule("a", action("reply", "a")), rule("b", action("reply", "b"), rule_keys={"dry_run": True}))
    decider = Engine(rules, OFFLINE_IDENTITY)

    def dry_runs(ts: str) -> list[bool]:
        return [planned.dry_run for planned in decider.decide(message("x", ts=ts)).actions]

    assert dry_runs("1.1") == [False, True]
    decider.set_dry_run(None, True)
    assert dry_runs("1.2") == [True, True]
    decider.set_dry_run("a", False)
    assert dry_runs("1.3") == [False, True]
    decider.set_dry_run(None, False)
    assert dry_runs("1.4") == [False, False]
    decider.set_dry_run(None, None)
    assert dry_runs("1.5") == [False, True]
    decider.set_dry_run("b", False)
    decider.set_dry_run("b", None)
    assert dry_runs("1.6") == [False, True]


def test_settings_dry_run_applies_to_every_rule() -> None:
    decision = engine(rule("a", action("reply", "a")), dry_run=True).decide(message("x"))

    assert [planned.dry_run for planned in decision.actions] == [True]


def test_dry_runs_skip_reply_limit() -> None:
    checked = rule("a", action("reply", "a"))
    decider = engine(checked, reply_limit=(1, 60.0))
    decider.set_dry_run(None, True)
    for number in range(3):
        assert decider.decide(message("x", ts=f"1.{number}"), now=100.0 + number).actions[0].dry_run

    decider.set_dry_run(None, False)
    live = decider.decide(message("x", ts="2.0"), now=110.0)
    dropped = decider.decide(message("x", ts="2.1"), now=111.0)

    assert [planned.text for planned in live.actions] == ["a"]
    assert dropped.actions == ()
    assert dropped.skipped[0].reason == "reply_limit 1/60s reached in C0TEST1"


def test_reply_limit_counts_each_channel_alone() -> None:
    decider = engine(rule("a", action("reply", "a")), reply_limit=(1, 60.0))

    assert decider.decide(message("x", ts="1.1"), now=100.0).actions
    assert decider.decide(message("x", ts="1.2", channel="C0TEST2"), now=100.0).actions
    assert not decider.decide(message("x", ts="1.3"), now=100.0).actions


def test_reply_limit_leaves_reactions_alone() -> None:
    decider = engine(rule("a", action("reply", "a"), action("react", "eyes")), reply_limit=(1, 60.0))
    decider.decide(message("x", ts="1.1"), now=100.0)
    decision = decider.decide(message("x", ts="1.2"), now=101.0)

    assert decision.fired == ("a",)
    assert [planned.reaction for planned in decision.actions] == ["eyes"]
    assert [skip.number for skip in decision.skipped] == [1]


def test_set_enabled() -> None:
    decider = engine(rule("a", action("react", "eyes")))
    decider.set_enabled("a", False)
    off = decider.decide(message("x", ts="1.1"))
    decider.set_enabled("a", True)
    on = decider.decide(message("x", ts="1.2"))

    assert off.results[0].reason == "disabled"
    assert on.fired == ("a",)
    with pytest.raises(KeyError):
        decider.set_enabled("nope", False)


def test_disabled_in_the_file() -> None:
    decision = engine(rule("a", action("react", "eyes"), rule_keys={"enabled": False})).decide(message("x"))

    assert decision.results[0].reason == "disabled"


def test_replace_rules_keeps_guard_state_and_switches() -> None:
    decider = engine(rule("a", action("react", "eyes")), rule("b", action("react", "eyes")))
    decider.set_enabled("b", False)
    decider.decide(message("x", ts="1.1"))

    decider.replace_rules(ruleset(rule("a", action("reply", "new")), rule("b", action("react", "eyes"))))
    repeat = decider.decide(message("x", ts="1.1"))
    edit = decider.decide(
        event(
            {
                "type": "message",
                "subtype": "message_changed",
                "channel": "C0TEST1",
                "ts": "1.5",
                "message": {"type": "message", "user": "U0TEST1", "text": "y", "ts": "1.1"},
                "previous_message": {"type": "message", "user": "U0TEST1", "text": "x", "ts": "1.1"},
            }
        )
    )
    fresh = decider.decide(message("x", ts="1.2"))

    assert repeat.ignored == "duplicate of an event already handled"
    assert edit.ignored is not None
    assert fresh.fired == ("a",)
    assert fresh.results[1].reason == "disabled"


def test_event_types_without_rules_are_ignored() -> None:
    decider = engine(rule("a", action("react", "eyes")))

    assert decider.decide(event({"type": "user_typing", "channel": "C0TEST1", "user": "U0TEST1"})).ignored == "no rule listens to user_typing events"
    assert decider.decide(event({})).ignored == "no rule listens to events without a type"


def test_hidden_event_without_subtype_is_ignored() -> None:
    decider = engine(rule("a", action("react", "eyes"), subtypes=["", "message_changed"]))

    assert decider.decide(message("x", hidden=True)).ignored == "hidden event without a subtype"


def test_bot_messages_reach_only_rules_that_allow_bots() -> None:
    rules = [rule("people", action("react", "a")), rule("bots", action("react", "b"), bots=True)]
    decision = engine(*rules).decide(message("x", user=None, bot_id="B0OTHER1", subtype="bot_message"))

    assert decision.fired == ("bots",)
    assert decision.results[0].reason == "bot message"


def test_ignore_bots_off_lets_bot_messages_through() -> None:
    rules = [rule("all", action("react", "a")), rule("no-bots", action("react", "b"), bots=False)]
    decision = engine(*rules, ignore_bots=False).decide(message("x", user=None, bot_id="B0OTHER1", subtype="bot_message"))

    assert decision.fired == ("all",)
    assert decision.results[1].reason == "bot message"


def test_listed_subtypes_replace_the_default_set() -> None:
    rules = [rule("joins", action("react", "wave"), subtypes="channel_join"), rule("default", action("react", "x"))]
    join = message("<@U0TEST1> has joined the channel", ts="1.1", subtype="channel_join")
    plain = message("x", ts="1.2")

    decider = engine(*rules)
    join_decision = decider.decide(join)
    plain_decision = decider.decide(plain)

    assert join_decision.fired == ("joins",)
    assert join_decision.results[1].reason == "subtypes: channel_join not in the rule's set"
    assert plain_decision.fired == ("default",)
    assert plain_decision.results[0].reason == "subtypes: plain message not in the rule's set"
