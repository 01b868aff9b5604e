"""Checks of the text conditions (``equals``, ``starts_with``, ``contains``, ``words``, ``regex``).

Values are case-folded once, here, and each check reads the text view its options select.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from responder.engine.context import Check, EventContext, text_view
from responder.rules.model import Conditions


def text_checks(conditions: Conditions, after_mention: bool) -> list[Check]:
    """Build the checks of the text conditions; ``after_mention`` drops a leading bot mention."""
    checks: list[Check] = []
    folded = not conditions.case_sensitive
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
