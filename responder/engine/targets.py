"""Action targets: the channel, thread or message an action addresses for an event."""

from __future__ import annotations

from typing import NamedTuple

from responder.decisions import SlackMethod
from responder.engine.names import NameIndex
from responder.rules.model import ActionSpec
from responder.slack.events import Event


class Target(NamedTuple):
    """The Web API method of an action and its addressing arguments."""

    method: SlackMethod
    channel: str
    thread_ts: str | None = None
    timestamp: str | None = None
    user: str | None = None
    broadcast: bool = False


def find_target(spec: ActionSpec, event: Event, names: NameIndex) -> Target | str:
    """Return where ``spec`` goes for ``event``, or why it has nowhere to go."""
    if spec.verb == "post":
        return _post_target(spec, names)
    if spec.verb == "dm":
        return _dm_target(spec, event, names)

    channel = event.target_channel
    if channel is None:
        return f"the event has no channel to {spec.verb} in"

    if spec.verb == "react":
        if event.target_ts is None:
            return "the event has no message to react to"
        return Target("reactions.add", channel, timestamp=event.target_ts)

    if spec.verb == "ephemeral":
        if event.user is None:
            return "the event has no author to show an ephemeral message to"
        return Target("chat.postEphemeral", channel, thread_ts=_open_thread(event), user=event.user)

    thread_ts = thread_for_reply(event, spec.in_thread)
    if spec.in_thread and thread_ts is None:
        return "the event has no message ts to reply to"
    broadcast = spec.broadcast and thread_ts is not None
    return Target("chat.postMessage", channel, thread_ts=thread_ts, broadcast=broadcast)


def thread_for_reply(event: Event, in_thread: bool) -> str | None:
    """Return the ``thread_ts`` of a reply: the thread the message is in, else its own ts.

    A message inside a thread is always answered in that thread, even with
    ``in_thread = false``, and a reply's own ts is never used as a thread.
    """
    parent = _open_thread(event)
    if parent is not None:
        return parent
    return event.target_ts if in_thread else None


def _open_thread(event: Event) -> str | None:
    """Return the parent ts of the thread a message is a reply in, if it is one."""
    if event.type == "message" and event.is_reply and event.thread_ts is not None:
        return event.thread_ts
    return None


def _post_target(spec: ActionSpec, names: NameIndex) -> Target | str:
    if not spec.channel:
        return "the post action has no channel"
    channel = names.channel_id(spec.channel)
    if channel is None:
        return f"channel name {spec.channel} not resolved"
    return Target("chat.postMessage", channel)


def _dm_target(spec: ActionSpec, event: Event, names: NameIndex) -> Target | str:
    if spec.to is None:
        user = event.user
        if user is None:
            return "the event has no author to message"
    else:
        user = names.user_id(spec.to)
        if user is None:
            return f"user name {spec.to} not resolved"

    # chat.postMessage with a user id as the channel posts in the bot's DM with that user.
    return Target("chat.postMessage", user, user=user)
