"""Slack's documented JSON shapes, written as JSON Schemas for ``jsonschema`` to check.

Each schema lists the keys Slack's reference gives as present (``required``) and those it
gives as optional, with value types and formats. The facts come from Slack's method and
event documentation and the slackapi SDKs' types; a key Slack adds in some cases only is
optional here.
"""

from __future__ import annotations

from typing import Any

import jsonschema

Schema = dict[str, Any]

TS: Schema = {"type": "string", "pattern": r"^\d{10}\.\d{6}$"}
"""A message timestamp: a string such as ``1355517523.000005``, never a number."""

TEAM_ID: Schema = {"type": "string", "pattern": r"^T[A-Z0-9]+$"}
USER_ID: Schema = {"type": "string", "pattern": r"^[UW][A-Z0-9]+$"}
BOT_ID: Schema = {"type": "string", "pattern": r"^B[A-Z0-9]+$"}
APP_ID: Schema = {"type": "string", "pattern": r"^A[A-Z0-9]+$"}
CHANNEL_ID: Schema = {"type": "string", "pattern": r"^[CGD][A-Z0-9]+$"}
STRING: Schema = {"type": "string"}
NON_EMPTY: Schema = {"type": "string", "minLength": 1}
BOOLEAN: Schema = {"type": "boolean"}
INTEGER: Schema = {"type": "integer"}
TRUE: Schema = {"const": True}
FALSE: Schema = {"const": False}
WEBSOCKET_URL: Schema = {"type": "string", "pattern": r"^wss?://[^/?#]+/[^?#]+"}
"""A websocket URL with a non-empty path (slack_sdk's builtin client needs the path)."""
SOCKET_MODE_URL: Schema = {"type": "string", "pattern": r"^wss?://[^/?#]+/link/?\?ticket=[^&]+"}
WORKSPACE_URL: Schema = {"type": "string", "pattern": r"^https://[^/]+/$"}


def const(value: Any) -> Schema:
    """Return a schema that accepts exactly ``value``."""
    return {"const": value}


def array(items: Schema) -> Schema:
    """Return a schema for a list whose items all match ``items``."""
    return {"type": "array", "items": items}


def obj(
    required: dict[str, Schema],
    optional: dict[str, Schema] | None = None,
    absent: tuple[str, ...] = (),
    closed: bool = False,
) -> Schema:
    """Return a schema for an object with these keys.

    ``absent`` lists keys that Slack leaves out of this shape (a client must not find
    them); ``closed`` rejects every key not listed.
    """
    properties: dict[str, Any] = {**required, **(optional or {})}
    schema: Schema = {"type": "object", "required": list(required), "properties": properties}
    if absent:
        # "not required" rather than a false subschema, whose errors do not name the key.
        schema["allOf"] = [{"not": {"required": [key]}} for key in absent]
    if closed:
        schema["additionalProperties"] = False
    return schema


def error_body(code: str) -> Schema:
    """Return the schema of a Web API failure body: exactly ``ok`` false and ``error``."""
    return obj({"ok": FALSE, "error": const(code)}, closed=True)


def shape_problems(value: Any, schema: Schema) -> list[str]:
    """Return one line for each place where ``value`` does not match ``schema``."""
    validator = jsonschema.Draft202012Validator(schema)
    problems = []
    for problem in sorted(validator.iter_errors(value), key=lambda error: list(error.path)):
        where = "/".join(str(part) for part in problem.path) or "(top level)"
        problems.append(f"{where}: {problem.message}")
    return problems


# Web API success bodies.

AUTH_TEST_BOT = obj(
    {
        "ok": TRUE,
        "url": WORKSPACE_URL,
        "team": STRING,
        "user": STRING,
        "team_id": TEAM_ID,
        "user_id": USER_ID,
        "bot_id": BOT_ID,
    },
    {"app_id": APP_ID, "app_name": STRING, "is_enterprise_install": BOOLEAN},
)

RTM_CONNECT = obj(
    {
        "ok": TRUE,
        "url": WEBSOCKET_URL,
        "self": obj({"id": USER_ID, "name": NON_EMPTY}),
        "team": obj({"id": TEAM_ID, "name": STRING, "domain": NON_EMPTY}),
    }
)

BOT_POST_MESSAGE = obj(
    {
        "type": const("message"),
        "text": STRING,
        "ts": TS,
        "bot_id": BOT_ID,
        "user": USER_ID,
    },
    {
        "app_id": APP_ID,
        "team": TEAM_ID,
        "thread_ts": TS,
        "bot_profile": obj({"id": BOT_ID, "name": STRING}, {"app_id": APP_ID}),
        "blocks": array({"type": "object"}),
        "attachments": array({"type": "object"}),
    },
    # A granular bot token's posts carry no subtype.
    absent=("subtype",),
)

CHAT_POST_MESSAGE = obj({"ok": TRUE, "channel": CHANNEL_ID, "ts": TS, "message": BOT_POST_MESSAGE})

CHAT_POST_EPHEMERAL = obj({"ok": TRUE, "message_ts": TS}, closed=True)

REACTIONS_ADD = obj({"ok": TRUE}, closed=True)

TOPIC = obj({"value": STRING, "creator": STRING, "last_set": INTEGER})

CONVERSATION_CHANNEL = obj(
    {
        "id": CHANNEL_ID,
        "name": NON_EMPTY,
        "is_channel": BOOLEAN,
        "is_group": BOOLEAN,
        "is_im": FALSE,
        "is_mpim": BOOLEAN,
        "is_private": BOOLEAN,
        "created": INTEGER,
        "is_archived": BOOLEAN,
        "is_general": BOOLEAN,
        "name_normalized": NON_EMPTY,
        "is_member": BOOLEAN,
        "topic": TOPIC,
        "purpose": TOPIC,
        "creator": USER_ID,
    }
)

CONVERSATION_IM = obj(
    {"id": CHANNEL_ID, "is_im": TRUE, "user": USER_ID, "created": INTEGER},
    {"is_channel": FALSE, "is_private": BOOLEAN},
)

USER = obj(
    {
        "id": USER_ID,
        "team_id": TEAM_ID,
        "name": NON_EMPTY,
        "deleted": BOOLEAN,
        "real_name": STRING,
        "tz": STRING,
        "profile": obj({"display_name": STRING, "real_name": STRING}),
        "is_admin": BOOLEAN,
        "is_bot": BOOLEAN,
        "is_app_user": BOOLEAN,
        "updated": INTEGER,
    }
)

APPS_CONNECTIONS_OPEN = obj({"ok": TRUE, "url": SOCKET_MODE_URL})
