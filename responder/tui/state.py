"""The monitoring screen's model: counters, connection and rules built from records, no widgets."""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Callable, Mapping

from responder.decisions import PlannedAction, RuleResult
from responder.record_buffer import RuleSwitches
from responder.records import (
    ActionResult,
    ActionRetrying,
    ConnectionState,
    DecisionMade,
    FrameSkipped,
    Notice,
    Record,
    RulesLoaded,
    SlackErrorFrame,
)


@dataclass(slots=True)
class Counters:
    """Running totals since the screen started."""

    events: int = 0
    """Events offered to the engine (one decision each)."""
    fired: int = 0
    """Rule firings: an event that fires two rules counts two."""
    sent: int = 0
    failed: int = 0
    dry_run: int = 0
    skipped_actions: int = 0
    skipped_frames: int = 0
    slack_errors: int = 0
    duplicates: int = 0
    """Events dropped because the same channel and ts arrived before, within the dedupe window."""


GUARD_REASONS = ("reply_limit", "already answered", "cooldown")
"""Starts of the reasons with which a guard holds back a rule or an action that would fire."""

MAX_PENDING = 10_000
"""Planned actions tracked until their result at most; the oldest beyond are forgotten."""


@dataclass(frozen=True, slots=True)
class Clock:
    """The time sources of the screen, replaceable so that tests can freeze them."""

    wall: Callable[[], float] = time.time
    """Seconds since the epoch, for the connection countdown and the rows' times."""
    monotonic: Callable[[], float] = time.monotonic
    """Seconds for the uptime and the event rate."""


def guard_of(reason: str) -> str | None:
    """Return the guard that ``reason`` names (``reply_limit``, ``already answered``), or None."""
    for guard in GUARD_REASONS:
        if reason.startswith(guard):
            return guard
    return None


def base_key(action: PlannedAction) -> str:
    """Return the key of ``action`` without its piece number, so every piece of a split text shares it."""
    return f"{action.rule}|{action.channel}|{action.event_ts}|{action.number}"


@dataclass(slots=True)
class RuleStats:
    """Running totals for one rule of the current rules file."""

    fired: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    """Actions that could not be built (a missing field or target), guards not included."""
    suppressed: dict[str, int] = field(default_factory=dict)
    """Times a guard held the rule or one of its actions back, by guard (``reply_limit``)."""
    last_fired: float | None = None
    """When the rule last fired, as ``time.time()``."""

    @property
    def suppressed_total(self) -> int:
        """Times any guard held the rule or one of its actions back."""
        return sum(self.suppressed.values())

    @property
    def errors(self) -> int:
        """Actions that failed at Slack or could not be built."""
        return self.failed + self.skipped

    def count_guard(self, guard: str) -> None:
        """Count one hold-back by ``guard``."""
        self.suppressed[guard] = self.suppressed.get(guard, 0) + 1


class EventRate:
    """Events per second over a sliding window of samples of the running total."""

    def __init__(self, window: float = 5.0, min_spacing: float = 1.0) -> None:
        self._window = window
        self._min_spacing = min_spacing
        self._samples: deque[tuple[float, int]] = deque()

    def sample(self, now: float, total: int) -> None:
        """Record the running total at monotonic time ``now``, ignoring samples closer than the spacing."""
        if self._samples and now - self._samples[-1][0] < self._min_spacing:
            return

        self._samples.append((now, total))
        while len(self._samples) > 2 and now - self._samples[0][0] > self._window:
            self._samples.popleft()

    def per_second(self) -> float:
        """Return the rate between the oldest and the newest sample, or 0.0 before two samples."""
        if len(self._samples) < 2:
            return 0.0

        (start, first), (end, last) = self._samples[0], self._samples[-1]
        return (last - first) / (end - start)


