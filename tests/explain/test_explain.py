"""``explain``: every condition of every rule for one event, with notes and planned actions."""

from __future__ import annotations

import json
import random
from textwrap import dedent
from typing import Any

from responder.engine import Engine
from responder.engine.engine import NOT_AN_EDIT, OWN_MESSAGE
from responder.explain import ConditionCheck, Explanation, RuleTrace, explain, format_explanation
from responder.rules.loader import load_rules_text
from responder.slack.identity import OFFLINE_IDENTITY
from responder.slack.normalise import normalise

START = 1700000000.0


def engine_for(rules: str, **options: Any) -> Engine:
    return Engine(load_rules_text(dedent(rules)), OFFLINE_IDENTITY, clock=lambda: START, rng=random.Random(3), **options)


def frame(line: str) -> Any:
    return normalise(json.loads(line), OFFLINE_IDENTITY)


def trace_of(explanation: Explanation, rule: str) -> RuleTrace:
    return next(trace for trace in explanation.rules if trace.rule == rule)


def checks_of(trace: RuleTrace) -> list[tuple[str, bool, str]]:
    return [(check.key, check.passed, check.tested) for check in trace.checks]


MENTION_RULES = """
[[rule]]
name = "help-direct"
mention = "start"
equals = "help"
stop = true
[[rule.action]]
reply = "Commands: status, help"

[[rule]]
name = "mentioned"
mention = "anywhere"
[[rule.action]]
react = "wave"
"""
DIRECT = '{"type":"message","user":"U0TEST1","text":"<@U0SELF> help","channel":"C0TEST1","ts":"1700000006.000800"}'
LATER = '{"type":"message","user":"U0TEST1","text":"hey <@U0SELF> help","channel":"C0TEST1","ts":"1700000006.000900"}'


def test_later_mention_fails_start() -> None:
    explanation = explain(engine_for(MENTION_RULES), frame(LATER))

    direct = trace_of(explanation, "help-direct")
    anywhere = trace_of(explanation, "mentioned")
    assert explanation.ignored is None
    assert direct.fired is False
    assert direct.note == ""
    assert checks_of(direct) == [
        ("mention", False, "hey <@U0SELF> help"),
        ("equals", False, "hey <@U0SELF> help"),
    ]
    assert anywhere.fired is True
    assert checks_of(anywhere) == [("mention", True, "hey <@U0SELF> help")]
    assert [(action.method, action.timestamp, action.reaction) for action in anywhere.actions] == [
        ("reactions.add", "1700000006.000900", "wave")
    ]


def test_stop_note_keeps_every_check() -> None:
    explanation = explain(engine_for(MENTION_RULES), frame(DIRECT))

    direct = trace_of(explanation, "help-direct")
    stopped = trace_of(explanation, "mentioned")
    assert direct.fired is True
    assert checks_of(direct) == [("mention", True, "<@U0SELF> help"), ("equals", True, "help")]
    assert [action.text for action in direct.actions] == ["Commands: status, help"]
    assert stopped.fired is False
    assert stopped.note == "stopped by rule help-direct"
    assert checks_of(stopped) == [("mention", True, "<@U0SELF> help")]


FILE_RULES = """
[[rule]]
name = "greet"
words = ["hello"]
[[rule.action]]
reply = "Hi {user}!"

[[rule]]
name = "got-file"
has_files = true
[[rule.action]]
react = "inbox_tray"
"""


def test_empty_file_share_fails_words() -> None:
    share = '{"type":"message","subtype":"file_share","user":"U0TEST1","text":"","channel":"C0TEST1","ts":"1700000003.000200","files":[{"id":"F0TEST2"}]}'

    explanation = explain(engine_for(FILE_RULES), frame(share))

    assert trace_of(explanation, "greet").checks == (ConditionCheck("words", False, "", "no listed word in the text"),)
    assert trace_of(explanation, "got-file").fired is True
    assert checks_of(trace_of(explanation, "got-file")) == [("has_files", True, "files")]


EDIT_RULES = """
[[rule]]
name = "ticket-edits"
subtypes = ["message_changed"]
regex = 'ticket (\\d+)'
[[rule.action]]
reply = "Ticket {1} is open (after edit)"
"""
FIRST_EDIT = '{"type":"message","subtype":"message_changed","hidden":true,"channel":"C0TEST1","ts":"1700000001.000300","message":{"type":"message","user":"U0TEST1","text":"ticket 1234 (typo fixed)","ts":"1700000001.000100"},"previous_message":{"type":"message","user":"U0TEST1","text":"ticket 1234","ts":"1700000001.000100"}}'
SECOND_EDIT = '{"type":"message","subtype":"message_changed","hidden":true,"channel":"C0TEST1","ts":"1700000001.000400","message":{"type":"message","user":"U0TEST1","text":"ticket 1235 (second fix)","ts":"1700000001.000100"},"previous_message":{"type":"message","user":"U0TEST1","text":"ticket 1234 (typo fixed)","ts":"1700000001.000100"}}'
PREVIEW = '{"type":"message","subtype":"message_changed","hidden":true,"channel":"C0TEST1","ts":"1700000001.000600","message":{"type":"message","user":"U0TEST1","text":"ticket 9","ts":"1700000001.000500","attachments":[{"title":"x"}]},"previous_message":{"type":"message","user":"U0TEST1","text":"ticket 9","ts":"1700000001.000500"}}'


