"""Checks that find likely mistakes in rules that load: patterns and reply loops."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Callable, Literal

from responder.rules.model import ActionSpec, Conditions, Rule
from responder.rules.templates import FieldRef, Template

_EXCLUDE = (
    "exclude the text with unless = { regex = '...' }, "
    "or with an earlier rule that matches it and has stop = true"
)

# Constructs of Perl and Python regexes that RE2 rejects, with advice for each.
_UNSUPPORTED = (
    (
        "(?<=",
        "lookbehind",
        "match the preceding text as part of the pattern, or capture the part you need in a group",
    ),
    ("(?<!", "negative lookbehind", _EXCLUDE),
    (
        "(?=",
        "lookahead",
        "add a second text condition such as contains, since every condition must hold",
    ),
    ("(?!", "negative lookahead", _EXCLUDE),
    ("(?>", "atomic group", "use a plain group (?:...)"),
    ("(?P=", "named backreference", "match the repeated text without referring back to a group"),
)

_INLINE_CASE_FLAG = re.compile(r"\(\?[a-zA-Z]*i[a-zA-Z]*[:)]")
_LEADING_ANCHORS = re.compile(r"(\^|\\A|\\b|\(\?:|\()*")
_LEADING_WORD = re.compile(r"[^\W\d_]+")

# Values that make a reply read like a real one, for the loop check. Regex groups get "1".
_PLACEHOLDERS = {
    "user": "<@U0EXAMPLE>",
    "user.id": "U0EXAMPLE",
    "user.name": "someone",
    "channel": "<#C0EXAMPLE>",
    "channel.id": "C0EXAMPLE",
    "channel.name": "general",
    "ts": "1700000000.000100",
    "thread_ts": "1700000000.000100",
}
_ECHO_FIELDS = ("text", "match")

_CONTROL_NAMES = {
    "\b": "backspace",
    "\f": "form feed",
    "\r": "carriage return",
    "\x07": "bell",
    "\x00": "null",
}


@dataclass(frozen=True, slots=True)
class PatternFinding:
    """A problem in one regex; ``char`` is the offset of the offending character."""

    severity: Literal["error", "warning", "hint"]
    message: str
    char: int | None = None


@dataclass(frozen=True, slots=True)
class LoopWarning:
    """A reply or post text that matches its own rule; ``text_index`` picks the alternative."""

    action_number: int
    text_index: int
    message: str


def pattern_findings(pattern: str) -> list[PatternFinding]:
    """Return the control characters, RE2-unsupported constructs and case traps in ``pattern``."""
    findings: list[PatternFinding] = []
    control = _control_character(pattern)
    if control is not None:
        findings.append(control)
    unsupported = _unsupported_construct(pattern)
    if unsupported is not None:
        findings.append(unsupported)
    case = _case_hint(pattern)
    if case is not None and unsupported is None:
        findings.append(case)
    return findings


def _control_character(pattern: str) -> PatternFinding | None:
    for index, char in enumerate(pattern):
        if char in "\t\n" or unicodedata.category(char) != "Cc":
            continue
        literal = pattern.replace("\b", "\\b")
        if char == "\b" and "'" not in literal and not _has_control(literal):
            meant = (
                "probably meant as \\b (a word boundary); "
                f"write the pattern in single quotes: '{literal}'"
            )
        elif char == "\b":
            meant = "probably meant as \\b (a word boundary); write the pattern in single quotes"
        else:
            meant = (
                "probably an escape in a double-quoted string; write the pattern in single quotes"
            )
        name = _CONTROL_NAMES.get(char, "control")
        return PatternFinding(
            "warning",
            f"the pattern contains a {name} character (U+{ord(char):04X}), {meant}",
            index,
        )
    return None


def _has_control(text: str) -> bool:
    return any(unicodedata.category(char) == "Cc" for char in text)


def _unsupported_construct(pattern: str) -> PatternFinding | None:
    index = 0
    in_class = False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            following = pattern[index + 1 : index + 2]
            if not in_class and following.isdigit() and following != "0":
                advice = "match the repeated text without referring back to a group"
                return _unsupported(f"backreference '\\{following}'", advice, index)
            if (
                not in_class
                and following == "k"
                and pattern[index + 2 : index + 3] in ("<", "{", "'")
            ):
                return _unsupported(
                    "named backreference '\\k'",
                    "match the repeated text without referring back to a group",
                    index,
                )
            index += 2
            continue
        if in_class:
            in_class = char != "]"
            index += 1
            continue
        if char == "[":
            # A "]" right after "[" or "[^" is a literal member, not the end of the class.
            in_class = True
            index += 1
            index += 1 if pattern.startswith("^", index) else 0
            index += 1 if pattern.startswith("]", index) else 0
            continue
        for opening, construct, advice in _UNSUPPORTED:
            if pattern.startswith(opening, index):
                return _unsupported(f"{construct} '{opening}'", advice, index)
        index += 1
    return None


def _unsupported(construct: str, advice: str, index: int) -> PatternFinding:
    message = f"{construct} is not available in RE2 syntax; {advice}"
    return PatternFinding("error", message, index)


def _case_hint(pattern: str) -> PatternFinding | None:
    if _INLINE_CASE_FLAG.search(pattern):
        return None
    start = _LEADING_ANCHORS.match(pattern)
    position = start.end() if start else 0
    word = _LEADING_WORD.match(pattern, position)
    if word is None or not word.group().islower():
        return None
    capitalised = word.group().capitalize()
    message = (
        f"the pattern is case-sensitive and starts with the lower-case word '{word.group()}', "
        f"so a capitalised first word ('{capitalised}', as phone keyboards type it) "
        "does not match; "
        f'add (?i) at the start of the pattern, or use words = ["{word.group()}"]'
    )
    return PatternFinding("hint", message, None)


def loop_warnings(rule: Rule) -> list[LoopWarning]:
    """Return a warning for each reply or post text that satisfies its own rule's text conditions.

    The self check stops such loops at run time; this warning is a second line of defence.
    """
    conditions = rule.conditions
    if not _may_see_own_posts(conditions):
        return []

    warnings: list[LoopWarning] = []
    for action in rule.actions:
        if not _may_reach_rule(conditions, action):
            continue
        for index, template in enumerate(action.texts):
            message = _loop_message(conditions, action.verb, template)
            if message is not None:
                warnings.append(
                    LoopWarning(action.number, index, f"action {action.number}: {message}")
                )
                break
    return warnings


def _may_see_own_posts(conditions: Conditions) -> bool:
    has_text_condition = any(
        (
            conditions.equals,
            conditions.starts_with,
            conditions.contains,
            conditions.words,
            conditions.regex,
        )
    )
    return (
        has_text_condition
        and conditions.event == "message"
        and conditions.mention not in ("start", "anywhere")
        and not conditions.users
    )


def _may_reach_rule(conditions: Conditions, action: ActionSpec) -> bool:
    """Tell whether the message an action sends can be seen by the rule that sent it."""
    if action.verb == "reply":
        # A reply in a thread is never a top-level message.
        return not (action.in_thread and conditions.thread == "top")
    if action.verb == "post":
        target = action.channel
        if conditions.channels and target not in conditions.channels:
            return False
        return target not in conditions.not_channels
    if action.verb == "dm":
        # The bot's direct message lands in a D… channel, so only a rule without `channels`
        # whose `channel_types` allow "im" is taken to match it.
        in_dms = not conditions.channel_types or "im" in conditions.channel_types
        return in_dms and not conditions.channels
    return False


def _loop_message(conditions: Conditions, verb: str, template: Template) -> str | None:
    echoed = [field.name for field in template.fields if field.name in _ECHO_FIELDS]
    if echoed and (conditions.contains or conditions.words or conditions.regex):
        return (
            f"the {verb} text repeats {{{echoed[0]}}}, "
            "so it can satisfy this rule's own conditions; "
            "only the self check keeps the rule from answering its own message"
        )

    for candidate in (_render(template, _PLACEHOLDERS, "1"), _render(template, {}, "")):
        if candidate and text_conditions_match(conditions, candidate):
            return (
                f'the {verb} text "{template.source}" matches this rule\'s own conditions; '
                "only the self check keeps the rule from answering its own message"
            )
    return None


def _render(template: Template, values: dict[str, str], group_value: str) -> str:
    """Fill in fixed fields from ``values`` and regex groups with ``group_value``.

    Other fields become empty.
    """
    pieces: list[str] = []
    for part in template.parts:
        if isinstance(part, FieldRef):
            is_group = (
                part.name not in values and part.name not in _ECHO_FIELDS and "." not in part.name
            )
            pieces.append(values.get(part.name, group_value if is_group else ""))
        else:
            pieces.append(part)
    return "".join(pieces)


def text_conditions_match(conditions: Conditions, text: str) -> bool:
    """Tell whether ``text`` satisfies every text condition, as the engine compares them."""
    fold: Callable[[str], str] = _unchanged if conditions.case_sensitive else str.casefold
    folded = fold(text)
    tests: tuple[tuple[tuple[str, ...], Callable[[str], bool]], ...] = (
        (conditions.equals, lambda value: folded == fold(value)),
        (conditions.starts_with, lambda value: folded.startswith(fold(value))),
        (conditions.contains, lambda value: fold(value) in folded),
        (conditions.words, lambda value: _has_word(folded, fold(value))),
    )
    for values, matches in tests:
        if values and not any(matches(value) for value in values):
            return False
    if conditions.regex and not any(
        pattern.search(text) is not None for pattern in conditions.regex
    ):
        return False
    return True


def _unchanged(text: str) -> str:
    return text


def _has_word(text: str, word: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is not None
