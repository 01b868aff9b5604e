"""The decision engine: for each event, which rules fire, what they do, and why not."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Callable, Mapping

from responder.decisions import Decision, RuleResult
from responder.engine.actions import Planning, plan_actions
from responder.engine.context import EventContext
from responder.engine.fields import TemplateFields
from responder.engine.guards import ExpiringKeys, RememberedKeys, ReplyLimiter
from responder.engine.matching import Check, compile_checks
from responder.engine.names import NameIndex
from responder.engine.visibility import Audience, ignored_by_all
from responder.rules.model import Rule, RuleSet
from responder.slack.events import Event
from responder.slack.identity import Identity

OWN_MESSAGE = "own message"
DUPLICATE = "duplicate of an event already handled"
NOT_AN_EDIT = "not an edit: text unchanged (link preview or attachment change)"

# Reasons that name a channel or user vary with the workspace, so only this many are shared.
MAX_SHARED_RESULTS = 256


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule with what it sees and its checks worked out once, at load time."""

    rule: Rule
    audience: Audience
    checks: tuple[Check, ...]
    _results: dict[str, RuleResult] = field(default_factory=dict, compare=False, repr=False)

    def not_fired(self, reason: str) -> RuleResult:
        """Return the result for ``reason``, shared between events (results are immutable)."""
        result = self._results.get(reason)
        if result is None:
            result = RuleResult(self.rule.name, False, reason)
            if len(self._results) < MAX_SHARED_RESULTS:
                self._results[reason] = result
        return result


