"""Channel and user names: resolving ``#name``/``@name`` to ids, and ids back to names."""

from __future__ import annotations

from typing import Mapping


class NameIndex:
    """The workspace's names as far as they are known, in both directions.

    ``channel_ids`` maps ``#name`` or ``name`` to a channel id and ``user_ids`` maps
    ``@name`` or ``name`` to a user id.
    """

    def __init__(
        self,
        channel_ids: Mapping[str, str] | None = None,
        user_ids: Mapping[str, str] | None = None,
    ) -> None:
        self._channel_ids = _without_sigil(channel_ids or {}, "#")
        self._user_ids = _without_sigil(user_ids or {}, "@")
        self._channel_names = {channel: name for name, channel in self._channel_ids.items()}
        self._user_names = {user: name for name, user in self._user_ids.items()}

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
        """Return the name of user ``user`` without ``@``, or None when not known."""
        return self._user_names.get(user)


def _without_sigil(names: Mapping[str, str], sigil: str) -> dict[str, str]:
    """Key ``names`` by the bare name, so ``#general`` and ``general`` are one key."""
    bare: dict[str, str] = {}
    for name, identifier in names.items():
        if isinstance(name, str) and isinstance(identifier, str) and name.removeprefix(sigil):
            bare[name.removeprefix(sigil)] = identifier
    return bare
