"""The decision engine: for each event, which rules fire, what they do, and why not."""

from __future__ import annotations

import copy
import logging
import random
import time
from typing import Callable, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from responder.decisions import Decision, RuleResult
from responder.engine.actions import Planning, plan_actions
from responder.engine.compiled import CompiledRule, compile_rules
from responder.engine.context import EventContext
from responder.engine.facts import delivery_key, delivery_ts, event_time
from responder.engine.fields import TemplateFields
from responder.engine.guards import ExpiringKeys, ReplyLimiter
from responder.engine.index import RuleIndex
from responder.engine.matching import first_failure
from responder.engine.names import NameIndex
from responder.engine.rule_guards import RuleGuards
from responder.engine.trace import Explanation, TraceInputs, trace_event
from responder.engine.visibility import ignored_by_all
from responder.rules.model import Rule, RuleSet
from responder.slack.events import Event
from responder.slack.identity import Identity

logger = logging.getLogger(__name__)

OWN_MESSAGE = "own message"
DUPLICATE = "duplicate of an event already handled"
NOT_AN_EDIT = "not an edit: text unchanged (link preview or attachment change)"

class Engine:
    """Decides for each event which rules fire and which Web API calls they make.

    The engine does no I/O. Its guard state (dedupe keys, answered messages, threads
    answered with ``once_per_thread``, cooldowns, the reply limit's windows) lives
    between calls and survives :meth:`replace_rules`.

    Two clocks are used. Cooldowns and ``active_hours`` use the event's own time (its
    ``ts``, else its ``event_ts``, else the arrival time), so a replay of recorded
    events decides the same every time. The dedupe window and the reply limit use the
    arrival time: the ``now`` given to :meth:`decide`, else ``clock``. Copies of one
    event carry the same ``ts`` and differ only in when they arrive, and the reply limit
    counts posts as they are sent; replays that pass event times as ``now`` stay
    deterministic. Calls must not overlap: callers on several threads hold one lock
    around them.

    An index compiled with the rules (:class:`RuleIndex`) picks for each event the
    rules that could fire on it: by event type, channel and text. Only these candidates
    run their checks. With ``every_rule`` (the default) a decision still holds a result
    for every rule, so each rule that did not fire names its reason, at a cost that grows
    with the number of rules. Without it a decision holds results only for the
    candidates, so the cost of an event hardly grows with the number of rules. The rules
    left out could not have fired, and :meth:`explain` still reports each of them.

    The directory arguments are described at :meth:`set_directory`.
    """

    def __init__(
        self,
        rules: RuleSet,
        identity: Identity,
        *,
        channel_ids: Mapping[str, str] | None = None,
        user_ids: Mapping[str, str] | None = None,
        channel_names: Mapping[str, str] | None = None,
        user_names: Mapping[str, str] | None = None,
        channel_types: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        every_rule: bool = True,
    ) -> None:
        self._identity = identity
        self._every_rule = every_rule
        self._clock = clock
        self._rng = rng if rng is not None else random.Random()
        self._names = NameIndex(
            channel_ids,
            user_ids,
            channel_names=channel_names,
            user_names=user_names,
            channel_types=channel_types,
        )
        self._enabled: dict[str, bool] = {}
        self._dry_run_rules: dict[str, bool] = {}
        self._dry_run_all: bool | None = None
        self._seen = ExpiringKeys()
        self._guards = RuleGuards()
        self._limiter = ReplyLimiter()
        self._rules = rules
        self._zone = _zone(rules)
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
        """Use ``rules`` from now on, keeping dedupe keys, guards and rates.

        Switches set through :meth:`set_enabled` and :meth:`set_dry_run` stay for the
        rules whose names are still there, and so do their cooldowns and answered messages.
        """
        names = {rule.name for rule in rules.rules}
        self._enabled = {name: value for name, value in self._enabled.items() if name in names}
        self._dry_run_rules = {name: value for name, value in self._dry_run_rules.items() if name in names}
        self._rules = rules
        self._zone = _zone(rules)
        self._compiled = self._compile(rules)

    def set_enabled(self, rule: str, enabled: bool) -> None:
        """Switch rule ``rule`` on or off. Raise KeyError when no rule has that name."""
        self._require_rule(rule)
        self._enabled[rule] = enabled

    def set_dry_run(self, rule: str | None, dry_run: bool | None) -> None:
        """Make one rule, or every rule when ``rule`` is None, a dry run or live.

        ``dry_run`` None drops the switch, so the rule (or every rule) goes back to the
        ``dry_run`` of the rules file.
        """
        if rule is None:
            self._dry_run_all = dry_run
            self._dry_run_rules.clear()
            return
        self._require_rule(rule)
        if dry_run is None:
            self._dry_run_rules.pop(rule, None)
        else:
            self._dry_run_rules[rule] = dry_run

    def is_enabled(self, rule: Rule) -> bool:
        """Tell whether ``rule`` is switched on, by its ``enabled`` key or :meth:`set_enabled`."""
        return self._enabled.get(rule.name, rule.enabled)

    def is_dry_run(self, rule: Rule) -> bool:
        """Tell whether ``rule``'s actions are shown but not sent."""
        if rule.name in self._dry_run_rules:
            return self._dry_run_rules[rule.name]
        if self._dry_run_all is not None:
            return self._dry_run_all
        return rule.dry_run or self._rules.settings.dry_run

    def set_directory(
        self,
        channel_ids: Mapping[str, str],
        user_ids: Mapping[str, str],
        *,
        channel_names: Mapping[str, str] | None = None,
        user_names: Mapping[str, str] | None = None,
        channel_types: Mapping[str, str] | None = None,
    ) -> None:
        """Replace the whole workspace directory; a map left out becomes empty.

        ``channel_ids`` maps ``#name`` to an id and ``user_ids`` ``@name`` to an id, for
        names in rules. ``channel_names`` and ``user_names`` map ids to the names that
        ``{channel.name}`` and ``{user.name}`` show (without them, the names of the first
        two maps are used). ``channel_types`` maps a conversation id to ``channel``,
        ``group``, ``im`` or ``mpim``, for ``channel_types`` conditions on ids that do
        not show their kind (``G…``, and private channels with ``C…`` ids).
        """
        self._names = NameIndex(
            channel_ids,
            user_ids,
            channel_names=channel_names,
            user_names=user_names,
            channel_types=channel_types,
        )
        self._compiled = self._compile(self._rules)

    def limited_channels(self, now: float | None = None) -> tuple[str, ...]:
        """Return the channels where ``reply_limit`` drops the next post."""
        at = self._clock() if now is None else now
        return self._limiter.blocked_channels(at, self._rules.settings.reply_limit)

    def decide(self, event: Event, now: float | None = None) -> Decision:
        """Decide which rules fire for ``event``, with their actions and reasons.

        ``now`` (default: the clock) is the time of arrival, for the dedupe window and the
        reply limit, and is used as the event's own time when it carries none.
        """
        if event.is_self:
            return Decision(event, ignored=OWN_MESSAGE)

        arrival = self._clock() if now is None else now
        at = event_time(event, arrival)

        sees = self._index.seeing(event)
        ignored = self._ignore_reason(event, arrival, sees, remember=True)
        if ignored is not None or sees is None:
            return Decision(event, ignored=ignored)

        context = EventContext(event, self._identity, at)
        candidates = self._index.candidates(context, sees)
        run = _Run(arrival)
        if self._every_rule:
            results = self._decide_every_rule(context, candidates, run)
        else:
            results = [self._evaluate(self._compiled[position], context, None, run) for position in candidates]
        return Decision(event, results=tuple(results))

    def _decide_every_rule(self, context: EventContext, candidates: list[int], run: _Run) -> list[RuleResult]:
        """Evaluate the candidates and give every other rule the reason it does not fire."""
        chosen = set(candidates)
        results: list[RuleResult] = []
        for position, compiled in enumerate(self._compiled):
            unseen_reason = compiled.audience.unseen_reason(context.event)
            if position in chosen:
                results.append(self._evaluate(compiled, context, unseen_reason, run))
                continue

            rejected = self._reject(compiled, context, unseen_reason, run.stopped_by)
            if rejected is None:
                logger.error("the rule index left out rule %r, which fires on this event", compiled.rule.name)
                rejected = self._fire(compiled, context, run)
            results.append(rejected)
        return results

    def _evaluate(
        self, compiled: CompiledRule, context: EventContext, unseen_reason: str | None, run: _Run
    ) -> RuleResult:
        """Decide one rule: the reason it does not fire, or its planned actions."""
        rejected = self._reject(compiled, context, unseen_reason, run.stopped_by)
        if rejected is not None:
            return rejected
        return self._fire(compiled, context, run)

    def explain(self, event: Event, now: float | None = None) -> Explanation:
        """Explain rule by rule what :meth:`decide` would do with ``event`` now, changing nothing.

        Every condition of every rule is tested and reported. An event that was decided
        already shows as a duplicate, as deciding it again would.
        """
        arrival = self._clock() if now is None else now
        at = event_time(event, arrival)
        ignored = self._ignore_reason(event, arrival, self._index.seeing(event), remember=False)

        inputs = TraceInputs(
            rules=[(compiled.rule, compiled.audience) for compiled in self._compiled],
            identity=self._identity,
            settings=self._rules.settings,
            zone=self._zone,
            guards=self._guards,
            planning=self._planning(event, arrival, self._limiter.copy(), copy.deepcopy(self._rng)),
            enabled=self.is_enabled,
            dry_run=self.is_dry_run,
        )
        return trace_event(event, at, ignored, inputs)

    def _ignore_reason(self, event: Event, arrival: float, sees: list[bool] | None, remember: bool) -> str | None:
        """Return why no rule sees ``event`` at all; with ``remember``, store its dedupe key.

        ``sees`` is the result of :meth:`RuleIndex.seeing` for the event.
        """
        if event.is_self:
            return OWN_MESSAGE

        key = delivery_key(event)
        window = self._rules.settings.dedupe_window
        if key is not None and window > 0:
            if remember and self._seen.seen_within(key, arrival, window):
                return DUPLICATE
            if not remember and self._seen.contains_within(key, arrival, window):
                return DUPLICATE
            if remember:
                self._seen.store(key, arrival)

        if event.text_unchanged:
            return NOT_AN_EDIT
        if sees is None:
            return ignored_by_all(event, self._index.audiences)
        return None

    def _reject(
        self, compiled: CompiledRule, context: EventContext, unseen_reason: str | None, stopped_by: str | None
    ) -> RuleResult | None:
        """Return the result of a rule that does not fire, naming why, or None when it fires."""
        rule = compiled.rule
        if not self.is_enabled(rule):
            return compiled.not_fired("disabled")
        if stopped_by is not None:
            return compiled.not_fired(f"stopped by rule {stopped_by}")
        if unseen_reason is not None:
            return compiled.not_fired(unseen_reason)

        context.match = None
        reason = first_failure(compiled.checks, context)
        if reason is not None:
            return compiled.not_fired(reason)

        blocked = self._guards.blocked(rule, context.event, context.at, self._zone)
        if blocked is not None:
            return RuleResult(rule.name, False, blocked)
        return None

    def _fire(self, compiled: CompiledRule, context: EventContext, run: _Run) -> RuleResult:
        """Fire a rule: take its guards first, then plan its actions."""
        rule = compiled.rule
        self._guards.take(rule, context.event, context.at)
        if rule.stop and run.stopped_by is None:
            run.stopped_by = rule.name
        if run.planning is None:
            run.planning = self._planning(context.event, run.arrival, self._limiter, self._rng)

        fields = TemplateFields(context.event, context.match, self._names)
        actions, skipped = plan_actions(rule, run.planning, fields, self.is_dry_run(rule))
        return RuleResult(rule.name, True, "", actions, skipped)

    def _planning(self, event: Event, at: float, limiter: ReplyLimiter, rng: random.Random) -> Planning:
        return Planning(
            event=event,
            event_ts=delivery_ts(event),
            names=self._names,
            rng=rng,
            now=at,
            limiter=limiter,
            reply_limit=self._rules.settings.reply_limit,
        )

    def _compile(self, rules: RuleSet) -> tuple[CompiledRule, ...]:
        compiled = compile_rules(rules, self._names, self._zone)
        self._index = RuleIndex(compiled, self._names)
        return compiled

    def _require_rule(self, name: str) -> None:
        if not any(rule.name == name for rule in self._rules.rules):
            raise KeyError(f"rule {name!r} not found")


class _Run:
    """The state that the rules deciding one event share: arrival time, planning and ``stop``."""

    __slots__ = ("arrival", "planning", "stopped_by")

    def __init__(self, arrival: float) -> None:
        self.arrival = arrival
        self.planning: Planning | None = None
        self.stopped_by: str | None = None


def _zone(rules: RuleSet) -> ZoneInfo:
    """Return the rules' time zone; a name that the loader did not check falls back to UTC."""
    try:
        return ZoneInfo(rules.settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        logger.warning("unknown time zone %r; using UTC", rules.settings.timezone)
        return ZoneInfo("UTC")