class MonitorState:
    """Counters, connection, rules and per-rule totals, updated one record at a time.

    It is not thread-safe, so only the app's thread may call it. Memory stays bounded
    because per-rule totals exist only for the rules of the file loaded last.
    """

    def __init__(self, rules_path: str = "") -> None:
        self.counters = Counters()
        self.connection: ConnectionState | None = None
        self.team: str | None = None
        self.bot: str | None = None
        self.rules_path = rules_path
        self.rules_loaded = False
        self.rule_names: tuple[str, ...] = ()
        self.rules_failure: RulesLoaded | None = None
        """The last failed load, until a later load succeeds."""
        self.rules_version = 0
        """Incremented on every load, failed or not, so views can tell what changed."""
        self.rule_stats: dict[str, RuleStats] = {}
        self.changed_rules: set[str] = set()
        """Rules whose totals changed since the views last took this set."""
        self.switches: dict[str, RuleSwitches] = {}
        """Each rule's switches as the responder last reported them."""
        self.pending: OrderedDict[str, PlannedAction] = OrderedDict()
        """Planned actions without a result yet (queued, in flight or retrying), oldest first."""

    def apply(self, record: Record) -> bool:
        """Update the state from ``record`` and return True when it belongs in the actions pane."""
        if isinstance(record, DecisionMade):
            return self._apply_decision(record)
        if isinstance(record, ActionResult):
            self._apply_action_result(record)
            return True
        if isinstance(record, ConnectionState):
            return self._apply_connection(record)
        if isinstance(record, RulesLoaded):
            self._apply_rules_loaded(record)
            return True
        if isinstance(record, FrameSkipped):
            self.counters.skipped_frames += 1
            return False
        if isinstance(record, SlackErrorFrame):
            self.counters.slack_errors += 1
            return True
        return isinstance(record, (Notice, ActionRetrying))

    def take_changed_rules(self) -> set[str]:
        """Return and reset the names of rules whose totals changed."""
        changed = self.changed_rules
        self.changed_rules = set()
        return changed

    def set_switches(self, switches: Mapping[str, RuleSwitches]) -> bool:
        """Store the rules' switches and return True when they differ from the stored ones."""
        if dict(switches) == self.switches:
            return False
        self.switches = dict(switches)
        return True

    def _apply_decision(self, record: DecisionMade) -> bool:
        decision = record.decision
        self.counters.events += 1
        if decision.ignored is not None and decision.ignored.startswith("duplicate"):
            self.counters.duplicates += 1

        for result in decision.results:
            if result.fired:
                self._apply_fired(result, record.at)
                continue

            guard = guard_of(result.reason)
            stats = self._stats_for(result.rule) if guard is not None else None
            if guard is not None and stats is not None:
                stats.count_guard(guard)

        return bool(decision.skipped)

    def _apply_fired(self, result: RuleResult, at: float) -> None:
        self.counters.fired += 1
        self.counters.skipped_actions += len(result.skipped)
        for action in result.actions:
            self._track_pending(action)

        stats = self._stats_for(result.rule)
        if stats is None:
            return
        stats.fired += 1
        stats.last_fired = at
        for skip in result.skipped:
            guard = guard_of(skip.reason)
            if guard is None:
                stats.skipped += 1
            else:
                stats.count_guard(guard)

    def _track_pending(self, action: PlannedAction) -> None:
        self.pending[base_key(action)] = action
        while len(self.pending) > MAX_PENDING:
            self.pending.popitem(last=False)

    def _apply_action_result(self, record: ActionResult) -> None:
        self.pending.pop(base_key(record.action), None)
        stats = self._stats_for(record.action.rule)
        if record.status == "sent":
            self.counters.sent += 1
            if stats is not None:
                stats.sent += 1
        elif record.status == "failed":
            self.counters.failed += 1
            if stats is not None:
                stats.failed += 1
        else:
            self.counters.dry_run += 1

    def _apply_connection(self, record: ConnectionState) -> bool:
        previous = self.connection
        self.connection = record
        if record.team:
            self.team = record.team
        if record.bot:
            self.bot = record.bot

        if previous is None:
            return True
        return (previous.phase, previous.attempt) != (record.phase, record.attempt)

    def _apply_rules_loaded(self, record: RulesLoaded) -> None:
        self.rules_version += 1
        if record.path:
            self.rules_path = record.path

        if not record.ok:
            self.rules_failure = record
            return

        self.rules_failure = None
        self.rules_loaded = True
        self.rule_names = record.rule_names
        # Rules that keep their name across a reload keep their totals.
        self.rule_stats = {
            name: self.rule_stats.get(name, RuleStats()) for name in record.rule_names
        }
        self.switches = {name: value for name, value in self.switches.items() if name in self.rule_stats}
        self.changed_rules = set()

    def _stats_for(self, name: str) -> RuleStats | None:
        """Return the totals of rule ``name`` and mark them changed, or None for an unknown rule."""
        stats = self.rule_stats.get(name)
        if stats is not None:
            self.changed_rules.add(name)
        return stats
