"""Run-time state of the emulator: opened DMs, recent messages, threads and reactions.

Only the emulator's event loop touches this state, so it needs no lock.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from responder.emulator.workspace import Channel, User, Workspace

MAX_REMEMBERED_MESSAGES = 10_000
"""Messages kept for thread and reaction bookkeeping; older ones are forgotten first."""


@dataclass(slots=True)
class StoredMessage:
    """A message seen by the emulator, with the thread and reaction facts Slack reports."""

    channel: str
    ts: str
    user: str | None = None
    text: str | None = None
    bot_id: str | None = None
    reply_users: list[str] = field(default_factory=list)
    reply_count: int = 0
    latest_reply: str | None = None
    reactions: set[tuple[str, str]] = field(default_factory=set)

    def as_parent(self) -> dict[str, Any]:
        """Return this message as the thread parent nested in ``message_replied``."""
        parent: dict[str, Any] = {"type": "message", "ts": self.ts, "thread_ts": self.ts}
        if self.user is not None:
            parent["user"] = self.user
        if self.text is not None:
            parent["text"] = self.text
        if self.bot_id is not None:
            parent["bot_id"] = self.bot_id
        parent["reply_count"] = self.reply_count
        parent["reply_users"] = list(self.reply_users)
        parent["reply_users_count"] = len(self.reply_users)
        if self.latest_reply is not None:
            parent["latest_reply"] = self.latest_reply
        return parent


class WorkspaceState:
    """Lookups over the workspace plus the messages, DMs and reactions seen so far."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._users = {user.id: user for user in workspace.all_users()}
        self._channels = {channel.id: channel for channel in workspace.channels}
        self._messages: OrderedDict[tuple[str, str], StoredMessage] = OrderedDict()

    def user(self, user_id: str) -> User | None:
        """Return the member with this id, or ``None``."""
        return self._users.get(user_id)

    def users(self) -> list[User]:
        """Return every member, the bot user first."""
        return list(self._users.values())

    def channels(self) -> list[Channel]:
        """Return every conversation, DMs opened at run time included."""
        return list(self._channels.values())

    def channel_by_id(self, channel_id: str) -> Channel | None:
        """Return the conversation with this id, or ``None``."""
        return self._channels.get(channel_id)

    def channel(self, reference: str) -> Channel | None:
        """Resolve a channel id, a name (with or without ``#``) or a user id (its DM)."""
        if reference in self._channels:
            return self._channels[reference]

        name = reference.removeprefix("#")
        for channel in self._channels.values():
            if not channel.is_im and channel.name == name:
                return channel

        if reference in self._users:
            return self.open_im(reference)
        return None

    def open_im(self, user_id: str) -> Channel | None:
        """Return the DM with a member, creating it on first use; ``None`` for an unknown id."""
        if user_id not in self._users:
            return None
        for channel in self._channels.values():
            if channel.is_im and channel.user == user_id:
                return channel

        channel_id = "D" + user_id[1:]
        while channel_id in self._channels:
            channel_id += "X"
        channel = Channel(channel_id, is_im=True, user=user_id)
        self._channels[channel_id] = channel
        return channel

    def remember(self, event: dict[str, Any]) -> None:
        """Store a message event so that replies and reactions to it can name its author."""
        channel, ts = event.get("channel"), event.get("ts")
        if (
            event.get("type") != "message"
            or not isinstance(channel, str)
            or not isinstance(ts, str)
        ):
            return
        if event.get("hidden"):
            return

        stored = self._message(channel, ts)
        user, text, bot_id = event.get("user"), event.get("text"), event.get("bot_id")
        stored.user = user if isinstance(user, str) else stored.user
        stored.text = text if isinstance(text, str) else stored.text
        stored.bot_id = bot_id if isinstance(bot_id, str) else stored.bot_id

    def add_reply(self, channel: str, thread_ts: str, user: str, reply_ts: str) -> StoredMessage:
        """Count a reply in the thread of ``thread_ts`` and return the updated parent."""
        parent = self._message(channel, thread_ts)
        parent.reply_count += 1
        parent.latest_reply = reply_ts
        if user not in parent.reply_users:
            parent.reply_users.append(user)
        return parent

    def author(self, channel: str, ts: str) -> str | None:
        """Return the author of a message, if the emulator saw it."""
        stored = self._messages.get((channel, ts))
        return stored.user if stored is not None else None

    def add_reaction(self, channel: str, ts: str, user: str, name: str) -> bool:
        """Record a reaction; return ``False`` when this user already added it."""
        stored = self._message(channel, ts)
        if (user, name) in stored.reactions:
            return False
        stored.reactions.add((user, name))
        return True

    def _message(self, channel: str, ts: str) -> StoredMessage:
        key = (channel, ts)
        stored = self._messages.get(key)
        if stored is None:
            stored = StoredMessage(channel, ts)
            self._messages[key] = stored
            if len(self._messages) > MAX_REMEMBERED_MESSAGES:
                self._messages.popitem(last=False)
        return stored
