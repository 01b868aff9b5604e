"""Warnings about rules that load but probably never fire.

Two cases are found: a rule behind an earlier ``stop`` rule that fires on every event it
matches, and a ``mention`` rule that only listens in direct messages.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Sequence

from responder.rules.model import Conditions, Rule

# Keys that decide which events a rule sees; the earlier rule must see exactly the same.
_AUDIENCE_KEYS = ("event", "subtypes", "bots")
_TEXT_KEYS = ("equals", "starts_with", "contains", "words", "regex", "any", "unless")
# Keys that change how text conditions read the text, so they must match when any is set.
_TEXT_MODIFIERS = ("case_sensitive", "raw_text", "mention")
_DEFAULTS = Conditions()


def shadowing_rule(rule: Rule, earlier: Sequence[Rule]) -> Rule | None:
    """Return the first earlier rule that always fires with ``stop`` where ``rule`` matches.

    The test is conservative: each condition of the earlier rule must be absent or equal
    to the later rule's, so its conditions are a subset of the later rule's.
    """
    for candidate in earlier:
        if _always_fires_first(candidate, rule):
            return candidate
    return None


def shadow_message(earlier: Rule) -> str:
    return (
        f'never fires: the earlier rule "{earlier.name}" (line {earlier.line}) has stop = true '
        "and fires on every event this rule matches; "
        f'move this rule above it, or narrow the conditions of "{earlier.name}"'
    )


def listens_only_in_direct_messages(conditions: Conditions) -> bool:
    """Tell whether a rule sees direct messages only: ``channel_types = ["im"]`` or ``D…`` ids."""
    if conditions.channel_types and set(conditions.channel_types) == {"im"}:
        return True
    return bool(conditions.channels) and all(
        channel.startswith("D") for channel in conditions.channels
    )


DM_MENTION_MESSAGE = (
    "the rule listens only in direct messages, where people rarely mention the bot, "
    "so it probably never fires; remove mention to answer every direct message"
)


def _always_fires_first(earlier: Rule, later: Rule) -> bool:
    if not earlier.stop or not earlier.enabled:
        return False
    if earlier.cooldown is not None or earlier.once_per_thread:
        return False

    first, second = earlier.conditions, later.conditions
    # A rule that sees edits answers each message once, so a later edit reaches later rules.
    if first.subtypes is not None and "message_changed" in first.subtypes:
        return False
    if any(_normal(getattr(first, key)) != _normal(getattr(second, key)) for key in _AUDIENCE_KEYS):
        return False

    reads_text = any(getattr(first, key) != getattr(_DEFAULTS, key) for key in _TEXT_KEYS)
    for field in dataclasses.fields(Conditions):
        key = field.name
        if key in _AUDIENCE_KEYS:
            continue
        mine = _normal(getattr(first, key))
        if key in _TEXT_MODIFIERS and reads_text:
            if mine != _normal(getattr(second, key)):
                return False
        elif mine != _normal(getattr(_DEFAULTS, key)) and mine != _normal(getattr(second, key)):
            return False
    return True


def _normal(value: Any) -> Any:
    """Return a comparable form: compiled patterns become their source, tables their items."""
    if isinstance(value, Conditions):
        return tuple((field.name, _normal(getattr(value, field.name))) for field in dataclasses.fields(value))
    if isinstance(value, tuple):
        return tuple(_normal(item) for item in value)
    pattern = getattr(value, "pattern", None)
    if isinstance(pattern, str):
        return ("pattern", pattern)
    return value
