"""Slack's documented RTM frames, events and Socket Mode messages, as JSON Schemas."""

from __future__ import annotations

from tests.conformance.reference_shapes import (
    APP_ID,
    BOOLEAN,
    BOT_ID,
    CHANNEL_ID,
    FALSE,
    INTEGER,
    NON_EMPTY,
    STRING,
    TEAM_ID,
    TRUE,
    TS,
    USER_ID,
    Schema,
    array,
    const,
    obj,
)

# RTM frames that are not events.

HELLO = obj({"type": const("hello")})
GOODBYE = obj({"type": const("goodbye")}, closed=True)

MESSAGE_ACK = obj(
    {"ok": TRUE, "reply_to": INTEGER, "ts": TS, "text": STRING},
    # Acks carry no type; clients that dispatch on type must cope with that.
    absent=("type",),
)

MESSAGE_ERROR_REPLY = obj(
    {"ok": FALSE, "reply_to": INTEGER, "error": obj({"code": INTEGER, "msg": NON_EMPTY})},
    absent=("type",),
)

PONG = obj({"type": const("pong"), "reply_to": INTEGER})

EXPIRED_URL_ERROR = obj(
    {"type": const("error"), "error": obj({"code": const(1), "msg": NON_EMPTY})}
)

# Events, as RTM sends them and as the ``event`` of an Events API payload.

PERSON_MESSAGE = obj(
    {"type": const("message"), "channel": CHANNEL_ID, "user": USER_ID, "text": STRING, "ts": TS},
    {
        "client_msg_id": NON_EMPTY,
        "team": TEAM_ID,
        "event_ts": TS,
        "thread_ts": TS,
        "parent_user_id": USER_ID,
        "channel_type": STRING,
    },
    absent=("subtype", "bot_id", "hidden"),
)

THREAD_REPLY = obj(
    {
        "type": const("message"),
        "channel": CHANNEL_ID,
        "user": USER_ID,
        "text": STRING,
        "ts": TS,
        "thread_ts": TS,
        "parent_user_id": USER_ID,
    },
    absent=("subtype", "hidden"),
)

BOT_ECHO = obj(
    {
        "type": const("message"),
        "channel": CHANNEL_ID,
        "user": USER_ID,
        "bot_id": BOT_ID,
        "text": STRING,
        "ts": TS,
    },
    {
        "app_id": APP_ID,
        "team": TEAM_ID,
        "event_ts": TS,
        "bot_profile": obj({"id": BOT_ID, "name": STRING}, {"app_id": APP_ID}),
        "thread_ts": TS,
        "channel_type": STRING,
    },
    absent=("subtype", "hidden"),
)

THREAD_PARENT = obj(
    {
        "type": const("message"),
        "ts": TS,
        "thread_ts": TS,
        "reply_count": INTEGER,
        "reply_users": array(USER_ID),
        "reply_users_count": INTEGER,
        "latest_reply": TS,
    },
    {"user": USER_ID, "text": STRING, "bot_id": BOT_ID},
)

MESSAGE_REPLIED = obj(
    {
        "type": const("message"),
        "subtype": const("message_replied"),
        "hidden": TRUE,
        "channel": CHANNEL_ID,
        "ts": TS,
        "event_ts": TS,
        "message": THREAD_PARENT,
    },
    absent=("text", "user"),
)

MESSAGE_REPLIED_EVENTS_API = obj(
    {
        "type": const("message"),
        "channel": CHANNEL_ID,
        "ts": TS,
        "event_ts": TS,
        "message": THREAD_PARENT,
    },
    {"hidden": TRUE, "channel_type": STRING},
    # Slack documents that the Events API delivers message_replied without its subtype.
    absent=("subtype", "text", "user"),
)

THREAD_BROADCAST = obj(
    {
        "type": const("message"),
        "subtype": const("thread_broadcast"),
        "channel": CHANNEL_ID,
        "text": STRING,
        "user": USER_ID,
        "ts": TS,
        "thread_ts": TS,
        "root": THREAD_PARENT,
    },
    {"bot_id": BOT_ID, "event_ts": TS, "channel_type": STRING},
)

REACTION_ADDED = obj(
    {
        "type": const("reaction_added"),
        "user": USER_ID,
        "reaction": NON_EMPTY,
        "item": obj({"type": const("message"), "channel": CHANNEL_ID, "ts": TS}, closed=True),
        "event_ts": TS,
    },
    {"item_user": USER_ID},
)

# Socket Mode messages.

SOCKET_HELLO = obj(
    {
        "type": const("hello"),
        "num_connections": {"type": "integer", "minimum": 1},
        "connection_info": obj({"app_id": APP_ID}),
        "debug_info": obj(
            {
                "host": NON_EMPTY,
                "started": NON_EMPTY,
                "build_number": INTEGER,
                "approximate_connection_time": INTEGER,
            }
        ),
    }
)


def events_api_envelope(event: Schema) -> Schema:
    """Return the schema of an ``events_api`` envelope that wraps an event of shape ``event``."""
    payload = obj(
        {
            "team_id": TEAM_ID,
            "api_app_id": APP_ID,
            "type": const("event_callback"),
            "event_id": {"type": "string", "pattern": r"^Ev[A-Z0-9]+$"},
            "event_time": INTEGER,
            "event": event,
        },
        {
            "token": STRING,
            "authorizations": array(
                obj({"team_id": TEAM_ID, "user_id": USER_ID, "is_bot": BOOLEAN})
            ),
            "is_ext_shared_channel": BOOLEAN,
            "event_context": STRING,
        },
    )
    return obj(
        {
            "envelope_id": NON_EMPTY,
            "type": const("events_api"),
            "accepts_response_payload": BOOLEAN,
            "retry_attempt": INTEGER,
            "retry_reason": STRING,
            "payload": payload,
        }
    )


def socket_disconnect(reason: str) -> Schema:
    """Return the schema of a Socket Mode ``disconnect`` message with ``reason``."""
    return obj(
        {
            "type": const("disconnect"),
            "reason": const(reason),
            "debug_info": obj({"host": NON_EMPTY}),
        }
    )


APP_MENTION = obj(
    {
        "type": const("app_mention"),
        "user": USER_ID,
        "text": STRING,
        "ts": TS,
        "channel": CHANNEL_ID,
        "event_ts": TS,
    },
    {"client_msg_id": NON_EMPTY, "team": TEAM_ID, "thread_ts": TS},
)


def with_channel_type(event: Schema) -> Schema:
    """Return ``event`` with ``channel_type`` required, as the Events API sends messages."""
    return {"allOf": [event, obj({"channel_type": NON_EMPTY})]}
