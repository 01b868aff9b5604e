"""Fixed-width cells and clock formatting for one-line rows."""

from __future__ import annotations

import time
from functools import lru_cache
from typing import Sequence

from rich.cells import cell_len, set_cell_size
from rich.text import Span, Text

ELLIPSIS = "…"

EMPTY_TEXT_MARKER = "∅ (no text)"
"""Placeholder for an empty message text, so the cell never looks blank."""


def one_line(value: str) -> str:
    """Replace line breaks, tabs and other non-printable characters with spaces."""
    if value.isprintable():
        return value
    return "".join(character if character.isprintable() else " " for character in value)


def fit(value: str, width: int) -> str:
    """Put ``value`` on one line of exactly ``width`` cells, cut with an ellipsis if longer."""
    # A character takes at most two cells, so more than this many characters cannot fit.
    limit = width * 2
    clean = one_line(value[: limit + 1])

    if len(value) <= limit and cell_len(clean) <= width:
        return set_cell_size(clean, width)

    return set_cell_size(clean, width - 1) + ELLIPSIS


def clock(at: float) -> str:
    """Format a ``time.time()`` value as local ``HH:MM:SS``."""
    return _clock_of_second(int(at))


@lru_cache(maxsize=64)
def _clock_of_second(second: int) -> str:
    return time.strftime("%H:%M:%S", time.localtime(second))


def assemble(parts: Sequence[tuple[str, str]]) -> Text:
    """Join ``(text, style)`` pairs into one unwrapped row.

    This builds the spans directly, which costs a fraction of ``Text.append`` per part
    and matters when a batch fills a whole stream. The parts must already be one line.
    """
    pieces: list[str] = []
    spans: list[Span] = []
    offset = 0
    for piece, style in parts:
        end = offset + len(piece)
        if style and piece:
            spans.append(Span(offset, end, style))
        pieces.append(piece)
        offset = end

    return Text("".join(pieces), no_wrap=True, spans=spans)


def duration(seconds: float) -> str:
    """Format a duration as ``H:MM:SS``, with a day count in front past 24 hours."""
    whole = max(0, int(seconds))
    days, rest = divmod(whole, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)

    text = f"{hours}:{minutes:02d}:{secs:02d}"
    if days:
        return f"{days}d {text}"
    return text


def plural(count: int, noun: str) -> str:
    """Return ``"1 rule"`` or ``"3 rules"``: the count and the noun, with an s unless one."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"
