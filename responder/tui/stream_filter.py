"""The event stream's filter: substrings of the channel, user, fired rules or text."""

from __future__ import annotations

from dataclasses import dataclass

from responder.records import DecisionMade
from responder.tui.names import Names

PREFIXES = ("channel", "user", "rule")
"""Field names that a filter term may start with, as in ``channel:#ops``."""


@dataclass(frozen=True, slots=True)
class StreamFilter:
    """What a row must contain to be shown; every part that is set must match.

    Each part is case-folded. A part with several values matches when any of them does.
    """

    channels: tuple[str, ...] = ()
    users: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    anywhere: str = ""
    """A substring of the channel, the user, a fired rule or the text."""

    @classmethod
    def parse(cls, query: str) -> StreamFilter:
        """Read ``query``: ``channel:``, ``user:`` and ``rule:`` terms, the other words as one substring."""
        fields: dict[str, list[str]] = {prefix: [] for prefix in PREFIXES}
        words: list[str] = []
        for term in query.split():
            prefix, colon, value = term.partition(":")
            if colon and prefix.lower() in fields and value:
                fields[prefix.lower()].append(value.lstrip("#@").casefold())
            else:
                words.append(term)

        return cls(
            channels=tuple(fields["channel"]),
            users=tuple(fields["user"]),
            rules=tuple(fields["rule"]),
            anywhere=" ".join(words).casefold(),
        )

    @property
    def empty(self) -> bool:
        """True when the filter lets every row through."""
        return not (self.channels or self.users or self.rules or self.anywhere)

    def matches(self, record: DecisionMade, names: Names) -> bool:
        """Return True when ``record`` contains every part of the filter."""
        decision = record.decision
        event = decision.event
        channel = _joined(names.channel_id(event), names.channel_label(event))
        user = _joined(event.user, event.bot_id, names.user_label(event))
        rules = "\n".join(decision.fired).casefold()

        if self.channels and not _any_in(self.channels, channel):
            return False
        if self.users and not _any_in(self.users, user):
            return False
        if self.rules and not _any_in(self.rules, rules):
            return False
        if self.anywhere:
            haystack = "\n".join((channel, user, rules, event.text.casefold()))
            return self.anywhere in haystack
        return True


def _joined(*values: str | None) -> str:
    return "\n".join(value for value in values if value).casefold()


def _any_in(needles: tuple[str, ...], haystack: str) -> bool:
    return any(needle in haystack for needle in needles)
