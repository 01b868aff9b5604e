"""The compiled form of a rules file, as the engine consumes it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Union

from responder.rules.hours import ActiveWindow
from responder.rules.templates import Template

ThreadScope = Literal["any", "top", "reply"]
MentionMode = Literal["anywhere", "start", "never"]
ActionVerb = Literal["reply", "react", "post", "dm", "ephemeral"]
CooldownScope = Literal["channel", "user", "thread", "rule"]

# A value that ``fields`` compares a raw event value with.
FieldValue = Union[str, int, float, bool]


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most ``count`` posts per channel in any ``seconds`` window."""

    count: int
    seconds: float


@dataclass(frozen=True, slots=True)
class Settings:
    """The ``[settings]`` table, with every default filled in."""

    ignore_bots: bool = True
    reply_limit: RateLimit = RateLimit(10, 60.0)
    dedupe_window: float = 600.0
    max_text_length: int = 3900
    dry_run: bool = False
    timezone: str = "UTC"


@dataclass(frozen=True, slots=True)
class FieldCondition:
    """One entry of ``fields``: a dotted path into the raw event and its accepted values."""

    path: str
    values: tuple[FieldValue, ...]


@dataclass(frozen=True, slots=True)
class Conditions:
    """Every condition one rule names; an empty tuple or None places no constraint.

    Text values are stored as written; the engine folds case itself. ``regex`` holds
    compiled ``re2`` patterns. ``channels`` and ``users`` keep ids (``C…``, ``U…``)
    and names (``#general``, ``@alice``) as written; names are resolved at run time.

    ``any`` and ``unless`` hold nested condition tables. A nested table has
    ``case_sensitive`` and ``raw_text`` filled in from the table around it when it does
    not set them, and its ``event`` and ``bots`` keep their defaults.
    """

    event: str = "message"
    channels: tuple[str, ...] = ()
    not_channels: tuple[str, ...] = ()
    users: tuple[str, ...] = ()
    not_users: tuple[str, ...] = ()
    subtypes: tuple[str, ...] | None = None
    thread: ThreadScope = "any"
    mention: MentionMode | None = None
    equals: tuple[str, ...] = ()
    starts_with: tuple[str, ...] = ()
    contains: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    regex: tuple[Any, ...] = ()
    case_sensitive: bool = False
    raw_text: bool = False
    bots: bool | None = None
    has_files: bool | None = None
    channel_types: tuple[str, ...] = ()
    active_hours: tuple[ActiveWindow, ...] = ()
    fields: tuple[FieldCondition, ...] = ()
    any: tuple[Conditions, ...] = ()
    unless: Conditions | None = None


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """One ``[[rule.action]]`` table: a verb, its texts and its modifiers.

    ``texts`` holds the templates of a text action, or the emoji names of ``react``
    (also as templates, without fields). ``number`` is 1-based within the rule.
    """

    verb: ActionVerb
    texts: tuple[Template, ...]
    number: int
    line: int = 0
    in_thread: bool = True
    broadcast: bool = False
    channel: str | None = None
    to: str | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """One ``[[rule]]`` table in compiled form.

    ``cooldown`` is in seconds (None: no cooldown), and ``cooldown_per`` its scope.
    """

    name: str
    index: int
    line: int
    conditions: Conditions
    actions: tuple[ActionSpec, ...]
    enabled: bool = True
    stop: bool = False
    dry_run: bool = False
    group_names: frozenset[str] = frozenset()
    group_count: int = 0
    cooldown: float | None = None
    cooldown_per: CooldownScope = "channel"
    once_per_thread: bool = False


@dataclass(frozen=True, slots=True)
class Problem:
    """One error, warning or hint found in a rules file, with its position."""

    severity: Literal["error", "warning", "hint"]
    path: str
    line: int
    column: int
    message: str
    rule: str | None = None
    key: str | None = None
    source_line: str | None = None

    def format(self) -> str:
        """Render as ``FILE:LINE:COLUMN: [severity: ]rule "NAME": KEY: message``."""
        parts = [f"{self.path}:{self.line}:{self.column}:"]
        if self.severity != "error":
            parts.append(f"{self.severity}:")
        if self.rule is not None:
            parts.append(f'rule "{self.rule}":')
        if self.key is not None:
            parts.append(f"{self.key}:")
        parts.append(self.message)
        return " ".join(parts)


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A loaded rules file: its rules in file order, its settings and its findings.

    ``tests`` keeps each ``[[test]]`` table as parsed, ``test_lines`` the line of each
    one's header, and ``test_workspace`` the ``[test_workspace]`` table, if any.
    """

    path: str
    rules: tuple[Rule, ...]
    settings: Settings = field(default_factory=Settings)
    warnings: tuple[Problem, ...] = ()
    tests: tuple[dict[str, Any], ...] = ()
    test_lines: tuple[int, ...] = ()
    test_workspace: dict[str, Any] | None = None
