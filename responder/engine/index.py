"""An index that picks, for each event, the few rules that could fire on it.

Rules are grouped by the event type they listen to. Within a type, a rule with a
``channels`` condition is listed under each channel id it names, and a rule without
one is listed for every channel. The top-level text conditions of a type's rules go
into one :class:`TextIndex`. A rule is a candidate for an event when its audience sees
the event, the event's channel is one it lists (or it lists none), and its text
conditions may hold. Every other rule would fail on one of these, so it cannot fire.

The index depends on the workspace directory (channel names become ids), so it is
rebuilt with the compiled rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

from responder.engine.compiled import CompiledRule
from responder.engine.context import EventContext
from responder.engine.matching import resolve_references
from responder.engine.names import NameIndex
from responder.engine.text_index import TextIndex, text_keys
from responder.engine.visibility import Audience
from responder.slack.events import Event


@dataclass(frozen=True, slots=True)
class _TypeIndex:
    """The rules that listen to one event type."""

    audiences: tuple[Audience, ...]
    audience_of: dict[int, int]
    """Position of a rule → number of its audience in ``audiences``."""
    channels_of: dict[int, frozenset[str]]
    """Position of a rule with a ``channels`` condition → the channel ids it lists."""
    textless_anywhere: tuple[int, ...]
    textless_by_channel: dict[str, tuple[int, ...]]
    text: TextIndex


class RuleIndex:
    """Candidate rules by event type, channel and text, built from the compiled rules."""

    def __init__(self, compiled: Sequence[CompiledRule], names: NameIndex) -> None:
        self.audiences = _distinct(compiled_rule.audience for compiled_rule in compiled)
        """Every distinct audience of the rules, for the reason why no rule sees an event."""

        types: dict[str, list[int]] = {}
        for position, compiled_rule in enumerate(compiled):
            types.setdefault(compiled_rule.audience.event_type, []).append(position)
        self._types = {event_type: _index_type(compiled, positions, names) for event_type, positions in types.items()}

    def seeing(self, event: Event) -> list[bool] | None:
        """Tell for each audience of the event's type whether it sees ``event``; None when none does.

        The list goes to :meth:`candidates` for the same event.
        """
        index = self._types.get(event.type)
        if index is None:
            return None
        sees = [audience.unseen_reason(event) is None for audience in index.audiences]
        return sees if True in sees else None

    def candidates(self, context: EventContext, sees: list[bool]) -> list[int]:
        """Return the positions of the rules that could fire on the context's event, in file order.

        ``sees`` is the result of :meth:`seeing` for the event.
        """
        event = context.event
        index = self._types[event.type]
        channel = event.channel
        audience_of = index.audience_of
        picked = list(index.textless_anywhere)
        if channel is not None:
            picked.extend(index.textless_by_channel.get(channel, ()))
        picked = [position for position in picked if sees[audience_of[position]]]

        channels_of = index.channels_of
        for position in index.text.candidates(context):
            listed = channels_of.get(position)
            if listed is not None and channel not in listed:
                continue
            if sees[audience_of[position]]:
                picked.append(position)

        picked.sort()
        return picked


def _index_type(compiled: Sequence[CompiledRule], positions: list[int], names: NameIndex) -> _TypeIndex:
    """Index the rules at ``positions``, which all listen to one event type."""
    audiences = _distinct(compiled[position].audience for position in positions)
    numbers = {audience: number for number, audience in enumerate(audiences)}
    audience_of = {position: numbers[compiled[position].audience] for position in positions}

    channels_of: dict[int, frozenset[str]] = {}
    for position in positions:
        listed = compiled[position].rule.conditions.channels
        if listed:
            channels_of[position], _ = resolve_references(listed, names.channel_id)

    text = TextIndex((position, text_keys(compiled[position].rule.conditions)) for position in positions)
    anywhere: list[int] = []
    by_channel: dict[str, list[int]] = {}
    for position in text.unindexed:
        listed_ids = channels_of.get(position)
        if listed_ids is None:
            anywhere.append(position)
            continue
        for channel in listed_ids:
            by_channel.setdefault(channel, []).append(position)

    return _TypeIndex(
        audiences=audiences,
        audience_of=audience_of,
        channels_of=channels_of,
        textless_anywhere=tuple(anywhere),
        textless_by_channel={channel: tuple(listed) for channel, listed in by_channel.items()},
        text=text,
    )


def _distinct(audiences: Iterable[Audience]) -> tuple[Audience, ...]:
    return tuple(dict.fromkeys(audiences))
