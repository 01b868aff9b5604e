"""The workspace directory that the engine uses: names, ids and kinds of conversation."""

from __future__ import annotations

from typing import Mapping


class NameIndex:
    """The workspace's names as far as they are known, in both directions.

    ``channel_ids`` maps ``#name`` or ``name`` to a channel id and ``user_ids`` maps
    ``@name`` or ``name`` to a user id. ``channel_names`` and ``user_names`` map ids to
    the names that ``{channel.name}`` and ``{user.name}`` show (a user's display name);
    an id missing from them falls back to the name that ``channel_ids`` or ``user_ids``
    gives it. ``channel_types`` maps a conversation id to ``channel``, ``group``, ``im``
    or ``mpim``.
    """

    def __init__(
        self,
        channel_ids: Mapping[str, str] | None = None,
        user_ids: Mapping[str, str] | None = None,
        *,
        channel_names: Mapping[str, str] | None = None,
        user_names: Mapping[str, str] | None = None,
        channel_types: Mapping[str, str] | None = None,
    ) -> None:
        self._channel_ids = _without_sigil(channel_ids or {}, "#")
        self._user_ids = _without_sigil(user_ids or {}, "@")
        self._channel_names = {channel: name for name, channel in self._channel_ids.items()}
        self._channel_names.update(_strings(channel_names))
        self._user_names = {user: name for name, user in self._user_ids.items()}
        self._user_names.update(_strings(user_names))
        self._channel_types = _strings(channel_types)

    def channel_id(self, reference: str) -> str | None:
        """Return the id for a channel id or ``#name``, or None for a name not known."""
        if not reference.startswith("#"):
            return reference
        return self._channel_ids.get(reference[1:])

    def user_id(self, reference: str) -> str | None:
        """Return the id for a user id or ``@name``, or None for a name not known."""
        if not reference.startswith("@"):
            return reference
        return self._user_ids.get(reference[1:])

    def channel_name(self, channel: str) -> str | None:
        """Return the name of channel ``channel`` without ``#``, or None when not known."""
        return self._channel_names.get(channel)

    def user_name(self, user: str) -> str | None:
        """Return the display name of user ``user`` without ``@``, or None when not known."""
        return self._user_names.get(user)

    def channel_type(self, channel: str) -> str | None:
        """Return the kind of conversation ``channel`` (``channel``, ``group``, ``im``, ``mpim``)."""
        return self._channel_types.get(channel)


def _without_sigil(names: Mapping[str, str], sigil: str) -> dict[str, str]:
    """Key ``names`` by the bare name, so ``#general`` and ``general`` are one key."""
    bare: dict[str, str] = {}
    for name, identifier in names.items():
        if isinstance(name, str) and isinstance(identifier, str) and name.removeprefix(sigil):
            bare[name.removeprefix(sigil)] = identifier
    return bare


def _strings(mapping: Mapping[str, str] | None) -> dict[str, str]:
    """Copy the string-to-string entries of ``mapping``, dropping any others."""
    if not mapping:
        return {}
    return {key: value for key, value in mapping.items() if isinstance(key, str) and isinstance(value, str)}
