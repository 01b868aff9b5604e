"""One event as the conditions read it: the texts they match, computed once per event."""

from __future__ import annotations

from typing import Any, Callable

from responder.slack.events import Event
from responder.slack.identity import Identity
from responder.slack.markup import leading_mention, strip_leading_mention


# Text views: bit flags that select which text a condition reads. RAW selects Slack's
# text over the normalised one, AFTER_MENTION drops a leading mention of the bot and the
# separator after it, and FOLDED applies str.casefold.
RAW = 1
AFTER_MENTION = 2
FOLDED = 4


def text_view(*, raw: bool, after_mention: bool, folded: bool) -> int:
    """Combine the text view flags."""
    view = 0
    if raw:
        view |= RAW
    if after_mention:
        view |= AFTER_MENTION
    if folded:
        view |= FOLDED
    return view


class EventContext:
    """An event with lazily computed text variants, shared by every rule it meets.

    ``at`` is the event's time (Unix seconds) for ``active_hours``. ``match`` is the
    regex match of the rule being evaluated, for its templates.
    """

    __slots__ = ("event", "identity", "at", "match", "_starts_with_bot_mention", "_texts")

    def __init__(self, event: Event, identity: Identity, at: float = 0.0) -> None:
        self.event = event
        self.identity = identity
        self.at = at
        self.match: Any | None = None
        self._starts_with_bot_mention: bool | None = None
        self._texts: dict[int, str] = {}

    @property
    def starts_with_bot_mention(self) -> bool:
        """True when Slack's text opens with a mention token of the bot; worked out on first use."""
        if self._starts_with_bot_mention is None:
            self._starts_with_bot_mention = leading_mention(self.event.raw_text) == self.identity.user_id
        return self._starts_with_bot_mention

    def text(self, view: int) -> str:
        """Return the text that conditions with text view ``view`` read."""
        cached = self._texts.get(view)
        if cached is not None:
            return cached

        if view & FOLDED:
            text = self.text(view & ~FOLDED).casefold()
        else:
            text = self.event.raw_text if view & RAW else self.event.text
            if view & AFTER_MENTION and self.starts_with_bot_mention:
                text = strip_leading_mention(text)

        self._texts[view] = text
        return text


Check = Callable[[EventContext], "str | None"]
"""A compiled condition: None when it holds, else the reason, as ``"KEY: what failed"``."""
