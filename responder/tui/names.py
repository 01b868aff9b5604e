"""Channel and user names by id, for the rows of the event stream."""

from __future__ import annotations

from typing import Mapping

from responder.slack.events import Event

_EMPTY: Mapping[str, str] = {}


class Names:
    """The channel and user names that the responder last reported, looked up by id."""

    def __init__(self) -> None:
        self.channels: Mapping[str, str] = _EMPTY
        """Channel id → name, without ``#``."""
        self.users: Mapping[str, str] = _EMPTY
        """User id → name, without ``@``."""

    def update(self, channels: Mapping[str, str], users: Mapping[str, str]) -> bool:
        """Use new maps and return True when either is a different object than before."""
        if channels is self.channels and users is self.users:
            return False
        self.channels = channels
        self.users = users
        return True

    def channel_id(self, event: Event) -> str | None:
        """Return the id of the channel that ``event`` happened in or refers to."""
        return event.channel or event.target_channel

    def channel_label(self, event: Event) -> str:
        """Return ``#name`` when the name is known, else the channel id, else ``-``."""
        channel = self.channel_id(event)
        if channel is None:
            return "-"
        name = self.channels.get(channel)
        return f"#{name}" if name else channel

    def user_label(self, event: Event) -> str:
        """Return the author's name when known, else the user id or bot id, else ``-``."""
        if event.user is not None:
            return self.users.get(event.user) or event.user
        username = event.raw.get("username")
        if isinstance(username, str) and username:
            return username
        return event.bot_id or "-"
