"""A plain evaluator of a rule's conditions that reports on every condition.

The engine's main path (:mod:`responder.engine.matching`) compiles conditions into
checks that stop at the first failure. This evaluator walks the conditions directly,
tests every one of them and reports what it tested, for ``explain``. Both must agree on
whether a rule matches and on the regex match its templates use; a property test
compares them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable
from zoneinfo import ZoneInfo

from responder.engine.facts import channel_type_of, shorten
from responder.engine.matching import condition_keys, contains_word
from responder.engine.names import NameIndex
from responder.engine.shape_checks import (
    channel_type_problem,
    describe_time,
    field_problem,
    hours_problem,
    show_value,
    subtype_label,
)
from responder.rules.model import Conditions, Rule, Settings
from responder.slack.events import Event
from responder.slack.identity import Identity
from responder.slack.markup import leading_mention, strip_leading_mention

DEFAULT_SUBTYPES = frozenset({"", "thread_broadcast", "file_share", "me_message"})
NONE_SHOWN = "(none)"


@dataclass(frozen=True, slots=True)
class ConditionCheck:
    """One condition of a rule tested against one event.

    ``key`` names the condition as the rules file does (``words``, ``any[1].contains``,
    ``unless.users``, ``cooldown``), ``tested`` shows the value it looked at, shortened
    to about 80 characters, and ``detail`` describes what it found.
    """

    key: str
    passed: bool
    tested: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ReferenceResult:
    """Whether a rule's conditions hold, every check made, and the regex match for templates."""

    matched: bool
    checks: tuple[ConditionCheck, ...]
    match: Any | None = None


@dataclass(frozen=True, slots=True)
class _Scope:
    """The event, identity, directory and time that one evaluation reads."""

    event: Event
    identity: Identity
    names: NameIndex
    zone: ZoneInfo
    at: float


@dataclass(frozen=True, slots=True)
class _TableResult:
    holds: bool
    checks: tuple[ConditionCheck, ...]
    match: Any | None


def evaluate_rule_reference(
    rule: Rule,
    event: Event,
    *,
    identity: Identity,
    names: NameIndex,
    settings: Settings,
    at: float,
    zone: ZoneInfo | None = None,
) -> ReferenceResult:
    """Test every condition of ``rule`` against ``event`` at time ``at``.

    The checks of which events the rule sees (``event``, ``subtypes``, ``bots``) come
    first when the rule names them or they fail; then every condition in file-contract
    order, with the checks inside ``any`` and ``unless`` tables after their own.
    ``zone`` defaults to ``settings.timezone``.
    """
    scope = _Scope(event, identity, names, zone or ZoneInfo(settings.timezone), at)
    audience = _audience_checks(rule.conditions, event, settings)
    table = _evaluate_table(rule.conditions, scope, "", nested=False, after_mention=False)
    matched = all(check.passed for check in audience) and table.holds
    return ReferenceResult(matched, tuple(audience) + table.checks, table.match)


def _audience_checks(conditions: Conditions, event: Event, settings: Settings) -> list[ConditionCheck]:
    bots_allowed = conditions.bots if conditions.bots is not None else not settings.ignore_bots
    listed = conditions.subtypes is not None
    if conditions.subtypes is not None:
        allowed = frozenset(conditions.subtypes)
    else:
        allowed = DEFAULT_SUBTYPES | ({"bot_message"} if bots_allowed else set())

    checks: list[ConditionCheck] = []
    type_ok = event.type == conditions.event
    if conditions.event != "message" or not type_ok:
        detail = "" if type_ok else f"the rule listens to {conditions.event} events"
        checks.append(ConditionCheck("event", type_ok, event.type or NONE_SHOWN, detail))

    hidden_ok = not event.hidden or (listed and event.subtype != "" and event.subtype in allowed)
    subtype_ok = not (event.type == "message" or listed) or event.subtype in allowed
    if listed or not (hidden_ok and subtype_ok):
        detail = ""
        if not hidden_ok:
            detail = "hidden, not listed"
        elif not subtype_ok:
            detail = "not in the rule's set"
        checks.append(ConditionCheck("subtypes", hidden_ok and subtype_ok, subtype_label(event.subtype), detail))

    bots_ok = not event.is_bot or bots_allowed
    if conditions.bots is not None or not bots_ok:
        tested = "bot message" if event.is_bot else "not a bot message"
        checks.append(ConditionCheck("bots", bots_ok, tested, "" if bots_ok else "bots are ignored"))
    return checks