def test_second_edit_is_already_answered() -> None:
    engine = engine_for(EDIT_RULES)
    engine.decide(frame(FIRST_EDIT))

    trace = explain(engine, frame(SECOND_EDIT)).rules[0]

    assert trace.fired is False
    assert trace.note == "already answered 1700000001.000100"
    assert trace.checks[-1] == ConditionCheck("regex", True, "ticket 1235 (second fix)", "matched 'ticket 1235'")


def test_subtype_and_preview_notes() -> None:
    engine = engine_for(EDIT_RULES + FILE_RULES)
    plain = '{"type":"message","user":"U0TEST1","text":"ticket 7","channel":"C0TEST1","ts":"1700000001.000700"}'

    preview = explain(engine, frame(PREVIEW))
    message = explain(engine, frame(plain))

    assert preview.ignored == NOT_AN_EDIT
    assert {trace.note for trace in preview.rules} == {NOT_AN_EDIT}
    assert trace_of(message, "ticket-edits").note == "subtypes: plain message not in the rule's set"
    assert ("subtypes", False, "plain message") in checks_of(trace_of(message, "ticket-edits"))


def test_hidden_edit_without_a_listing_rule() -> None:
    explanation = explain(engine_for(FILE_RULES), frame(FIRST_EDIT))

    assert explanation.ignored == "hidden message_changed event: no rule lists that subtype"
    assert all(trace.note == explanation.ignored for trace in explanation.rules)
    assert ("subtypes", False, "message_changed") in checks_of(explanation.rules[0])


def test_own_and_bot_messages_are_notes() -> None:
    engine = engine_for(FILE_RULES + '\n[[rule]]\nname = "bots-too"\nbots = true\nwords = "hello"\n[[rule.action]]\nreact = "robot_face"\n')
    own = '{"type":"message","user":"U0SELF","bot_id":"B0SELF","text":"hello","channel":"C0TEST1","ts":"1700000002.000100"}'
    bot = '{"type":"message","subtype":"bot_message","bot_id":"B0OTHER1","text":"hello","channel":"C0TEST1","ts":"1700000002.000200"}'

    own_explanation = explain(engine, frame(own))
    bot_explanation = explain(engine, frame(bot))

    assert own_explanation.ignored == OWN_MESSAGE
    assert [trace.note for trace in own_explanation.rules] == [OWN_MESSAGE] * 3
    assert not any(trace.fired for trace in own_explanation.rules)
    assert trace_of(bot_explanation, "greet").note == "bot message"
    assert ("bots", False, "bot message") in checks_of(trace_of(bot_explanation, "greet"))
    assert trace_of(bot_explanation, "bots-too").fired is True


def test_disabled_and_dry_run_notes() -> None:
    engine = engine_for(FILE_RULES.replace('name = "got-file"', 'name = "got-file"\ndry_run = true'))
    engine.set_enabled("greet", False)
    share = '{"type":"message","subtype":"file_share","user":"U0TEST1","text":"hello","channel":"C0TEST1","ts":"1700000003.000100","files":[{"id":"F1"}]}'

    explanation = explain(engine, frame(share))

    assert trace_of(explanation, "greet").note == "disabled"
    assert trace_of(explanation, "greet").fired is False
    assert trace_of(explanation, "got-file").note == "dry run"
    assert [action.dry_run for action in trace_of(explanation, "got-file").actions] == [True]


GUARDED = """
[settings]
reply_limit = "1/60s"

[[rule]]
name = "greet"
words = "hello"
cooldown = "10m"
once_per_thread = true
[[rule.action]]
reply = ["Hi {user}!", "Hello {user}!", "Hey {user}!"]
"""


def hello(number: int, thread_ts: str | None = None) -> Any:
    raw: dict[str, Any] = {"type": "message", "user": "U0TEST1", "text": "hello", "channel": "C0TEST1", "ts": f"17000000{10 + number}.000100"}
    if thread_ts:
        raw["thread_ts"] = thread_ts
    return normalise(raw, OFFLINE_IDENTITY)


