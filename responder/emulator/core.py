"""The emulator's shared parts, and how a new event reaches RTM and Socket Mode sessions.

Methods that change state run on the emulator's event loop; the server's control API
hands work to the loop with ``call_soon_threadsafe``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from typing import Any

from responder.emulator import shapes
from responder.emulator.calllog import CallLog
from responder.emulator.delivery import Dispatcher
from responder.emulator.faults import FaultTable
from responder.emulator.sessions import Hub
from responder.emulator.socket_records import SocketModeSettings
from responder.emulator.state import WorkspaceState
from responder.emulator.tickets import Tickets
from responder.emulator.timestamps import TsClock
from responder.emulator.workspace import Workspace

class Core:
    """The workspace, state, sessions, clock, tickets, call log and faults that handlers share."""

    def __init__(
        self,
        workspace: Workspace,
        calls: CallLog,
        url_ttl: float,
        socket_mode: SocketModeSettings | None = None,
    ) -> None:
        self.workspace = workspace
        self.state = WorkspaceState(workspace)
        self.hub = Hub()
        self.session_numbers = itertools.count(1)
        """Numbers for new sessions of either kind, counted from 1 in the order of ``hello``."""
        self.dispatcher = Dispatcher(
            workspace, self.hub, self.state.channel_by_id, socket_mode or SocketModeSettings()
        )
        self.socket_mode_enabled = True
        """Whether ``apps.connections.open`` hands out URLs; a ``link_disabled`` turns it off."""
        self.clock = TsClock()
        self.tickets = Tickets(url_ttl)
        self.calls = calls
        self.faults = FaultTable()
        self.websocket_base = ""
        """``ws://HOST:PORT`` (``wss://`` with TLS), set once the server listens."""
        self.released = asyncio.Event()
        """Set when the emulator stops; held sessions and stalled handshakes end then."""
        self._bot_posts: list[dict[str, Any]] = []
        self._bot_posts_lock = threading.Lock()

    def bot_posts(self) -> list[dict[str, Any]]:
        """Return every message posted as the bot so far (safe from any thread), oldest first."""
        with self._bot_posts_lock:
            return list(self._bot_posts)

    def publish_event(self, event: dict[str, Any]) -> None:
        """Send an event to every RTM session exactly as given, and to one Socket Mode session.

        Remember the event if it is a message. Socket Mode gets it in an envelope, and
        only when Slack delivers that type over the Events API.
        """
        self.state.remember(event)
        self.hub.broadcast(json.dumps(event, ensure_ascii=False))
        self.dispatcher.dispatch(event)

    def publish_text(self, text: str, message: dict[str, Any] | None) -> None:
        """Send an event already serialised as ``text``; ``message`` is what to remember of it."""
        if message is not None:
            self.state.remember(message)
        self.hub.broadcast(text)
        self.dispatcher.dispatch_text(text)

    def publish_message(self, event: dict[str, Any]) -> None:
        """Send a new message event, and for a thread reply the parent's ``message_replied``."""
        channel, ts = event["channel"], event["ts"]
        thread_ts = event.get("thread_ts")
        if not isinstance(thread_ts, str) or thread_ts == ts:
            self.publish_event(event)
            return

        parent_author = self.state.author(channel, thread_ts)
        if parent_author is not None:
            event.setdefault("parent_user_id", parent_author)
        author = event.get("user") or event.get("bot_id") or ""
        parent = self.state.add_reply(channel, thread_ts, str(author), ts).as_parent()
        if event.get("subtype") == "thread_broadcast":
            event["root"] = parent

        self.publish_event(event)
        self.publish_event(shapes.message_replied(channel, parent, self.clock.next()))

    def post_as_bot(
        self,
        channel: str,
        text: str,
        thread_ts: str | None = None,
        broadcast: bool = False,
        extra: dict[str, Any] | None = None,
        ts: str | None = None,
    ) -> dict[str, Any]:
        """Publish a post by the emulator's bot and return its ``message`` object (no channel)."""
        message = shapes.bot_message(self.workspace, text, ts or self.clock.next())
        message.update(extra or {})
        if thread_ts:
            message["thread_ts"] = thread_ts
            if broadcast:
                message["subtype"] = "thread_broadcast"

        event = {**message, "channel": channel, "event_ts": message["ts"]}
        with self._bot_posts_lock:
            self._bot_posts.append({"channel": channel, "ts": message["ts"], "thread_ts": thread_ts, "text": text})
        self.publish_message(event)
        for key in ("parent_user_id", "root"):
            if key in event:
                message[key] = event[key]
        return message

    def user_message(
        self, user: str, channel: str, text: str, thread_ts: str | None = None
    ) -> dict[str, Any]:
        """Return a new message event by a person (not yet published); safe from any thread."""
        event = shapes.human_message(self.workspace, user, channel, text, self.clock.next())
        if thread_ts:
            event["thread_ts"] = thread_ts
        return event

    def add_reaction(self, user: str, channel: str, ts: str, name: str) -> bool:
        """Record a reaction and publish ``reaction_added``; ``False`` if it was already there."""
        if not self.state.add_reaction(channel, ts, user, name):
            return False
        author = self.state.author(channel, ts)
        self.publish_event(
            shapes.reaction_added(user, name, channel, ts, author, self.clock.next())
        )
        return True