def _evaluate_table(
    conditions: Conditions, scope: _Scope, prefix: str, *, nested: bool, after_mention: bool
) -> _TableResult:
    after_mention = after_mention or conditions.mention == "start"
    checks: list[ConditionCheck] = []
    checks.extend(_place(conditions, scope, prefix))
    checks.extend(_author(conditions, scope, prefix))
    if nested and conditions.subtypes is not None:
        subtype = scope.event.subtype
        passed = subtype in conditions.subtypes
        detail = "" if passed else "not listed"
        checks.append(ConditionCheck(prefix + "subtypes", passed, subtype_label(subtype), detail))
    checks.extend(_shape(conditions, scope, prefix))
    checks.extend(_fields_and_hours(conditions, scope, prefix))
    text_checks, match = _text(conditions, scope, prefix, after_mention)
    checks.extend(text_checks)
    holds = all(check.passed for check in checks)

    inner: list[ConditionCheck] = []
    if conditions.any:
        any_holds, any_match, any_checks = _any(conditions, scope, prefix, after_mention)
        holds = holds and any_holds
        if not conditions.regex:
            match = any_match
        inner.extend(any_checks)
    if conditions.unless is not None:
        excluded = _evaluate_table(
            conditions.unless, scope, prefix + "unless.", nested=True, after_mention=after_mention
        )
        detail = "the excluded conditions hold" if excluded.holds else "the excluded conditions do not hold"
        inner.append(ConditionCheck(prefix + "unless", not excluded.holds, condition_keys(conditions.unless), detail))
        inner.extend(excluded.checks)
        holds = holds and not excluded.holds
    return _TableResult(holds, tuple(checks + inner), match)


def _any(
    conditions: Conditions, scope: _Scope, prefix: str, after_mention: bool
) -> tuple[bool, Any | None, list[ConditionCheck]]:
    results = [
        _evaluate_table(branch, scope, f"{prefix}any[{index}].", nested=True, after_mention=after_mention)
        for index, branch in enumerate(conditions.any)
    ]
    holding = [index for index, result in enumerate(results) if result.holds]
    first = holding[0] if holding else None
    detail = f"any[{first}] holds" if first is not None else "no table holds"
    tables = f"{len(results)} table" + ("s" if len(results) != 1 else "")
    checks = [ConditionCheck(prefix + "any", first is not None, tables, detail)]
    for result in results:
        checks.extend(result.checks)
    match = results[first].match if first is not None else None
    return first is not None, match, checks


def _member_check(
    key: str, value: str | None, references: tuple[str, ...], resolve: Callable[[str], str | None], excluded: bool
) -> ConditionCheck:
    """Test ``value`` against listed ids and names, for channels, users and their ``not_`` forms."""
    ids = {resolve(reference) for reference in references} - {None}
    unresolved = [reference for reference in references if resolve(reference) is None]
    listed = value is not None and value in ids
    passed = not listed if excluded else listed
    detail = ""
    if excluded and listed:
        detail = "excluded"
    elif not excluded and value is None:
        detail = "the event has none"
    elif not excluded and not listed:
        detail = "not listed"
    if unresolved and not passed:
        detail += f" ({', '.join(unresolved)} not resolved)"
    return ConditionCheck(key, passed, value or NONE_SHOWN, detail)


def _place(conditions: Conditions, scope: _Scope, prefix: str) -> list[ConditionCheck]:
    channel = scope.event.channel
    resolve = scope.names.channel_id
    checks: list[ConditionCheck] = []
    if conditions.channels:
        checks.append(_member_check(prefix + "channels", channel, conditions.channels, resolve, False))
    if conditions.not_channels:
        checks.append(_member_check(prefix + "not_channels", channel, conditions.not_channels, resolve, True))
    if conditions.channel_types:
        kind = channel_type_of(scope.event, scope.names)
        passed = kind is not None and kind in conditions.channel_types
        detail = "" if passed else channel_type_problem(channel, kind)
        tested = f"{channel or NONE_SHOWN} ({kind or 'kind not known'})"
        checks.append(ConditionCheck(prefix + "channel_types", passed, tested, detail))
    return checks


