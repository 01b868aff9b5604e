"""Bounds, escapes and character positions of TOML strings in source text.

Most functions take the whole source and the offset of a string's opening quote. They
accept invalid strings (unclosed, bad escapes) and return their best reading, because
they serve error messages as well as valid files.
"""

from __future__ import annotations

_SIMPLE_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


def basic_string_end(src: str, start: int) -> int:
    """Return the offset after a one-line basic string, or its line's end if unclosed."""
    position = start + 1
    while position < len(src):
        char = src[position]
        if char == "\\":
            position += 2
        elif char == '"':
            return position + 1
        elif char == "\n":
            return position
        else:
            position += 1
    return len(src)


def multiline_string_end(src: str, start: int) -> int:
    """Return the offset after a multi-line string that starts with three quotes."""
    delimiter = src[start : start + 3]
    position = start + 3
    while position < len(src):
        if delimiter == '"""' and src[position] == "\\":
            position += 2
        elif src.startswith(delimiter, position):
            end = position + 3
            # Up to two quotes right before the closing delimiter belong to the content.
            while end < len(src) and src[end] == delimiter[0] and end - position < 5:
                end += 1
            return end
        else:
            position += 1
    return len(src)


def decode_basic(body: str) -> str:
    """Decode the escapes of a basic string's body, keeping invalid ones as written."""
    pieces: list[str] = []
    position = 0
    while position < len(body):
        char = body[position]
        if char != "\\" or position + 1 >= len(body):
            pieces.append(char)
            position += 1
            continue
        code = body[position + 1]
        width = {"u": 4, "U": 8}.get(code, 0)
        if width:
            try:
                pieces.append(chr(int(body[position + 2 : position + 2 + width], 16)))
                position += 2 + width
                continue
            except ValueError:
                pass
        pieces.append(_SIMPLE_ESCAPES.get(code, "\\" + code))
        position += 2
    return "".join(pieces)


def decoded_offsets(src: str, start: int) -> list[int]:
    """Return, for each character of the string value at ``start``, its source offset."""
    if not src.startswith(('"', "'"), start):
        return []
    multiline = src.startswith(('"""', "'''"), start)
    position, end = _content_bounds(src, start, multiline)
    if src[start] == "'":
        return list(range(position, end))
    return _basic_offsets(src, position, end, multiline)


def _content_bounds(src: str, start: int, multiline: bool) -> tuple[int, int]:
    """Return the offsets where a string's content starts and ends, quotes excluded."""
    if multiline:
        end = multiline_string_end(src, start)
        closed = src[end - 3 : end] == src[start] * 3 and end >= start + 6
        position = start + 3
        if src.startswith("\r\n", position):
            position += 2
        elif src.startswith("\n", position):
            position += 1
        return position, end - 3 if closed else end

    if src[start] == '"':
        end = basic_string_end(src, start)
    else:
        end = src.find("'", start + 1) + 1 or len(src)
    closed = end > start + 1 and src[end - 1] == src[start]
    return start + 1, end - 1 if closed else end


def _basic_offsets(src: str, position: int, end: int, multiline: bool) -> list[int]:
    offsets: list[int] = []
    while position < end:
        char = src[position]
        if char != "\\":
            offsets.append(position)
            position += 1
            continue
        following = src[position + 1 : position + 2]
        if multiline and following in (" ", "\t", "\r", "\n"):
            # A line-ending backslash trims the line break and the whitespace after it.
            position += 1
            while position < end and src[position] in " \t\r\n":
                position += 1
            continue
        offsets.append(position)
        position += {"u": 6, "U": 10}.get(following, 2)
    return offsets
