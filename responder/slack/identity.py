"""The bot's own identity, learned at connect time or set for offline runs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Identity:
    """Who the responder is in the workspace: used to ignore its own events."""

    user_id: str
    bot_id: str | None = None
    app_id: str | None = None
    team_id: str | None = None
    user_name: str | None = None
    team_name: str | None = None


OFFLINE_IDENTITY = Identity(
    user_id="U0SELF",
    bot_id="B0SELF",
    app_id="A0SELF",
    team_id="T0TEST",
    user_name="autobot",
    team_name="Test workspace",
)
