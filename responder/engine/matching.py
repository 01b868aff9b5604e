"""A rule's conditions compiled into checks, cheapest first, each naming why it failed.

A check takes the :class:`EventContext` and returns None when its condition holds, or
the reason it does not, in the form ``"KEY: what failed"``. Only the conditions a rule
names become checks, and text values are case-folded once, here, not per event.

The tables of ``any`` and ``unless`` compile the same way. Their text conditions read
the text after the bot's mention when the rule (or a table around them) has
``mention = "start"``. Regex groups for templates come from the rule's own ``regex``,
else from the first ``any`` table that holds; an ``unless`` table never supplies them.
"""

from __future__ import annotations

from typing import Callable, Sequence
from zoneinfo import ZoneInfo

from responder.engine.context import Check, EventContext
from responder.engine.names import NameIndex
from responder.engine.shape_checks import (
    active_hours_check,
    channel_type_check,
    fields_check,
    shape_checks,
    subtype_check,
)
from responder.engine.text_checks import contains_word, is_word_char, text_checks
from responder.rules.model import Conditions

__all__ = ["Check", "compile_checks", "contains_word", "is_word_char"]


def compile_checks(
    conditions: Conditions,
    names: NameIndex,
    zone: ZoneInfo,
    *,
    nested: bool = False,
    after_mention: bool = False,
) -> tuple[Check, ...]:
    """Build the checks for ``conditions``, in the order they run.

    ``nested`` marks an ``any`` or ``unless`` table, where ``subtypes`` is a check of its
    own; at the top of a rule it decides which events the rule sees. ``after_mention``
    is true inside a rule with ``mention = "start"``.
    """
    after_mention = after_mention or conditions.mention == "start"
    checks: list[Check] = []
    checks.extend(_place_checks(conditions, names))
    checks.extend(_author_checks(conditions, names))
    if nested and conditions.subtypes is not None:
        checks.append(subtype_check(conditions.subtypes))
    checks.extend(shape_checks(conditions))
    if conditions.fields:
        checks.append(fields_check(conditions.fields))
    if conditions.active_hours:
        checks.append(active_hours_check(conditions.active_hours, zone))
    checks.extend(text_checks(conditions, after_mention))
    if conditions.any:
        branches = [
            compile_checks(branch, names, zone, nested=True, after_mention=after_mention)
            for branch in conditions.any
        ]
        checks.append(_any_check(branches, keeps_own_match=bool(conditions.regex)))
    if conditions.unless is not None:
        excluded = compile_checks(conditions.unless, names, zone, nested=True, after_mention=after_mention)
        checks.append(_unless_check(excluded, condition_keys(conditions.unless)))
    return tuple(checks)


def first_failure(checks: Sequence[Check], context: EventContext) -> str | None:
    """Run ``checks`` in order; return the first reason, or None when all of them hold."""
    for check in checks:
        reason = check(context)
        if reason is not None:
            return reason
    return None


def _any_check(branches: list[tuple[Check, ...]], keeps_own_match: bool) -> Check:
    def any_holds(context: EventContext) -> str | None:
        before = context.match
        reasons: list[str] = []
        for index, branch in enumerate(branches):
            reason = first_failure(branch, context)
            if reason is None:
                if keeps_own_match:
                    context.match = before
                return None
            context.match = before
            reasons.append(f"any[{index}].{reason}")
        return "any: no table holds (" + "; ".join(reasons) + ")"

    return any_holds


def _unless_check(excluded: tuple[Check, ...], keys: str) -> Check:
    def unless_holds(context: EventContext) -> str | None:
        before = context.match
        reason = first_failure(excluded, context)
        context.match = before
        if reason is None:
            return f"unless: the excluded conditions hold ({keys})"
        return None

    return unless_holds


def condition_keys(conditions: Conditions) -> str:
    """Name the conditions a nested table sets, for reasons."""
    defaults = Conditions()
    keys = [
        key
        for key in Conditions.__dataclass_fields__
        if key not in ("event", "case_sensitive", "raw_text") and getattr(conditions, key) != getattr(defaults, key)
    ]
    return ", ".join(keys)


def _place_checks(conditions: Conditions, names: NameIndex) -> list[Check]:
    checks: list[Check] = []

    if conditions.channels:
        listed, unresolved = resolve_references(conditions.channels, names.channel_id)
        note = unresolved_note("channel", unresolved)

        def in_channels(context: EventContext) -> str | None:
            channel = context.event.channel
            if channel is None:
                return "channels: the event has no channel" + note
            return None if channel in listed else f"channels: {channel} not listed{note}"

        checks.append(in_channels)

    if conditions.not_channels:
        excluded, _ = resolve_references(conditions.not_channels, names.channel_id)

        def not_in_channels(context: EventContext) -> str | None:
            channel = context.event.channel
            return f"not_channels: {channel} is excluded" if channel in excluded else None

        checks.append(not_in_channels)

    if conditions.channel_types:
        checks.append(channel_type_check(conditions.channel_types, names))

    return checks


def _author_checks(conditions: Conditions, names: NameIndex) -> list[Check]:
    checks: list[Check] = []

    if conditions.users:
        listed, unresolved = resolve_references(conditions.users, names.user_id)
        note = unresolved_note("user", unresolved)

        def by_users(context: EventContext) -> str | None:
            user = context.event.user
            if user is None:
                return "users: the event has no author"
            return None if user in listed else f"users: {user} not listed{note}"

        checks.append(by_users)

    if conditions.not_users:
        excluded, _ = resolve_references(conditions.not_users, names.user_id)

        def not_by_users(context: EventContext) -> str | None:
            user = context.event.user
            return f"not_users: {user} is excluded" if user in excluded else None

        checks.append(not_by_users)

    return checks


def resolve_references(
    references: tuple[str, ...], resolve: Callable[[str], str | None]
) -> tuple[frozenset[str], tuple[str, ...]]:
    """Split ids and names into the set of ids and the names that are not known."""
    ids: set[str] = set()
    unresolved: list[str] = []
    for reference in references:
        identifier = resolve(reference)
        if identifier is None:
            unresolved.append(reference)
        else:
            ids.add(identifier)
    return frozenset(ids), tuple(unresolved)



def unresolved_note(kind: str, unresolved: tuple[str, ...]) -> str:
    if not unresolved:
        return ""
    return f" ({kind} name {', '.join(unresolved)} not resolved)"

