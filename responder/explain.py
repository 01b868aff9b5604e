"""Explain an event: which rules would fire, every condition they test, what they would send.

:func:`explain` changes none of the engine's state (dedupe keys, cooldowns, answered
messages, reply limit), so it can run beside a live engine, and :func:`format_explanation`
renders the result as plain text for the command line and the TUI.
"""

from __future__ import annotations

import json

from responder.decisions import PlannedAction
from responder.engine import Engine
from responder.engine.facts import shorten
from responder.engine.reference import ConditionCheck, evaluate_rule_reference
from responder.engine.trace import Explanation, RuleTrace
from responder.slack.events import Event

__all__ = [
    "ConditionCheck",
    "Explanation",
    "RuleTrace",
    "evaluate_rule_reference",
    "explain",
    "format_explanation",
]

PASSED = "✓"
FAILED = "✗"


def explain(engine: Engine, event: Event, now: float | None = None) -> Explanation:
    """Explain what ``engine`` would decide for ``event``, rule by rule, changing nothing.

    ``now`` is the time of arrival (default: the engine's clock), which is also used as
    the time of an event without ``ts`` or ``event_ts``.
    """
    return engine.explain(event, now)


def format_explanation(explanation: Explanation) -> str:
    """Render ``explanation`` as plain text: the event, then one block per rule."""
    lines = _event_lines(explanation.event)
    if explanation.ignored is not None:
        lines.append(f"ignored: {explanation.ignored}")
    for trace in explanation.rules:
        lines.append("")
        lines.extend(_rule_lines(trace))
    return "\n".join(lines) + "\n"


def _event_lines(event: Event) -> list[str]:
    kind = event.type or "event without a type"
    if event.subtype:
        kind += f" ({event.subtype})"
    parts = [kind]
    if event.channel:
        parts.append(f"in {event.channel}")
    if event.user:
        parts.append(f"by {event.user}")
    if event.ts:
        parts.append(f"ts {event.ts}")
    return ["event: " + " ".join(parts), "text: " + _quoted(shorten(event.text))]


def _rule_lines(trace: RuleTrace) -> list[str]:
    outcome = "fired" if trace.fired else "not fired"
    if trace.note:
        outcome += f" ({trace.note})"
    lines = [f"rule {trace.rule}: {outcome}"]

    if not trace.checks:
        lines.append("  (no conditions)")
    lines.extend(_check_line(check) for check in trace.checks)
    lines.extend("  → " + _action_text(action) for action in trace.actions)
    lines.extend(f"  skipped action {skip.number}: {skip.reason}" for skip in trace.skipped)
    return lines


def _check_line(check: ConditionCheck) -> str:
    mark = PASSED if check.passed else FAILED
    line = f"  {mark} {check.key}: {check.tested}"
    if check.detail:
        line += f" ({check.detail})"
    return line


def _action_text(action: PlannedAction) -> str:
    parts = [action.method, f"channel={action.channel}"]
    if action.method == "reactions.add":
        parts.append(f"timestamp={action.timestamp}")
        parts.append(f"name={action.reaction}")
    else:
        if action.user and action.method == "chat.postEphemeral":
            parts.append(f"user={action.user}")
        if action.thread_ts:
            parts.append(f"thread_ts={action.thread_ts}")
        if action.broadcast:
            parts.append("reply_broadcast=true")
        parts.append("text=" + _quoted(action.text or ""))
    if action.dry_run:
        parts.append("(dry run, not sent)")
    return " ".join(parts)


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)
