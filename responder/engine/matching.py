"""A rule's conditions compiled into checks, cheapest first, each naming why it failed.

A check takes the :class:`EventContext` and returns None when its condition holds, or
the reason it does not, in the form ``"KEY: what failed"``. Only the conditions a rule
names become checks, and text values are case-folded once, here, not per event.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Callable

from responder.engine.context import EventContext, text_view
from responder.engine.names import NameIndex
from responder.rules.model import Conditions

Check = Callable[[EventContext], "str | None"]


def compile_checks(conditions: Conditions, names: NameIndex) -> tuple[Check, ...]:
    """Build the checks for ``conditions``, in the order they run."""
    checks: list[Check] = []
    checks.extend(_place_checks(conditions, names))
    checks.extend(_author_checks(conditions, names))
    checks.extend(_shape_checks(conditions))
    checks.extend(_text_checks(conditions))
    return tuple(checks)


def _place_checks(conditions: Conditions, names: NameIndex) -> list[Check]:
    checks: list[Check] = []

    if conditions.channels:
        listed, unresolved = _resolve(conditions.channels, names.channel_id)
        note = _unresolved_note("channel", unresolved)

        def in_channels(context: EventContext) -> str | None:
            channel = context.event.channel
            if channel is None:
                return "channels: the event has no channel" + note
            return None if channel in listed else f"channels: {channel} not listed{note}"

        checks.append(in_channels)

    if conditions.not_channels:
        excluded, _ = _resolve(conditions.not_channels, names.channel_id)

        def not_in_channels(context: EventContext) -> str | None:
            channel = context.event.channel
            return f"not_channels: {channel} is excluded" if channel in excluded else None

        checks.append(not_in_channels)

    return checks


def _author_checks(conditions: Conditions, names: NameIndex) -> list[Check]:
    checks: list[Check] = []

    if conditions.users:
        listed, unresolved = _resolve(conditions.users, names.user_id)
        note = _unresolved_note("user", unresolved)

        def by_users(context: EventContext) -> str | None:
            user = context.event.user
            if user is None:
                return "users: the event has no author"
            return None if user in listed else f"users: {user} not listed{note}"

        checks.append(by_users)

    if conditions.not_users:
        excluded, _ = _resolve(conditions.not_users, names.user_id)

        def not_by_users(context: EventContext) -> str | None:
            user = context.event.user
            return f"not_users: {user} is excluded" if user in excluded else None

        checks.append(not_by_users)

    return checks


def _shape_checks(conditions: Conditions) -> list[Check]:
    """Checks on the thread, the files and the bot's mention."""
    checks: list[Check] = []

    if conditions.thread == "top":
        checks.append(_is_top_level)
    elif conditions.thread == "reply":
        checks.append(_is_reply)

    if conditions.has_files is True:
        checks.append(_has_files)
    elif conditions.has_files is False:
        checks.append(_has_no_files)

    if conditions.mention is not None:
        checks.append(MENTION_CHECKS[conditions.mention])

    return checks


def _is_top_level(context: EventContext) -> str | None:
    return "thread: the message is a reply" if context.event.is_reply else None


def _is_reply(context: EventContext) -> str | None:
    return None if context.event.is_reply else "thread: the message is not a reply"


def _has_files(context: EventContext) -> str | None:
    return None if context.event.has_files else "has_files: the message has no files"


def _has_no_files(context: EventContext) -> str | None:
    return "has_files: the message has files" if context.event.has_files else None


def _mentions_bot(context: EventContext) -> str | None:
    if context.identity.user_id in context.event.mentions:
        return None
    return "mention: the bot is not mentioned"


def _starts_with_mention(context: EventContext) -> str | None:
    if context.starts_with_bot_mention:
        return None
    return "mention: the text does not start with the bot's mention"


def _does_not_mention_bot(context: EventContext) -> str | None:
    if context.identity.user_id in context.event.mentions:
        return "mention: the bot is mentioned"
    return None


