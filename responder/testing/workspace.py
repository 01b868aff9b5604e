"""The offline workspace: who the bot is, and which ids channel and user names stand for.

``responder test``, ``explain`` and ``replay`` run without Slack, so nothing can look up
``#ops`` or ``@dana``. Names listed in the rules file's ``[test_workspace]`` table resolve
to the ids given there. The channels and people of the bundled emulator's workspace
(``#test-one`` is ``C0TEST1``, ``@tester1`` is ``U0TEST1``) are known as well. Every
other name that a rule uses gets a made-up id built from the name: ``#ops`` becomes
``C0OPS`` and ``@dana`` becomes ``U0DANA``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from responder.rules import schema
from responder.rules.model import RuleSet
from responder.rules.report import Reporter
from responder.slack.identity import OFFLINE_IDENTITY, Identity

WORKSPACE_KEYS = ("bot_user", "bot_id", "app_id", "team", "channels", "users")

# The same names and ids as the emulator's default workspace.
KNOWN_CHANNELS = {"test-one": "C0TEST1", "test-two": "C0TEST2"}
KNOWN_USERS = {"tester1": "U0TEST1", "tester2": "U0TEST2", "tester3": "W0TEST3"}

ID_PATTERNS = {
    "bot_user": (re.compile(r"[UW][A-Z0-9]{2,}"), "a user id such as U0SELF"),
    "bot_id": (re.compile(r"B[A-Z0-9]{2,}"), "a bot id such as B0SELF"),
    "app_id": (re.compile(r"A[A-Z0-9]{2,}"), "an app id such as A0SELF"),
    "team": (re.compile(r"[TE][A-Z0-9]{2,}"), "a team id such as T0TEST"),
}
CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{2,}")
USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")

# Fields of the compiled conditions and actions that hold channel or user references.
CHANNEL_FIELDS = frozenset({"channels", "not_channels", "channel"})
USER_FIELDS = frozenset({"users", "not_users", "to"})


@dataclass(frozen=True, slots=True)
class OfflineWorkspace:
    """The bot's identity and the name → id maps for an offline run.

    ``channel_ids`` and ``user_ids`` are keyed by the bare name, without ``#`` or ``@``.
    The defaults are the offline identity and the emulator's channels and people.
    """

    identity: Identity = OFFLINE_IDENTITY
    channel_ids: Mapping[str, str] = field(default_factory=lambda: dict(KNOWN_CHANNELS))
    user_ids: Mapping[str, str] = field(default_factory=lambda: dict(KNOWN_USERS))

    def channel_id(self, reference: str) -> str:
        """Return the id of a channel id or ``#name``, making one up for an unknown name."""
        if not reference.startswith("#"):
            return reference
        name = reference[1:]
        return self.channel_ids.get(name) or made_up_id("C", name, self.channel_ids.values())

    def user_id(self, reference: str) -> str:
        """Return the id of a user id or ``@name``, making one up for an unknown name."""
        if not reference.startswith("@"):
            return reference
        name = reference[1:]
        return self.user_ids.get(name) or made_up_id("U", name, self.user_ids.values())

    def with_names_of(self, rules: RuleSet) -> OfflineWorkspace:
        """Return this workspace with an id for every ``#name`` and ``@name`` in ``rules``."""
        channels, users = references_in(rules)
        channel_ids = _with_made_up_ids(self.channel_ids, channels, "C")
        user_ids = _with_made_up_ids(self.user_ids, users, "U")
        return OfflineWorkspace(self.identity, channel_ids, user_ids)


def made_up_id(prefix: str, name: str, taken: Iterable[str]) -> str:
    """Return ``prefix`` + ``0`` + the name's letters and digits in upper case, made unique."""
    stem = prefix + "0" + re.sub(r"[^A-Z0-9]", "", name.upper())[:12]
    if len(stem) < 3:
        stem += "NAME"
    used = set(taken)
    candidate = stem
    number = 2
    while candidate in used:
        candidate = f"{stem}{number}"
        number += 1
    return candidate


