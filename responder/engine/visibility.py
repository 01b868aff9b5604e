"""Which events a rule sees at all, before its conditions are read.

A rule sees events of its ``event`` type. Of messages it sees a default set of
subtypes (or the ones it lists), hidden messages only when it lists their subtype, and
bots' messages only when bots are allowed for it (``bots = true``, or
``ignore_bots = false`` in the settings).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from responder.rules.model import Rule, Settings
from responder.slack.events import Event

DEFAULT_SUBTYPES = frozenset({"", "thread_broadcast", "file_share", "me_message"})

BOT_MESSAGE = "bot message"


@dataclass(frozen=True, slots=True)
class Audience:
    """What one rule sees: its event type, message subtypes, and whether bots count."""

    event_type: str
    subtypes: frozenset[str]
    lists_subtypes: bool
    bots: bool

    @classmethod
    def of(cls, rule: Rule, settings: Settings) -> Audience:
        """Work out what ``rule`` sees under ``settings``."""
        conditions = rule.conditions
        bots = conditions.bots if conditions.bots is not None else not settings.ignore_bots

        if conditions.subtypes is not None:
            subtypes = frozenset(conditions.subtypes)
        elif bots:
            subtypes = DEFAULT_SUBTYPES | {"bot_message"}
        else:
            subtypes = DEFAULT_SUBTYPES

        return cls(conditions.event, subtypes, conditions.subtypes is not None, bots)

    def unseen_reason(self, event: Event) -> str | None:
        """Return why this rule does not see ``event``, or None when it does."""
        if event.type != self.event_type:
            return f"event: the rule listens to {self.event_type} events, not {_type_name(event)}"
        if event.hidden and not self.lists(event.subtype):
            return f"subtypes: hidden {_subtype_label(event)} not listed"
        if event.is_bot and not self.bots:
            return BOT_MESSAGE
        if event.type == "message" or self.lists_subtypes:
            if event.subtype not in self.subtypes:
                return f"subtypes: {_subtype_label(event)} not in the rule's set"
        return None

    def lists(self, subtype: str) -> bool:
        """True when the rule names ``subtype`` in its ``subtypes`` list."""
        return bool(subtype) and self.lists_subtypes and subtype in self.subtypes


def ignored_by_all(event: Event, audiences: Sequence[Audience]) -> str:
    """Say why no rule sees ``event``, when no audience includes it."""
    same_type = [audience for audience in audiences if audience.event_type == event.type]
    if not same_type:
        return f"no rule listens to {_type_name(event)}"

    if event.hidden and not event.subtype:
        return "hidden event without a subtype"
    if event.hidden and not any(audience.lists(event.subtype) for audience in same_type):
        return f"hidden {event.subtype} event: no rule lists that subtype"
    if event.is_bot and not any(audience.bots for audience in same_type):
        return BOT_MESSAGE
    if event.subtype:
        return f"subtype {event.subtype}: no rule sees it"
    return "plain message: no rule sees it"


def _type_name(event: Event) -> str:
    return f"{event.type} events" if event.type else "events without a type"


def _subtype_label(event: Event) -> str:
    return event.subtype if event.subtype else "plain message"
