"""Planning of a fired rule's actions: Web API calls, or skips with their reasons."""

from __future__ import annotations

import random
from typing import NamedTuple

from responder.decisions import PlannedAction, SkippedAction
from responder.engine.fields import TemplateFields
from responder.engine.guards import ReplyLimiter
from responder.engine.names import NameIndex
from responder.engine.targets import Target, find_target
from responder.rules.model import ActionSpec, RateLimit, Rule
from responder.rules.templates import MissingField, render
from responder.slack.events import Event


class ActionSkipped(Exception):
    """An action that cannot be built for this event, with the reason in ``reason``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Planning(NamedTuple):
    """Everything that planning the actions for one event needs, shared by its rules."""

    event: Event
    event_ts: str | None
    names: NameIndex
    rng: random.Random
    now: float
    limiter: ReplyLimiter
    reply_limit: RateLimit


def plan_actions(
    rule: Rule, planning: Planning, fields: TemplateFields, dry_run: bool
) -> tuple[tuple[PlannedAction, ...], tuple[SkippedAction, ...]]:
    """Plan every action of ``rule``. A skipped action does not stop the others."""
    planned: list[PlannedAction] = []
    skipped: list[SkippedAction] = []

    for spec in rule.actions:
        outcome = plan_action(rule, spec, planning, fields, dry_run)
        if isinstance(outcome, SkippedAction):
            skipped.append(outcome)
        else:
            planned.append(outcome)

    return tuple(planned), tuple(skipped)


def plan_action(
    rule: Rule, spec: ActionSpec, planning: Planning, fields: TemplateFields, dry_run: bool
) -> PlannedAction | SkippedAction:
    """Plan one action, or skip it for a missing target, field or text, or the reply limit."""
    target = find_target(spec, planning.event, planning.names)
    if isinstance(target, str):
        return SkippedAction(rule.name, spec.number, target)

    try:
        content = _content(spec, target, planning, fields)
    except ActionSkipped as skip:
        return SkippedAction(rule.name, spec.number, skip.reason)

    is_reaction = target.method == "reactions.add"
    if not is_reaction and not dry_run:
        dropped = _over_reply_limit(target.channel, planning)
        if dropped is not None:
            return SkippedAction(rule.name, spec.number, dropped)

    return PlannedAction(
        rule=rule.name,
        number=spec.number,
        verb=spec.verb,
        method=target.method,
        channel=target.channel,
        event_ts=planning.event_ts,
        thread_ts=target.thread_ts,
        text=None if is_reaction else content,
        reaction=content if is_reaction else None,
        timestamp=target.timestamp,
        broadcast=target.broadcast,
        user=target.user,
        dry_run=dry_run,
    )


def _content(spec: ActionSpec, target: Target, planning: Planning, fields: TemplateFields) -> str:
    """Render the action's text, one picked at random from a list, or raise ActionSkipped."""
    if not spec.texts:
        raise ActionSkipped(f"the {spec.verb} action has no text")

    template = spec.texts[0] if len(spec.texts) == 1 else planning.rng.choice(spec.texts)
    try:
        content = render(template, fields.lookup)
    except MissingField as missing:
        raise ActionSkipped(fields.missing_reason(missing.name)) from None

    if target.method == "reactions.add":
        content = content.strip().strip(":")
        if not content:
            raise ActionSkipped("the reaction name is empty")
    elif not content.strip():
        raise ActionSkipped("the text is empty")
    return content


def _over_reply_limit(channel: str, planning: Planning) -> str | None:
    """Count one post in ``channel``, or return why the reply limit drops it.

    A dropped post becomes a skipped action, so the rule still counts as fired and its
    other actions (reactions, posts elsewhere) still go out.
    """
    limit = planning.reply_limit
    if not planning.limiter.allows(channel, planning.now, limit):
        return f"reply_limit {limit.count}/{limit.seconds:g}s reached in {channel}"

    planning.limiter.record(channel, planning.now)
    return None
