"""What the engine decides for an event: fired rules, planned actions and reasons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from responder.slack.events import Event

SlackMethod = Literal["chat.postMessage", "chat.postEphemeral", "reactions.add"]


@dataclass(frozen=True, slots=True)
class PlannedAction:
    """An action ready to send: the Web API method and every argument it needs."""

    rule: str
    number: int
    verb: str
    method: SlackMethod
    channel: str
    event_ts: str | None
    thread_ts: str | None = None
    text: str | None = None
    reaction: str | None = None
    timestamp: str | None = None
    broadcast: bool = False
    user: str | None = None
    dry_run: bool = False
    chunk: int = 0
    """The 1-based number of this piece of a text split for length; 0 for a whole text."""

    @property
    def key(self) -> str:
        """An idempotency key: rule, channel, triggering ts, action number and piece number."""
        key = f"{self.rule}|{self.channel}|{self.event_ts}|{self.number}"
        return f"{key}|{self.chunk}" if self.chunk else key


@dataclass(frozen=True, slots=True)
class SkippedAction:
    """An action that could not be built, such as a template field with no value."""

    rule: str
    number: int
    reason: str


@dataclass(frozen=True, slots=True)
class RuleResult:
    """One rule's outcome: fired with its actions, or the first condition that failed."""

    rule: str
    fired: bool
    reason: str = ""
    actions: tuple[PlannedAction, ...] = ()
    skipped: tuple[SkippedAction, ...] = ()


@dataclass(frozen=True, slots=True)
class Decision:
    """The engine's answer for one event.

    ``ignored`` names why no rule saw the event at all (own message, bot message,
    hidden subtype, duplicate, preview edit); otherwise ``results`` lists the rules
    that were evaluated, in file order.
    """

    event: Event
    ignored: str | None = None
    results: tuple[RuleResult, ...] = ()

    @property
    def fired(self) -> tuple[str, ...]:
        """Names of the rules that fired, in order."""
        return tuple(result.rule for result in self.results if result.fired)

    @property
    def actions(self) -> tuple[PlannedAction, ...]:
        """Every planned action of every fired rule, in order."""
        return tuple(action for result in self.results for action in result.actions)

    @property
    def skipped(self) -> tuple[SkippedAction, ...]:
        """Every skipped action of every fired rule, in order."""
        return tuple(skip for result in self.results for skip in result.skipped)
