"""Grapheme-cluster boundaries, enough to never split a user-perceived character.

This follows the rules of Unicode's extended grapheme clusters (UAX #29) for what
chat text contains: CR LF, combining and enclosing marks, spacing marks, variation
selectors, emoji skin-tone modifiers and tag sequences, zero-width joiner (ZWJ)
sequences, regional-indicator pairs (flags), Hangul syllables and the Prepend
characters of Arabic and Syriac. Python's ``unicodedata`` has no grapheme property,
so the classes come from general categories and code point ranges.

The function errs on the side of joining: after a ZWJ it never reports a boundary,
whereas UAX #29 allows one before a character that is not an emoji.

NOTE: Indic conjunct clusters (a virama between two consonants, UAX #29 rule GB9c of
Unicode 15.1) are not joined, so a split may fall between the two consonants.
"""

from __future__ import annotations

import unicodedata

ZWJ = "\u200d"

_EXTEND_CATEGORIES = frozenset({"Mn", "Me", "Mc"})
"""Nonspacing, enclosing and spacing marks: none starts a cluster (GB9, GB9a)."""

_EXTEND_RANGES = (
    (0x200C, 0x200D),  # zero-width non-joiner and joiner
    (0xFE00, 0xFE0F),  # variation selectors
    (0xFF9E, 0xFF9F),  # halfwidth katakana voiced sound marks
    (0x1F3FB, 0x1F3FF),  # emoji skin-tone modifiers
    (0xE0020, 0xE007F),  # tags (subdivision flags)
    (0xE0100, 0xE01EF),  # variation selectors supplement
)

_PREPEND = frozenset({0x0600, 0x0601, 0x0602, 0x0603, 0x0604, 0x0605, 0x06DD, 0x070F, 0x0890, 0x0891, 0x08E2, 0x110BD, 0x110CD})
"""Characters that attach to the character after them (GB9b)."""

_REGIONAL_INDICATORS = (0x1F1E6, 0x1F1FF)

_HANGUL_L = ((0x1100, 0x115F), (0xA960, 0xA97C))
_HANGUL_V = ((0x1160, 0x11A7), (0xD7B0, 0xD7C6))
_HANGUL_T = ((0x11A8, 0x11FF), (0xD7CB, 0xD7FB))
_HANGUL_SYLLABLES = (0xAC00, 0xD7A3)


def _in(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= code <= high for low, high in ranges)


def is_extend(char: str) -> bool:
    """Return whether ``char`` never starts a cluster of its own (a mark, modifier or joiner)."""
    code = ord(char)
    return unicodedata.category(char) in _EXTEND_CATEGORIES or _in(code, _EXTEND_RANGES)


def is_regional_indicator(char: str) -> bool:
    """Return whether ``char`` is one of the 26 regional-indicator letters that form flags."""
    low, high = _REGIONAL_INDICATORS
    return low <= ord(char) <= high


def _hangul_kind(char: str) -> str:
    code = ord(char)
    if _in(code, _HANGUL_L):
        return "L"
    if _in(code, _HANGUL_V):
        return "V"
    if _in(code, _HANGUL_T):
        return "T"
    low, high = _HANGUL_SYLLABLES
    if low <= code <= high:
        return "LV" if (code - low) % 28 == 0 else "LVT"
    return ""


def _hangul_joined(before: str, after: str) -> bool:
    """Return whether two Hangul jamo or syllables form one syllable block (GB6 to GB8)."""
    left, right = _hangul_kind(before), _hangul_kind(after)
    if left == "L":
        return right in ("L", "V", "LV", "LVT")
    if left in ("LV", "V"):
        return right in ("V", "T")
    if left in ("LVT", "T"):
        return right == "T"
    return False


def _odd_regional_run_before(text: str, index: int) -> bool:
    """Return whether an odd number of regional indicators ends just before ``index``."""
    count = 0
    position = index - 1
    while position >= 0 and is_regional_indicator(text[position]):
        count += 1
        position -= 1
    return count % 2 == 1


def is_grapheme_boundary(text: str, index: int) -> bool:
    """Return whether a cut of ``text`` at ``index`` falls between two grapheme clusters.

    The start and the end of the text are boundaries.
    """
    if index <= 0 or index >= len(text):
        return True

    before, after = text[index - 1], text[index]
    if before == "\r" and after == "\n":
        return False
    if before in "\r\n" or after in "\r\n":
        return True
    if is_extend(after) or before == ZWJ:
        return False
    if ord(before) in _PREPEND:
        return False
    if _hangul_joined(before, after):
        return False
    if is_regional_indicator(before) and is_regional_indicator(after):
        return not _odd_regional_run_before(text, index)
    return True


def graphemes(text: str) -> list[str]:
    """Split ``text`` into its grapheme clusters, in order."""
    clusters: list[str] = []
    start = 0
    for index in range(1, len(text) + 1):
        if is_grapheme_boundary(text, index):
            clusters.append(text[start:index])
            start = index
    return clusters
