"""Splitting of long message text into posts that each fit Slack's length limit.

Lengths count Unicode code points, as ``len()`` does. A cut never falls inside a
``<…>`` token (mention, link, channel), an HTML entity such as ``&amp;`` or a
grapheme cluster (an emoji sequence, a letter with its combining marks). Within the
second half of the allowed length it prefers the last newline, then the last space;
that one whitespace character is dropped at the cut. Without either, the text is cut
at the last safe position.
"""

from __future__ import annotations

import re

from responder.slack.graphemes import is_grapheme_boundary

PROTECTED = re.compile(r"<[^<>]*>|&(?:#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6}|[A-Za-z]{2,8});")
"""Slack's ``<…>`` tokens and character entities, which a cut must not enter."""

PREFERRED_BREAKS = ("\n", " ")
"""Whitespace to cut at, best first."""


def split_text(text: str, limit: int) -> list[str]:
    """Return ``text`` as pieces of at most ``limit`` code points, in order.

    A text within the limit comes back as the only piece. Raises ``ValueError`` when
    ``limit`` is under 1.
    """
    if limit < 1:
        raise ValueError(f"the maximum text length must be at least 1, got {limit}")

    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut, dropped = find_cut(rest, limit)
        pieces.append(rest[:cut])
        rest = rest[cut + dropped :]
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def find_cut(text: str, limit: int) -> tuple[int, int]:
    """Return where to end the first piece of ``text`` and how many characters to drop there.

    ``text`` must be longer than ``limit``.
    """
    blocked = _protected_positions(text, limit)

    def safe(index: int) -> bool:
        return index not in blocked and is_grapheme_boundary(text, index)

    lowest_preferred = max(1, limit // 2)
    for whitespace in PREFERRED_BREAKS:
        index = text.rfind(whitespace, lowest_preferred, limit + 1)
        while index >= lowest_preferred:
            if safe(index) and safe(index + 1):
                return index, 1
            index = text.rfind(whitespace, lowest_preferred, index)

    for index in range(limit, 0, -1):
        if safe(index):
            return index, 0

    # A single token longer than the limit: cut it between clusters rather than fail.
    for index in range(limit, 0, -1):
        if is_grapheme_boundary(text, index):
            return index, 0
    return limit, 0


def _protected_positions(text: str, limit: int) -> set[int]:
    """Return the cut positions up to ``limit + 1`` that fall inside a token or entity."""
    blocked: set[int] = set()
    for match in PROTECTED.finditer(text):
        if match.start() > limit:
            break
        blocked.update(range(match.start() + 1, min(match.end(), limit + 2)))
    return blocked