def test_guard_checks_and_cooldown_note() -> None:
    engine = engine_for(GUARDED)
    engine.decide(hello(0))

    trace = explain(engine, hello(1, thread_ts="1700000010.000100")).rules[0]

    assert trace.fired is False
    assert trace.note == "once_per_thread: already fired in thread 1700000010.000100"
    assert trace.checks[1:] == (
        ConditionCheck("once_per_thread", False, "thread 1700000010.000100 in C0TEST1", "already fired in this thread"),
        ConditionCheck("cooldown", False, "in channel C0TEST1", "cooldown until 22:23:30"),
    )


def test_cooldown_note_names_the_scope() -> None:
    engine = engine_for(GUARDED)
    engine.decide(hello(0))

    assert explain(engine, hello(5)).rules[0].note == "cooldown until 22:23:30 (in channel C0TEST1)"


def test_explain_changes_no_state() -> None:
    engine = engine_for(GUARDED)
    fresh = engine_for(GUARDED)
    event = hello(0)

    explained = [explain(engine, event) for _ in range(3)]
    decided = engine.decide(event)
    expected = fresh.decide(hello(0))

    assert decided.fired == expected.fired == ("greet",)
    assert [action.text for action in decided.actions] == [action.text for action in expected.actions]
    assert [action.text for action in explained[0].rules[0].actions] == [action.text for action in decided.actions]
    assert all(item.rules == explained[0].rules for item in explained)


def test_decided_event_shows_as_duplicate() -> None:
    engine = engine_for(GUARDED)
    engine.decide(hello(0))

    explanation = explain(engine, hello(0))

    assert explanation.ignored == "duplicate of an event already handled"
    assert explanation.rules[0].fired is False


def test_explain_agrees_with_decide() -> None:
    rules = MENTION_RULES + FILE_RULES.replace('"greet"', '"greet2"').replace('"got-file"', '"got-file2"') + EDIT_RULES
    lines = [
        DIRECT,
        LATER,
        '{"type":"message","subtype":"file_share","user":"U0TEST1","text":"hello, log","channel":"C0TEST1","ts":"1700000003.000100","files":[{"id":"F1"}]}',
        FIRST_EDIT,
        SECOND_EDIT,
        PREVIEW,
        '{"type":"message","subtype":"thread_broadcast","user":"U0TEST1","text":"hello everyone","channel":"C0TEST1","ts":"1700000002.000200","thread_ts":"1700000002.000100"}',
        '{"type":"message","user":"U0SELF","bot_id":"B0SELF","text":"hello","channel":"C0TEST1","ts":"1700000002.000300"}',
        DIRECT,
    ]
    engine = engine_for(rules)

    for line in lines:
        event = frame(line)
        explanation = explain(engine, event)
        decision = engine.decide(event)

        assert explanation.ignored == decision.ignored
        if decision.ignored is None:
            assert [trace.fired for trace in explanation.rules] == [result.fired for result in decision.results]
            assert [trace.actions for trace in explanation.rules] == [result.actions for result in decision.results]


def test_tested_values_are_shortened() -> None:
    long_text = "hello " + "x" * 200
    raw = {"type": "message", "user": "U0TEST1", "text": long_text, "channel": "C0TEST1", "ts": "1700000003.000100"}

    check = explain(engine_for(FILE_RULES), normalise(raw, OFFLINE_IDENTITY)).rules[0].checks[0]

    assert len(check.tested) == 80
    assert check.tested.endswith("…")


def test_format_shows_checks_and_actions() -> None:
    text = format_explanation(explain(engine_for(MENTION_RULES), frame(DIRECT)))

    assert text == dedent("""\
        event: message in C0TEST1 by U0TEST1 ts 1700000006.000800
        text: "<@U0SELF> help"

        rule help-direct: fired
          ✓ mention: <@U0SELF> help (starts with the bot's mention)
          ✓ equals: help
          → chat.postMessage channel=C0TEST1 thread_ts=1700000006.000800 text="Commands: status, help"

        rule mentioned: not fired (stopped by rule help-direct)
          ✓ mention: <@U0SELF> help (starts with the bot's mention)
        """)


def test_format_shows_skips_and_ignores() -> None:
    engine = engine_for('[[rule]]\nname = "names"\nwords = "hello"\n[[rule.action]]\ndm = "Hi {user.name}"\n[[rule.action]]\nephemeral = "psst"\n')
    raw = {"type": "message", "user": "U0TEST1", "text": "hello", "channel": "C0TEST1", "ts": "1700000003.000100", "thread_ts": "1700000003.000050"}

    text = format_explanation(explain(engine, normalise(raw, OFFLINE_IDENTITY)))
    own = format_explanation(explain(engine, normalise({**raw, "user": "U0SELF"}, OFFLINE_IDENTITY)))

    assert "  → chat.postEphemeral channel=C0TEST1 user=U0TEST1 thread_ts=1700000003.000050 text=\"psst\"" in text
    assert "  skipped action 1: missing field 'user.name': the display name of U0TEST1 is not known" in text
    assert "ignored: own message" in own
    assert "rule names: not fired (own message)" in own