class Engine:
    """Decides for each event which rules fire and which Web API calls they make.

    The engine does no I/O. Its guard state (dedupe keys, answered messages, the reply
    limit's windows) lives between calls and survives :meth:`replace_rules`. Every
    window uses the ``now`` given to :meth:`decide`, or ``clock``, so a replay that
    passes event times is deterministic. Calls must not overlap: callers on several
    threads hold one lock around them.
    """

    def __init__(
        self,
        rules: RuleSet,
        identity: Identity,
        *,
        channel_ids: Mapping[str, str] | None = None,
        user_ids: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self._identity = identity
        self._clock = clock
        self._rng = rng if rng is not None else random.Random()
        self._names = NameIndex(channel_ids, user_ids)
        self._enabled: dict[str, bool] = {}
        self._dry_run_rules: dict[str, bool] = {}
        self._dry_run_all: bool | None = None
        self._seen = ExpiringKeys()
        self._answered = RememberedKeys()
        self._limiter = ReplyLimiter()
        self._rules = rules
        self._compiled = self._compile(rules)

    @property
    def rules(self) -> RuleSet:
        """The rules in force."""
        return self._rules

    @property
    def identity(self) -> Identity:
        """The bot's identity, whose own events match no rule."""
        return self._identity

    def replace_rules(self, rules: RuleSet) -> None:
        """Use ``rules`` from now on, keeping dedupe keys, answered messages and rates.

        Switches set through :meth:`set_enabled` and :meth:`set_dry_run` stay for the
        rules whose names are still there.
        """
        names = {rule.name for rule in rules.rules}
        self._enabled = {name: value for name, value in self._enabled.items() if name in names}
        self._dry_run_rules = {name: value for name, value in self._dry_run_rules.items() if name in names}
        self._rules = rules
        self._compiled = self._compile(rules)

    def set_enabled(self, rule: str, enabled: bool) -> None:
        """Switch rule ``rule`` on or off. Raise KeyError when no rule has that name."""
        self._require_rule(rule)
        self._enabled[rule] = enabled

    def set_dry_run(self, rule: str | None, dry_run: bool) -> None:
        """Make one rule, or every rule when ``rule`` is None, a dry run or live."""
        if rule is None:
            self._dry_run_all = dry_run
            self._dry_run_rules.clear()
            return
        self._require_rule(rule)
        self._dry_run_rules[rule] = dry_run

    def set_directory(self, channel_ids: Mapping[str, str], user_ids: Mapping[str, str]) -> None:
        """Use new name → id maps for ``#name`` and ``@name`` in rules and templates."""
        self._names = NameIndex(channel_ids, user_ids)
        self._compiled = self._compile(self._rules)

    def limited_channels(self, now: float | None = None) -> tuple[str, ...]:
        """Return the channels where ``reply_limit`` drops the next post."""
        at = self._clock() if now is None else now
        return self._limiter.blocked_channels(at, self._rules.settings.reply_limit)

    def decide(self, event: Event, now: float | None = None) -> Decision:
        """Decide which rules fire for ``event``, with their actions and reasons."""
        at = self._clock() if now is None else now

        unseen = [compiled.audience.unseen_reason(event) for compiled in self._compiled]
        ignored = self._ignore_reason(event, at, unseen)
        if ignored is not None:
            return Decision(event, ignored=ignored)

        context = EventContext(event, self._identity)
        planning: Planning | None = None
        results: list[RuleResult] = []
        stopped_by: str | None = None
        for compiled, unseen_reason in zip(self._compiled, unseen):
            result = self._reject(compiled, context, unseen_reason, stopped_by)
            if result is None:
                if planning is None:
                    planning = self._planning(event, at)
                result = self._fire(compiled, context, planning)
                if compiled.rule.stop and stopped_by is None:
                    stopped_by = compiled.rule.name
            results.append(result)

        return Decision(event, results=tuple(results))

    def _ignore_reason(self, event: Event, at: float, unseen: list[str | None]) -> str | None:
        """Return why no rule sees ``event`` at all, taking its dedupe key on the way."""
        if event.is_self:
            return OWN_MESSAGE

        key = _delivery_key(event)
        window = self._rules.settings.dedupe_window
        if key is not None and window > 0:
            if self._seen.seen_within(key, at, window):
                return DUPLICATE
            self._seen.store(key, at)

        if event.text_unchanged:
            return NOT_AN_EDIT
        if all(reason is not None for reason in unseen):
            return ignored_by_all(event, [compiled.audience for compiled in self._compiled])
        return None

    def _reject(
        self, compiled: CompiledRule, context: EventContext, unseen_reason: str | None, stopped_by: str | None
    ) -> RuleResult | None:
        """Return the result of a rule that does not fire, naming why, or None when it fires."""
        rule = compiled.rule
        if not self._enabled.get(rule.name, rule.enabled):
            return compiled.not_fired("disabled")
        if stopped_by is not None:
            return compiled.not_fired(f"stopped by rule {stopped_by}")
        if unseen_reason is not None:
            return compiled.not_fired(unseen_reason)

        context.match = None
        for check in compiled.checks:
            reason = check(context)
            if reason is not None:
                return compiled.not_fired(reason)

        if _answered_key(rule, context.event) in self._answered:
            return RuleResult(rule.name, False, f"already answered {context.event.ts}")
        return None

    def _fire(self, compiled: CompiledRule, context: EventContext, planning: Planning) -> RuleResult:
        """Fire a rule: take its guard keys first, then plan its actions."""
        rule = compiled.rule
        answered = _answered_key(rule, context.event)
        if answered is not None:
            self._answered.add(answered)

        fields = TemplateFields(context.event, context.match, self._names)
        actions, skipped = plan_actions(rule, planning, fields, self._is_dry_run(rule))
        return RuleResult(rule.name, True, "", actions, skipped)

    def _planning(self, event: Event, at: float) -> Planning:
        return Planning(
            event=event,
            event_ts=_delivery_ts(event),
            names=self._names,
            rng=self._rng,
            now=at,
            limiter=self._limiter,
            reply_limit=self._rules.settings.reply_limit,
        )

    def _is_dry_run(self, rule: Rule) -> bool:
        if rule.name in self._dry_run_rules:
            return self._dry_run_rules[rule.name]
        if self._dry_run_all is not None:
            return self._dry_run_all
        return rule.dry_run or self._rules.settings.dry_run

    def _compile(self, rules: RuleSet) -> tuple[CompiledRule, ...]:
        compiled = []
        for rule in rules.rules:
            audience = Audience.of(rule, rules.settings)
            compiled.append(CompiledRule(rule, audience, compile_checks(rule.conditions, self._names)))
        return tuple(compiled)

    def _require_rule(self, name: str) -> None:
        if not any(rule.name == name for rule in self._rules.rules):
            raise KeyError(f"rule {name!r} not found")


def _delivery_ts(event: Event) -> str | None:
    """Return the ts of the delivery itself: an edit's own ts, not the edited message's."""
    for key in ("ts", "event_ts"):
        value = event.raw.get(key)
        if isinstance(value, str) and value:
            return value
    return event.ts


def _delivery_key(event: Event) -> tuple[str, str] | None:
    """Return the dedupe key (channel, ts) of ``event``, or None when it lacks either."""
    ts = _delivery_ts(event)
    if event.channel is None or ts is None:
        return None
    return (event.channel, ts)


def _answered_key(rule: Rule, event: Event) -> tuple[str, str, str] | None:
    """Return the key that stops ``rule`` from answering one message twice, edits included."""
    if event.type != "message" or event.channel is None or event.ts is None:
        return None
    return (rule.name, event.channel, event.ts)
