"""The indexed engine decides rule sets as the reference evaluator does, rule by rule.

Each example draws a few rules (channels, subtypes, text conditions, ``any``, ``unless``,
``stop``, ``case_sensitive``, disabled rules) and a few events. Three engines decide
every event: one that returns results for its candidates only, one that returns a
result for every rule, and one whose index offers every rule, which is the linear
evaluation that the index replaced. The reference evaluator gives the expected fired
rules, and the actions are planned from its regex match.
"""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from responder.decisions import Decision, PlannedAction, SkippedAction
from responder.engine import Engine
from responder.engine.actions import Planning, plan_actions
from responder.engine.facts import delivery_ts, event_time
from responder.engine.fields import TemplateFields
from responder.engine.guards import ReplyLimiter
from responder.engine.names import NameIndex
from responder.engine.reference import evaluate_rule_reference
from responder.rules.model import Conditions, Rule, RuleSet, Settings
from responder.slack.events import Event
from responder.slack.identity import OFFLINE_IDENTITY
from responder.slack.normalise import normalise
from tests.engine.helpers import action
from tests.engine.test_reference_evaluator import PATTERNS, TEXTS, TIMES, WORDS, conditions, raw_events, some, text_tables

CHANNEL_IDS = {"#test-two": "C0TEST2"}
NOW = 1700000000.0

rule_flags = st.fixed_dictionaries(
    {"stop": st.booleans(), "enabled": st.sampled_from([True, True, True, False])},
)
channel_lists = some(["C0TEST1", "#test-two", "G0TEST1", "#unknown"], 2)


def with_place(table: Conditions, channels: tuple[str, ...], subtypes: tuple[str, ...] | None) -> Conditions:
    """Add a ``channels`` list and a ``subtypes`` list to a drawn table, when drawn."""
    return replace(table, channels=channels or table.channels, subtypes=subtypes if subtypes is not None else table.subtypes)


rule_conditions = st.builds(
    with_place,
    st.one_of(conditions(), text_tables(), text_tables()),
    st.one_of(st.just(()), channel_lists),
    st.sampled_from([None, None, ("",), ("", "thread_broadcast"), ("bot_message",)]),
)
rule_sets = st.lists(st.tuples(rule_conditions, rule_flags), min_size=1, max_size=6)

text_events = st.builds(
    lambda base, text: {**base, "text": text},
    raw_events,
    st.one_of(st.sampled_from(TEXTS), st.sampled_from(WORDS), st.lists(st.sampled_from(WORDS + TEXTS), max_size=3).map(" ".join)),
)


def build_rules(drawn: list[tuple[Conditions, dict[str, Any]]]) -> RuleSet:
    reply = action("reply", "{match}|{1}")
    rules = tuple(
        Rule(f"rule-{index}", index, index + 1, table, (reply,), stop=flags["stop"], enabled=flags["enabled"])
        for index, (table, flags) in enumerate(drawn)
    )
    return RuleSet("rules.toml", rules, Settings(timezone="Europe/Berlin"))


def new_engine(rules: RuleSet, every_rule: bool) -> Engine:
    return Engine(
        rules, OFFLINE_IDENTITY, channel_ids=CHANNEL_IDS, clock=lambda: NOW, rng=random.Random(7), every_rule=every_rule
    )


def linear_engine(rules: RuleSet) -> Engine:
    """An engine whose index offers every rule, so every rule runs its own checks."""
    engine = new_engine(rules, every_rule=True)
    everything = list(range(len(rules.rules)))
    engine._index.candidates = lambda context, sees: everything  # type: ignore[method-assign]
    return engine


def reference_fired(rules: RuleSet, event: Event) -> list[tuple[str, tuple[PlannedAction, ...], tuple[SkippedAction, ...]]]:
    """Return the rules that fire by the reference evaluator, in order, with their planned actions."""
    if event.is_self or event.text_unchanged:
        return []
    names = NameIndex(CHANNEL_IDS)
    at = event_time(event, NOW)
    planning = Planning(event, delivery_ts(event), names, random.Random(7), NOW, ReplyLimiter(), rules.settings.reply_limit)
    fired = []
    for rule in rules.rules:
        if not rule.enabled:
            continue
        result = evaluate_rule_reference(rule, event, identity=OFFLINE_IDENTITY, names=names, settings=rules.settings, at=at)
        if not result.matched:
            continue
        actions, skipped = plan_actions(rule, planning, TemplateFields(event, result.match, names), False)
        fired.append((rule.name, actions, skipped))
        if rule.stop:
            break
    return fired


def results_by_rule(decision: Decision) -> dict[str, Any]:
    return {result.rule: result for result in decision.results}


@settings(max_examples=300, deadline=None)
@given(rule_sets, st.lists(text_events, min_size=1, max_size=3))
@example(
    [(Conditions(words=("hello",), channels=("#test-two",)), {"stop": False, "enabled": True})],
    [{"type": "message", "channel": "C0TEST2", "ts": TIMES[0], "text": "hello world"}],
)
@example(
    [
        (Conditions(regex=(PATTERNS[0],)), {"stop": True, "enabled": True}),
        (Conditions(contains=("o w",)), {"stop": False, "enabled": True}),
    ],
    [{"type": "message", "channel": "C0TEST1", "ts": TIMES[0], "text": "Hello world"}],
)
@example(
    [(Conditions(any=(Conditions(words=("page",)),), unless=Conditions(contains=("?",))), {"stop": False, "enabled": True})],
    [{"type": "message", "channel": "C0TEST1", "ts": TIMES[0], "text": "<@U0SELF>: page"}],
)
@example(
    [
        (Conditions(contains=("HELLO",)), {"stop": False, "enabled": True}),
        (Conditions(words=("straße",), case_sensitive=True), {"stop": False, "enabled": True}),
        (Conditions(words=("straße",)), {"stop": False, "enabled": True}),
    ],
    [{"type": "message", "channel": "C0TEST1", "ts": TIMES[0], "text": "hello STRASSE"}],
)
@example(
    [(Conditions(mention="start", equals=("help",), raw_text=True), {"stop": False, "enabled": True})],
    [{"type": "message", "channel": "C0TEST1", "ts": TIMES[0], "text": "<@U0SELF|autobot>: HELP"}],
)
def test_indexed_engine_decides_as_the_reference(drawn: list[tuple[Conditions, dict[str, Any]]], raws: list[dict[str, Any]]) -> None:
    rules = build_rules(drawn)

    # Fresh engines for each event, because the reference keeps no guards between events.
    for raw in raws:
        event = normalise(raw, OFFLINE_IDENTITY)
        sparse = new_engine(rules, every_rule=False).decide(event)
        full = new_engine(rules, every_rule=True).decide(event)
        expected_full = linear_engine(rules).decide(event)
        expected = reference_fired(rules, event)

        assert sparse.ignored == full.ignored == expected_full.ignored
        assert full.results == expected_full.results
        assert sparse.fired == full.fired
        assert list(sparse.fired) == [name for name, _, _ in expected]
        assert sparse.actions == full.actions
        assert list(sparse.actions) == [planned for _, actions, _ in expected for planned in actions]
        assert list(sparse.skipped) == [skip for _, _, skips in expected for skip in skips]

        full_results = results_by_rule(full)
        assert all(full_results[result.rule] == result for result in sparse.results)
        assert [result.rule for result in sparse.results] == [
            result.rule for result in full.results if result.rule in results_by_rule(sparse)
        ]
