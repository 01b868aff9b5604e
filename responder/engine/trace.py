"""Explanations: every condition of every rule for one event, with what would be sent.

A trace follows the same order as :meth:`Engine.decide` (ignored events, disabled
rules, an earlier ``stop``, what the rule sees, its conditions, its guards) but changes
no state: the reply limit and the random choice of texts work on copies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence
from zoneinfo import ZoneInfo

from responder.decisions import PlannedAction, SkippedAction
from responder.engine.actions import Planning, plan_actions
from responder.engine.fields import TemplateFields
from responder.engine.reference import ConditionCheck, evaluate_rule_reference
from responder.engine.rule_guards import RuleGuards
from responder.engine.visibility import Audience
from responder.rules.model import Rule, Settings
from responder.slack.events import Event
from responder.slack.identity import Identity

DRY_RUN = "dry run"


@dataclass(frozen=True, slots=True)
class RuleTrace:
    """One rule's outcome for one event, with every condition it tested.

    ``note`` names what besides the conditions decided the outcome (``disabled``,
    ``stopped by rule help``, ``cooldown until …``, ``own message``, ``bot message``,
    ``already answered …``, ``dry run``); it is empty when the conditions alone did.
    """

    rule: str
    fired: bool
    checks: tuple[ConditionCheck, ...]
    note: str = ""
    actions: tuple[PlannedAction, ...] = ()
    skipped: tuple[SkippedAction, ...] = ()


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why each rule fires or not for ``event``. ``ignored`` gives the reason no rule saw it at all."""

    event: Event
    ignored: str | None
    rules: tuple[RuleTrace, ...]


@dataclass(frozen=True, slots=True)
class TraceInputs:
    """The engine state a trace reads, with a planning that works on copies."""

    rules: Sequence[tuple[Rule, Audience]]
    identity: Identity
    settings: Settings
    zone: ZoneInfo
    guards: RuleGuards
    planning: Planning
    enabled: Callable[[Rule], bool]
    dry_run: Callable[[Rule], bool]


def trace_event(event: Event, at: float, ignored: str | None, inputs: TraceInputs) -> Explanation:
    """Explain ``event`` at time ``at`` rule by rule; ``ignored`` is the engine's reason to drop it."""
    traces: list[RuleTrace] = []
    stopped_by: str | None = None
    for rule, audience in inputs.rules:
        trace = _trace_rule(rule, audience, event, at, ignored, stopped_by, inputs)
        if trace.fired and rule.stop and stopped_by is None:
            stopped_by = rule.name
        traces.append(trace)
    return Explanation(event, ignored, tuple(traces))


def _trace_rule(
    rule: Rule,
    audience: Audience,
    event: Event,
    at: float,
    ignored: str | None,
    stopped_by: str | None,
    inputs: TraceInputs,
) -> RuleTrace:
    reference = evaluate_rule_reference(
        rule,
        event,
        identity=inputs.identity,
        names=inputs.planning.names,
        settings=inputs.settings,
        at=at,
        zone=inputs.zone,
    )
    checks = reference.checks + tuple(inputs.guards.checks(rule, event, at, inputs.zone))

    note = _note(rule, audience, event, ignored, stopped_by, inputs)
    if note is None and reference.matched:
        note = inputs.guards.blocked(rule, event, at, inputs.zone)
        if note is None:
            return _fired(rule, reference.match, event, checks, inputs)
    return RuleTrace(rule.name, False, checks, note or "")


def _note(
    rule: Rule, audience: Audience, event: Event, ignored: str | None, stopped_by: str | None, inputs: TraceInputs
) -> str | None:
    """Return what keeps the rule from firing before its conditions count, as decide checks it."""
    if ignored is not None:
        return ignored
    if not inputs.enabled(rule):
        return "disabled"
    if stopped_by is not None:
        return f"stopped by rule {stopped_by}"
    return audience.unseen_reason(event)


def _fired(
    rule: Rule, match: object, event: Event, checks: tuple[ConditionCheck, ...], inputs: TraceInputs
) -> RuleTrace:
    dry_run = inputs.dry_run(rule)
    fields = TemplateFields(event, match, inputs.planning.names)
    actions, skipped = plan_actions(rule, inputs.planning, fields, dry_run)
    return RuleTrace(rule.name, True, checks, DRY_RUN if dry_run else "", actions, skipped)
