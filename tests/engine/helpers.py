"""Builders for engine tests: rules without a rules file, and events from raw payloads."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import re2  # type: ignore[import-untyped]

from responder.engine import Engine
from responder.rules.model import ActionSpec, Conditions, RateLimit, Rule, RuleSet, Settings
from responder.rules.templates import parse_template
from responder.slack.events import Event
from responder.slack.identity import OFFLINE_IDENTITY
from responder.slack.normalise import normalise

CHANNEL = "C0TEST1"
USER = "U0TEST1"
FIRST_TS = "1700000000.000100"

LIST_CONDITIONS = ("channels", "not_channels", "users", "not_users", "equals", "starts_with", "contains", "words", "subtypes")


def action(verb: str, *texts: str, **modifiers: Any) -> ActionSpec:
    """One action; ``texts`` are templates (emoji names for ``react``)."""
    templates = tuple(parse_template(text) for text in texts)
    return ActionSpec(verb, templates, 1, **modifiers)  # type: ignore[arg-type]


def rule(name: str, *actions: ActionSpec, rule_keys: dict[str, Any] | None = None, **conditions: Any) -> Rule:
    """A rule with ``conditions`` (``regex`` given as pattern strings) and ``actions``.

    ``rule_keys`` sets the rule's own keys (``enabled``, ``stop``, ``dry_run``).
    """
    if "regex" in conditions:
        patterns = conditions["regex"]
        patterns = (patterns,) if isinstance(patterns, str) else patterns
        conditions["regex"] = tuple(re2.compile(pattern) for pattern in patterns)
    for key in LIST_CONDITIONS:
        if isinstance(conditions.get(key), str):
            conditions[key] = (conditions[key],)
        elif isinstance(conditions.get(key), list):
            conditions[key] = tuple(conditions[key])

    numbered = tuple(replace(spec, number=number) for number, spec in enumerate(actions, start=1))
    return Rule(name, 0, 1, Conditions(**conditions), numbered, **(rule_keys or {}))


def ruleset(*rules: Rule, **settings: Any) -> RuleSet:
    """A rule set of ``rules`` in order; ``reply_limit`` may be given as ``(count, seconds)``."""
    if isinstance(settings.get("reply_limit"), tuple):
        settings["reply_limit"] = RateLimit(*settings["reply_limit"])
    indexed = tuple(replace(item, index=index) for index, item in enumerate(rules))
    return RuleSet("rules.toml", indexed, Settings(**settings))


def engine(*rules: Rule, **settings: Any) -> Engine:
    """An engine with the offline identity and a seeded random generator."""
    return Engine(ruleset(*rules, **settings), OFFLINE_IDENTITY, clock=lambda: 1700000000.0, rng=random.Random(7))


def event(raw: dict[str, Any]) -> Event:
    """Normalise ``raw`` for the offline identity."""
    return normalise(raw, OFFLINE_IDENTITY)


def message(text: str | None = None, ts: str = FIRST_TS, **fields: Any) -> Event:
    """A plain message from ``U0TEST1`` in ``C0TEST1`` unless ``fields`` override them."""
    raw: dict[str, Any] = {"type": "message", "user": USER, "channel": CHANNEL, "ts": ts}
    if text is not None:
        raw["text"] = text
    raw.update(fields)
    return event({key: value for key, value in raw.items() if value is not None})
