"""Guards that keep a rule quiet after it fired: answered messages, ``once_per_thread``
and ``cooldown``.

A guard is taken when its rule fires, before the rule's actions are planned, so a slow
send cannot let a second copy through. Every time is the event's own time.
"""

from __future__ import annotations

from typing import Hashable
from zoneinfo import ZoneInfo

from responder.engine.facts import clock_text, thread_of
from responder.engine.guards import Cooldowns, RememberedKeys
from responder.engine.reference import NONE_SHOWN, ConditionCheck
from responder.rules.model import Rule
from responder.slack.events import Event


class RuleGuards:
    """The guard state of every rule, kept between events and across rule reloads."""

    def __init__(self) -> None:
        self._answered = RememberedKeys()
        self._threads = RememberedKeys()
        self._cooldowns = Cooldowns()

    def blocked(self, rule: Rule, event: Event, at: float, zone: ZoneInfo) -> str | None:
        """Return why a guard keeps ``rule`` from firing on ``event``, or None. Changes nothing."""
        answered = answered_key(rule, event)
        if answered is not None and answered in self._answered:
            return f"already answered {event.ts}"

        if rule.once_per_thread:
            thread = thread_key(rule, event)
            if thread is not None and thread in self._threads:
                return f"once_per_thread: already fired in thread {thread[2]}"

        if rule.cooldown is not None:
            until = self._cooldowns.running_until(cooldown_key(rule, event), at)
            if until is not None:
                return f"cooldown until {clock_text(until, zone)} ({cooldown_scope(rule, event)})"
        return None

    def take(self, rule: Rule, event: Event, at: float) -> None:
        """Record that ``rule`` fired on ``event`` at ``at``."""
        answered = answered_key(rule, event)
        if answered is not None:
            self._answered.add(answered)

        if rule.once_per_thread:
            thread = thread_key(rule, event)
            if thread is not None:
                self._threads.add(thread)

        if rule.cooldown is not None:
            self._cooldowns.start(cooldown_key(rule, event), at + rule.cooldown)

    def checks(self, rule: Rule, event: Event, at: float, zone: ZoneInfo) -> list[ConditionCheck]:
        """Test the rule's ``once_per_thread`` and ``cooldown`` without changing anything."""
        checks: list[ConditionCheck] = []
        if rule.once_per_thread:
            thread = thread_key(rule, event)
            taken = thread is not None and thread in self._threads
            tested = f"thread {thread[2]} in {thread[1]}" if thread is not None else "no thread"
            detail = "already fired in this thread" if taken else "first time in this thread"
            checks.append(ConditionCheck("once_per_thread", not taken, tested, detail))

        if rule.cooldown is not None:
            until = self._cooldowns.running_until(cooldown_key(rule, event), at)
            detail = "no cooldown running" if until is None else f"cooldown until {clock_text(until, zone)}"
            checks.append(ConditionCheck("cooldown", until is None, cooldown_scope(rule, event), detail))
        return checks


def answered_key(rule: Rule, event: Event) -> tuple[str, str, str] | None:
    """Return the key that stops ``rule`` from answering one message twice, edits included."""
    if event.type != "message" or event.channel is None or event.ts is None:
        return None
    return (rule.name, event.channel, event.ts)


def thread_key(rule: Rule, event: Event) -> tuple[str, str, str] | None:
    thread = thread_of(event)
    return None if thread is None else (rule.name, *thread)


def cooldown_key(rule: Rule, event: Event) -> Hashable:
    """Return the key of the cooldown scope ``event`` falls in."""
    scope = rule.cooldown_per
    if scope == "user":
        return (rule.name, scope, event.user)
    if scope == "thread":
        return (rule.name, scope, thread_of(event))
    if scope == "rule":
        return (rule.name, scope)
    return (rule.name, scope, event.channel)


def cooldown_scope(rule: Rule, event: Event) -> str:
    """Describe the cooldown scope ``event`` falls in: ``in channel C0TEST1``."""
    scope = rule.cooldown_per
    if scope == "user":
        return f"for user {event.user or NONE_SHOWN}"
    if scope == "thread":
        thread = thread_of(event)
        return f"in thread {thread[1]} of {thread[0]}" if thread is not None else "for messages outside threads"
    if scope == "rule":
        return "in every channel"
    return f"in channel {event.channel or NONE_SHOWN}"
