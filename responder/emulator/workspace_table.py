"""The ``[workspace]`` table of a scenario file, turned into a :class:`Workspace`."""

from __future__ import annotations

import dataclasses
from typing import Any

from responder.emulator.validation import (
    ScenarioError,
    check_keys,
    describe_type,
    require_bool,
    require_int,
    require_string,
    require_tables,
)
from responder.emulator.workspace import (
    DEFAULT_CHANNELS,
    DEFAULT_MAX_TEXT_LENGTH,
    DEFAULT_USERS,
    Channel,
    User,
    Workspace,
)

IDENTITY_KEYS = (
    "team_id",
    "team_name",
    "team_domain",
    "bot_user_id",
    "bot_user_name",
    "bot_id",
    "app_id",
    "verification_token",
)
TOKEN_KEYS = ("tokens", "app_tokens")
WORKSPACE_KEYS = (
    *IDENTITY_KEYS,
    *TOKEN_KEYS,
    "max_text_length",
    "include_defaults",
    "user",
    "channel",
)
USER_KEYS = ("id", "name", "real_name", "is_bot", "bot_id")
CHANNEL_KEYS = ("id", "name", "is_private", "is_im", "user", "topic", "purpose")


def parse_workspace(table: object, source: str) -> Workspace:
    """Return the workspace a ``[workspace]`` table describes, starting from the defaults.

    Users and channels are added to the default ones (an entry with a default's id
    replaces it) unless ``include_defaults = false``.
    """
    where = f"{source}: workspace"
    if not isinstance(table, dict):
        raise ScenarioError(f"{where}: must be a table ([workspace]), not {describe_type(table)}")
    check_keys(table, WORKSPACE_KEYS, where)

    changes: dict[str, Any] = {}
    for key in IDENTITY_KEYS:
        value = require_string(table, key, where, optional=True)
        if value is not None:
            changes[key] = value
    for key in TOKEN_KEYS:
        if key in table:
            changes[key] = parse_tokens(table[key], f"{where}: {key}")
    changes["max_text_length"] = require_int(
        table, "max_text_length", where, DEFAULT_MAX_TEXT_LENGTH, 1, 1_000_000
    )

    keep_defaults = require_bool(table, "include_defaults", where, True)
    users = [
        parse_user(item, f"{where}.user {number}")
        for number, item in enumerate(require_tables(table.get("user", []), "workspace.user"), 1)
    ]
    channels = [
        parse_channel(item, f"{where}.channel {number}")
        for number, item in enumerate(
            require_tables(table.get("channel", []), "workspace.channel"), 1
        )
    ]
    changes["users"] = merge(DEFAULT_USERS if keep_defaults else (), users)
    changes["channels"] = merge(DEFAULT_CHANNELS if keep_defaults else (), channels)
    return dataclasses.replace(Workspace(), **changes)


def parse_tokens(value: object, where: str) -> tuple[str, ...]:
    """Return a list of token strings; the tokens never appear in an error message."""
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise ScenarioError(f"{where}: must be an array of non-empty strings")
    return tuple(value)


def parse_user(table: dict[str, Any], where: str) -> User:
    """Return the member a ``[[workspace.user]]`` table describes."""
    check_keys(table, USER_KEYS, where)
    user_id = require_string(table, "id", where)
    name = require_string(table, "name", where)
    assert user_id is not None and name is not None
    return User(
        user_id,
        name,
        real_name=require_string(table, "real_name", where, optional=True) or "",
        is_bot=require_bool(table, "is_bot", where, False),
        bot_id=require_string(table, "bot_id", where, optional=True),
    )


def parse_channel(table: dict[str, Any], where: str) -> Channel:
    """Return the conversation a ``[[workspace.channel]]`` table describes."""
    check_keys(table, CHANNEL_KEYS, where)
    channel_id = require_string(table, "id", where)
    assert channel_id is not None
    is_im = require_bool(table, "is_im", where, False)
    name = require_string(table, "name", where, optional=is_im) or ""
    user = require_string(table, "user", where, optional=not is_im)
    if user is not None and not is_im:
        raise ScenarioError(f"{where}: 'user' is only for a direct message (is_im = true)")
    return Channel(
        channel_id,
        name.removeprefix("#"),
        is_private=require_bool(table, "is_private", where, False),
        is_im=is_im,
        user=user,
        topic=require_string(table, "topic", where, optional=True) or "",
        purpose=require_string(table, "purpose", where, optional=True) or "",
    )


def merge(defaults: tuple[Any, ...], additions: list[Any]) -> tuple[Any, ...]:
    """Return ``defaults`` with additions of the same ``id`` replacing them, new ones appended."""
    merged = {item.id: item for item in defaults}
    for item in additions:
        merged[item.id] = item
    return tuple(merged.values())