def _author(conditions: Conditions, scope: _Scope, prefix: str) -> list[ConditionCheck]:
    user = scope.event.user
    checks: list[ConditionCheck] = []
    if conditions.users:
        checks.append(_member_check(prefix + "users", user, conditions.users, scope.names.user_id, False))
    if conditions.not_users:
        checks.append(_member_check(prefix + "not_users", user, conditions.not_users, scope.names.user_id, True))
    return checks


def _shape(conditions: Conditions, scope: _Scope, prefix: str) -> list[ConditionCheck]:
    event = scope.event
    checks: list[ConditionCheck] = []
    if conditions.thread != "any":
        shape = "reply" if event.is_reply else "top"
        passed = shape == conditions.thread
        checks.append(ConditionCheck(prefix + "thread", passed, shape, "" if passed else f"not {conditions.thread}"))
    if conditions.has_files is not None:
        tested = "files" if event.has_files else "no files"
        checks.append(ConditionCheck(prefix + "has_files", event.has_files == conditions.has_files, tested))
    if conditions.mention is not None:
        bot = scope.identity.user_id
        if conditions.mention == "start":
            passed = leading_mention(event.raw_text) == bot
        else:
            passed = (bot in event.mentions) == (conditions.mention == "anywhere")
        found = "starts with the bot's mention" if leading_mention(event.raw_text) == bot else (
            "mentions the bot" if bot in event.mentions else "no mention of the bot"
        )
        checks.append(ConditionCheck(prefix + "mention", passed, shorten(event.raw_text), found))
    return checks


def _fields_and_hours(conditions: Conditions, scope: _Scope, prefix: str) -> list[ConditionCheck]:
    checks: list[ConditionCheck] = []
    for field in conditions.fields:
        problem = field_problem(scope.event.raw, field)
        listed = " or ".join(show_value(value) for value in field.values)
        tested = f"{field.path} = {listed}"
        checks.append(ConditionCheck(f"{prefix}fields.{field.path}", problem is None, tested, problem or ""))
    if conditions.active_hours:
        problem = hours_problem(conditions.active_hours, scope.zone, scope.at)
        windows = ", ".join(window.source for window in conditions.active_hours)
        detail = problem or f"inside {windows}"
        tested = describe_time(scope.at, scope.zone)
        checks.append(ConditionCheck(prefix + "active_hours", problem is None, tested, detail))
    return checks


def _text(
    conditions: Conditions, scope: _Scope, prefix: str, after_mention: bool
) -> tuple[list[ConditionCheck], Any | None]:
    event = scope.event
    text = event.raw_text if conditions.raw_text else event.text
    if after_mention and leading_mention(event.raw_text) == scope.identity.user_id:
        text = strip_leading_mention(text)
    fold: Callable[[str], str] = (lambda value: value) if conditions.case_sensitive else str.casefold
    folded = fold(text)
    shown = shorten(text)

    def equals(value: str) -> bool:
        return folded == fold(value)

    def starts_with(value: str) -> bool:
        return folded.startswith(fold(value))

    def contains(value: str) -> bool:
        return fold(value) in folded

    def has_word(value: str) -> bool:
        return bool(value) and contains_word(folded, fold(value))

    tests: list[tuple[str, tuple[str, ...], Callable[[str], bool], str]] = [
        ("equals", conditions.equals, equals, "the text is none of the listed values"),
        ("starts_with", conditions.starts_with, starts_with, "the text starts with no listed value"),
        ("contains", conditions.contains, contains, "no listed text in the text"),
        ("words", conditions.words, has_word, "no listed word in the text"),
    ]
    checks: list[ConditionCheck] = []
    for key, values, test, failure in tests:
        if values:
            passed = any(test(value) for value in values)
            checks.append(ConditionCheck(prefix + key, passed, shown, "" if passed else failure))

    match = None
    if conditions.regex:
        for pattern in conditions.regex:
            match = pattern.search(text)
            if match is not None:
                break
        detail = "no pattern matches the text" if match is None else f"matched {shorten(match.group(0), 40)!r}"
        checks.append(ConditionCheck(prefix + "regex", match is not None, shown, detail))
    return checks, match
