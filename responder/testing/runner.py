"""Run one ``[[test]]`` offline: a fresh engine, its events in order, then the comparisons.

Each event is decided at its own time, its ``ts`` read as seconds, so cooldowns and the
reply limit behave the same in every run.

A rule whose action picks a text at random matches a test that names any one of its
texts. To know them all, the test's events are decided once more for each further
position in the longest list, with every random pick fixed to that position. Each
action then keeps every text it had in one of these runs.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from responder.decisions import Decision, PlannedAction
from responder.engine import Engine
from responder.recorder import event_time
from responder.rules.model import RuleSet
from responder.slack.normalise import normalise
from responder.testing.cases import RulesTest
from responder.testing.diff import diff_lines, equal
from responder.testing.expected import ActualAction, ExpectedAction, matches, quote
from responder.testing.workspace import OfflineWorkspace

# The clock of an event without a ts of its own, when no earlier event had one.
START_TIME = 1700000000.0
# NOTE: a list of more texts than this is checked against its first ones only.
MAX_ALTERNATIVES = 64

T = TypeVar("T")
E = TypeVar("E")
A = TypeVar("A")


class PinnedChoice(random.Random):
    """A random generator whose ``choice`` always takes position ``index`` (or the last).

    NOTE: this steers the engine only while it picks texts with ``choice``.
    """

    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.index = index

    def choice(self, seq: Sequence[T]) -> T:  # type: ignore[override]
        return seq[min(self.index, len(seq) - 1)]


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of one test: passed or not, and the lines that explain a failure."""

    test: RulesTest
    passed: bool
    details: tuple[str, ...] = ()


def offline_engine(rules: RuleSet, workspace: OfflineWorkspace, rng: random.Random | None = None) -> Engine:
    """Return a fresh engine for ``rules`` with the workspace's identity and names."""
    workspace = workspace.with_names_of(rules)
    return Engine(
        rules,
        workspace.identity,
        channel_ids=workspace.channel_ids,
        user_ids=workspace.user_ids,
        clock=lambda: START_TIME,
        rng=rng if rng is not None else random.Random(0),
    )


def decide_all(engine: Engine, events: Sequence[Mapping[str, Any]]) -> list[Decision]:
    """Decide ``events`` in order, each at its own time."""
    decisions = []
    now = START_TIME
    for raw in events:
        now = event_time(raw, now)
        decisions.append(engine.decide(normalise(raw, engine.identity), now))
    return decisions


def run_test(test: RulesTest, rules: RuleSet, workspace: OfflineWorkspace) -> Outcome:
    """Run ``test`` against ``rules`` and compare each expectation it states."""
    workspace = workspace.with_names_of(rules)
    runs = [
        decide_all(offline_engine(rules, workspace, PinnedChoice(index)), test.events)
        for index in range(_pick_count(rules))
    ]
    fired = [name for decision in runs[0] for name in decision.fired]

    details = _differences(test, fired, _actual_actions(runs), workspace)
    if not details:
        return Outcome(test, True)
    details.extend(_notes(test, runs[0]))
    return Outcome(test, False, tuple(details))


def _differences(
    test: RulesTest, fired: list[str], actual: list[ActualAction], workspace: OfflineWorkspace
) -> list[str]:
    """Return a titled diff for each expectation that does not hold."""
    def action_matches(expected: ExpectedAction, item: ActualAction) -> bool:
        return matches(expected, item, workspace)

    details: list[str] = []
    if test.fires is not None and list(test.fires) != fired:
        details.append("fires (- expected, + actual):")
        details.extend(_indent(diff_lines(test.fires, fired, equal, str, str)))

    texts = [item for item in actual if item.action.verb != "react"]
    if test.replies is not None and not _same(test.replies, texts, _text_in):
        details.append("replies (- expected, + actual):")
        details.extend(_indent(diff_lines(test.replies, texts, _text_in, quote, _shown_text)))

    if test.actions is not None and not _same(test.actions, actual, action_matches):
        details.append("actions (- expected, + actual):")
        rendered = diff_lines(test.actions, actual, action_matches, ExpectedAction.render, ActualAction.render)
        details.extend(_indent(rendered))
    return details


def action_value(action: PlannedAction) -> str:
    """Return the text of an action, or the emoji name of a reaction."""
    return action.reaction if action.reaction is not None else action.text or ""


def _same(expected: Sequence[E], actual: Sequence[A], match: Callable[[E, A], bool]) -> bool:
    return len(expected) == len(actual) and all(match(e, a) for e, a in zip(expected, actual))


def _text_in(text: str, item: ActualAction) -> bool:
    return text in item.alternatives


def _shown_text(item: ActualAction) -> str:
    shown = quote(item.value)
    others = sorted(item.alternatives - {item.value})
    if others:
        shown += " (or " + ", ".join(quote(other) for other in others) + ")"
    return shown


def _indent(lines: list[str]) -> list[str]:
    return ["  " + line for line in lines]


ActionKey = tuple[int, str, int, int]


def _key(event_index: int, action: PlannedAction) -> ActionKey:
    return (event_index, action.rule, action.number, getattr(action, "chunk", 0))


def _pick_count(rules: RuleSet) -> int:
    """Return how many runs cover every position of the longest list of texts."""
    longest = max((len(spec.texts) for rule in rules.rules for spec in rule.actions), default=1)
    return max(1, min(longest, MAX_ALTERNATIVES))


def _actual_actions(runs: Sequence[Sequence[Decision]]) -> list[ActualAction]:
    """Return the actions of the first run that would be sent (dry runs left out), in order.

    Each keeps the values that the same action (same event, rule, action number) got in
    every run.
    """
    values: dict[ActionKey, set[str]] = {}
    for decisions in runs:
        for event_index, decision in enumerate(decisions):
            for action in decision.actions:
                values.setdefault(_key(event_index, action), set()).add(action_value(action))

    actual = []
    for event_index, decision in enumerate(runs[0]):
        for action in decision.actions:
            if not action.dry_run:
                actual.append(ActualAction(action, frozenset(values[_key(event_index, action)])))
    return actual


def _notes(test: RulesTest, decisions: Sequence[Decision]) -> list[str]:
    """Return why events were ignored, why expected rules did not fire, and what was skipped."""
    notes: list[str] = []
    expected_rules = set(test.fires or ()) | {action.rule for action in test.actions or () if action.rule}
    dry_runs = 0
    for number, decision in enumerate(decisions, start=1):
        label = f"event {number}" if len(decisions) > 1 else "the event"
        if decision.ignored:
            notes.append(f"{label} was ignored: {decision.ignored}")
        for result in decision.results:
            if result.rule in expected_rules and not result.fired:
                notes.append(f"rule {result.rule} did not fire on {label}: {result.reason}")
        for skip in decision.skipped:
            notes.append(f"rule {skip.rule} action {skip.number} was skipped on {label}: {skip.reason}")
        dry_runs += sum(1 for action in decision.actions if action.dry_run)
    if dry_runs:
        notes.append(f"{dry_runs} action(s) of dry-run rules are not counted, because they would not be sent")
    return notes
