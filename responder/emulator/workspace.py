"""The emulated workspace: team, bot identity, people, channels and accepted tokens."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class User:
    """A member of the workspace, as ``users.info`` describes it."""

    id: str
    name: str
    real_name: str = ""
    is_bot: bool = False
    bot_id: str | None = None
    """The bot id of a bot user; the emulator's own bot user gets the workspace's."""


@dataclass(frozen=True, slots=True)
class Channel:
    """A conversation: a public or private channel, or a direct message with ``user``."""

    id: str
    name: str = ""
    is_private: bool = False
    is_im: bool = False
    user: str | None = None
    """The other member of a direct message; ``None`` for channels."""
    topic: str = ""
    purpose: str = ""


DEFAULT_USERS = (
    User("U0TEST1", "tester1", "Test User One"),
    User("U0TEST2", "tester2", "Test User Two"),
    User("W0TEST3", "tester3", "Test User Three"),
)

DEFAULT_CHANNELS = (
    Channel("C0TEST1", "test-one"),
    Channel("C0TEST2", "test-two"),
    Channel("D0TEST1", is_im=True, user="U0TEST1"),
)

DEFAULT_MAX_TEXT_LENGTH = 4000
"""Longest ``chat.postMessage`` text in code points; longer posts get ``msg_too_long``.

Slack's documentation recommends at most 4,000 characters, so the emulator enforces that.
"""


@dataclass(frozen=True, slots=True)
class Workspace:
    """Everything the emulator serves that does not change while it runs."""

    team_id: str = "T0TEST"
    team_name: str = "Test workspace"
    team_domain: str = "testworkspace"
    bot_user_id: str = "U0SELF"
    bot_user_name: str = "autobot"
    bot_id: str = "B0SELF"
    app_id: str = "A0SELF"
    users: tuple[User, ...] = DEFAULT_USERS
    channels: tuple[Channel, ...] = DEFAULT_CHANNELS
    tokens: tuple[str, ...] = ()
    """Bot tokens accepted by the Web API; empty means any token starting ``xoxb-``."""
    app_tokens: tuple[str, ...] = ()
    """App-level tokens; empty means any token starting ``xapp-``."""
    max_text_length: int = DEFAULT_MAX_TEXT_LENGTH
    verification_token: str = "emulator-verification-token"
    """The ``token`` field of Events API payloads (Slack's deprecated verification token)."""
    created: int = 1700000000
    """Unix time reported as the creation time of channels and users."""

    @property
    def url(self) -> str:
        """The workspace address that ``auth.test`` returns."""
        return f"https://{self.team_domain}.slack.com/"

    @property
    def bot_user(self) -> User:
        """The emulator's own bot user."""
        return User(self.bot_user_id, self.bot_user_name, self.bot_user_name, True, self.bot_id)

    def all_users(self) -> tuple[User, ...]:
        """Return the people and bots of the workspace, the emulator's bot user first."""
        others = tuple(user for user in self.users if user.id != self.bot_user_id)
        return (self.bot_user, *others)

    def token_kind(self, token: str) -> str | None:
        """Return ``"bot"`` or ``"app"`` for an accepted token, ``None`` for an unknown one."""
        if self.tokens:
            if token in self.tokens:
                return "bot"
        elif token.startswith("xoxb-"):
            return "bot"

        if self.app_tokens:
            if token in self.app_tokens:
                return "app"
        elif token.startswith("xapp-"):
            return "app"

        return None