def references_in(rules: RuleSet) -> tuple[list[str], list[str]]:
    """Return the channel names and user names that the rules use, in file order."""
    channels: list[str] = []
    users: list[str] = []
    for rule in rules.rules:
        _collect(rule.conditions, channels, users)
        for action in rule.actions:
            _collect(action, channels, users)
    return channels, users


def _collect(value: Any, channels: list[str], users: list[str]) -> None:
    """Walk compiled conditions (nested ``any`` and ``unless`` included) for names."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            inner = getattr(value, item.name)
            if item.name in CHANNEL_FIELDS:
                channels.extend(_names(inner, "#"))
            elif item.name in USER_FIELDS:
                users.extend(_names(inner, "@"))
            else:
                _collect(inner, channels, users)
    elif isinstance(value, Mapping):
        for inner in value.values():
            _collect(inner, channels, users)
    elif isinstance(value, (tuple, list, frozenset)):
        for inner in value:
            _collect(inner, channels, users)


def _names(value: Any, sigil: str) -> list[str]:
    if isinstance(value, str):
        items = [value]
    elif isinstance(value, (tuple, list)):
        items = list(value)
    else:
        items = []
    return [item[1:] for item in items if isinstance(item, str) and item.startswith(sigil) and item[1:]]


def _with_made_up_ids(known: Mapping[str, str], names: list[str], prefix: str) -> dict[str, str]:
    ids = dict(known)
    for name in names:
        if name not in ids:
            ids[name] = made_up_id(prefix, name, ids.values())
    return ids


def read_workspace(table: Mapping[str, Any] | None, reporter: Reporter) -> OfflineWorkspace:
    """Read the ``[test_workspace]`` table, reporting each invalid or unknown key."""
    identity = OFFLINE_IDENTITY
    channel_ids = dict(KNOWN_CHANNELS)
    user_ids = dict(KNOWN_USERS)
    if table is None:
        return OfflineWorkspace()

    ids: dict[str, str] = {}
    for key, value in table.items():
        where = ("test_workspace", key)
        label = f"test_workspace.{key}"
        if key in ID_PATTERNS:
            pattern, example = ID_PATTERNS[key]
            if isinstance(value, str) and pattern.fullmatch(value):
                ids[key] = value
            else:
                shown = repr(value) if isinstance(value, str) else schema.type_name(value)
                reporter.at_value(where, f"invalid value {shown}; expected {example}", None, label)
        elif key == "channels":
            _read_names(value, "#", CHANNEL_ID, "C0OPS", where, reporter, channel_ids)
        elif key == "users":
            _read_names(value, "@", USER_ID, "U0DANA", where, reporter, user_ids)
        else:
            message = f"unknown key{schema.did_you_mean(key, WORKSPACE_KEYS)}"
            reporter.at_key(where, message, None, label)

    identity = dataclasses.replace(
        identity,
        user_id=ids.get("bot_user", identity.user_id),
        bot_id=ids.get("bot_id", identity.bot_id),
        app_id=ids.get("app_id", identity.app_id),
        team_id=ids.get("team", identity.team_id),
    )
    return OfflineWorkspace(identity, channel_ids, user_ids)


def _read_names(
    value: Any,
    sigil: str,
    id_pattern: re.Pattern[str],
    example_id: str,
    where: tuple[str, ...],
    reporter: Reporter,
    into: dict[str, str],
) -> None:
    """Read a ``{ "#name" = "ID" }`` table into ``into``, keyed by the bare name."""
    label = ".".join(where)
    example = f'{{ "{sigil}{example_id[2:].lower()}" = "{example_id}" }}'
    if not isinstance(value, dict):
        reporter.at_value(where, f"expected a table such as {example}, got {schema.type_name(value)}", None, label)
        return

    for name, identifier in value.items():
        spot = where + (name,)
        if not name.startswith(sigil) or not name[1:] or any(char.isspace() for char in name):
            reporter.at_key(spot, f"invalid name {name!r}; write it with {sigil}, as in {example}", None, label)
        elif not isinstance(identifier, str) or not id_pattern.fullmatch(identifier):
            shown = repr(identifier) if isinstance(identifier, str) else schema.type_name(identifier)
            reporter.at_value(spot, f"invalid id {shown} for {name}; expected an id such as {example_id}", None, label)
        else:
            into[name[1:]] = identifier