MENTION_CHECKS: dict[str, Check] = {
    "anywhere": _mentions_bot,
    "start": _starts_with_mention,
    "never": _does_not_mention_bot,
}


def _text_checks(conditions: Conditions) -> list[Check]:
    checks: list[Check] = []
    folded = not conditions.case_sensitive
    after_mention = conditions.mention == "start"
    view = text_view(raw=conditions.raw_text, after_mention=after_mention, folded=folded)
    exact_view = text_view(raw=conditions.raw_text, after_mention=after_mention, folded=False)

    def values(texts: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(text.casefold() for text in texts) if folded else texts

    if conditions.equals:
        checks.append(_equals_check(frozenset(values(conditions.equals)), view))
    if conditions.starts_with:
        checks.append(_starts_with_check(values(conditions.starts_with), view))
    if conditions.contains:
        checks.append(_contains_check(values(conditions.contains), view))
    if conditions.words:
        checks.append(_words_check(tuple(word for word in values(conditions.words) if word), view))
    if conditions.regex:
        checks.append(_regex_check(conditions.regex, exact_view))

    return checks


def _equals_check(values: frozenset[str], view: int) -> Check:
    def equals(context: EventContext) -> str | None:
        if context.text(view) in values:
            return None
        return "equals: the text is none of the listed values"

    return equals


def _starts_with_check(prefixes: tuple[str, ...], view: int) -> Check:
    def starts_with(context: EventContext) -> str | None:
        if context.text(view).startswith(prefixes):
            return None
        return "starts_with: the text starts with no listed value"

    return starts_with


def _contains_check(parts: tuple[str, ...], view: int) -> Check:
    def contains(context: EventContext) -> str | None:
        text = context.text(view)
        for part in parts:
            if part in text:
                return None
        return "contains: no listed text in the text"

    return contains


def _words_check(words: tuple[str, ...], view: int) -> Check:
    def has_word(context: EventContext) -> str | None:
        text = context.text(view)
        for word in words:
            if contains_word(text, word):
                return None
        return "words: no listed word in the text"

    return has_word


def _regex_check(patterns: tuple[Any, ...], view: int) -> Check:
    def matches(context: EventContext) -> str | None:
        text = context.text(view)
        for pattern in patterns:
            match = pattern.search(text)
            if match is not None:
                context.match = match
                return None
        return "regex: no pattern matches the text"

    return matches


def contains_word(text: str, word: str) -> bool:
    """True when ``word`` occurs in ``text`` with no word character on either side.

    Word characters are letters and digits of any script (``str.isalnum``), ``_`` and
    combining marks, so ``hello`` is found in ``hello, world`` but not in ``helloworld``.
    """
    start = text.find(word)
    while start != -1:
        end = start + len(word)
        free_before = start == 0 or not is_word_char(text[start - 1])
        free_after = end == len(text) or not is_word_char(text[end])
        if free_before and free_after:
            return True
        start = text.find(word, start + 1)
    return False


def is_word_char(char: str) -> bool:
    """True for a letter, a digit, ``_`` or a combining mark, in any script."""
    return char.isalnum() or char == "_" or unicodedata.category(char).startswith("M")


def _resolve(
    references: tuple[str, ...], resolve: Callable[[str], str | None]
) -> tuple[frozenset[str], tuple[str, ...]]:
    """Split ids and names into the set of ids and the names that are not known."""
    ids: set[str] = set()
    unresolved: list[str] = []
    for reference in references:
        identifier = resolve(reference)
        if identifier is None:
            unresolved.append(reference)
        else:
            ids.add(identifier)
    return frozenset(ids), tuple(unresolved)


def _unresolved_note(kind: str, unresolved: tuple[str, ...]) -> str:
    if not unresolved:
        return ""
    return f" ({kind} name {', '.join(unresolved)} not resolved)"
