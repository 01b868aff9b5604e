"""Turn a TOML syntax error into problems that point at the cause and name the rule and key.

``tomllib`` stops at the first error and reports the place where it gave up, which for a
bad escape is a few characters after the backslash. This module finds every invalid
escape in the file itself, names duplicated keys with the line of their first use, and
falls back to tomllib's message and position for anything else.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from responder.rules.model import Problem
from responder.rules.toml_positions import KeyPath, SourceMap, Spot

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib  # type: ignore[import-not-found, no-redef, unused-ignore]

_POSITION = re.compile(
    r"(?P<message>.*?)\s*\(at (?:line (?P<line>\d+), column (?P<column>\d+)|end of document)\)\s*",
    re.S,
)
_HEX = re.compile(r"[0-9A-Fa-f]+")
_VALID_ESCAPES = 'btnfr"\\'
_DUPLICATE_MESSAGES = ("Cannot overwrite a value", "Cannot declare", "Duplicate inline table key")
_ESCAPE_MESSAGES = (
    "Unescaped '\\'",
    "Invalid hex value",
    "Escaped character is not a Unicode scalar value",
)

_UNCLOSED_MESSAGES = ("Unclosed array", "Unclosed inline table")
_END_MESSAGES = ("Invalid value", "Unterminated string")
_OPENING_CHARACTERS = ("[", "{", '"', "'")
_OPENINGS = (
    ('"""', "multi-line string"),
    ("'''", "multi-line string"),
    ("[", "array"),
    ("{", "inline table"),
    ('"', "string"),
    ("'", "string"),
)
_CLOSING = str.maketrans("[{", "]}")

_ADVICE = {
    "Invalid value": (
        "write text in quotes, true and false in lower case, and numbers without quotes"
    ),
    "Unterminated string": (
        "close the string on the same line, or use ''' for text over several lines"
    ),
    "Expected '=' after a key in a key/value pair": "write key = value, with text in quotes",
}


@dataclass(frozen=True, slots=True)
class _Context:
    rule: str | None
    key: str | None


def syntax_problems(
    error: tomllib.TOMLDecodeError, source_map: SourceMap, path: str
) -> list[Problem]:
    """Describe a TOML syntax error as one or more problems, in line order."""
    message, spot = _split_message(error, source_map)

    if message.startswith(_DUPLICATE_MESSAGES):
        duplicate = _duplicate_problem(source_map, path, spot)
        if duplicate is not None:
            return [duplicate]

    escapes = escape_problems(source_map, path)
    if message.startswith(_ESCAPE_MESSAGES) and any(
        problem.line == spot.line for problem in escapes
    ):
        return escapes

    unclosed = _unclosed_problem(source_map, path, message, spot)
    if unclosed is not None:
        return sorted([unclosed, *escapes], key=lambda problem: (problem.line, problem.column))

    context = _context_at(source_map, spot.offset)
    text = f"invalid TOML: {_explain(message, source_map, spot)}"
    generic = Problem(
        "error",
        path,
        spot.line,
        spot.column,
        text,
        context.rule,
        context.key,
        source_map.line_text(spot.line),
    )
    return sorted([generic, *escapes], key=lambda problem: (problem.line, problem.column))


def _unclosed_problem(source_map: SourceMap, path: str, message: str, spot: Spot) -> Problem | None:
    """Point at the opening of an array, inline table or string that is never closed."""
    source = source_map.source
    at_end = not source[spot.offset :].strip()
    at_line_break = source[spot.offset : spot.offset + 1] in ("\n", "\r")
    unclosed = (
        message in _UNCLOSED_MESSAGES
        or (at_end and message in _END_MESSAGES)
        or (at_line_break and message == "Invalid initial character for a key part")
    )
    if not unclosed:
        return None

    reach = min(spot.offset, len(source.rstrip()))
    candidates = [
        (key_path, entry)
        for key_path, entry in source_map.entries.items()
        if entry.value.offset <= reach <= entry.end
        and source[entry.value.offset : entry.value.offset + 1] in _OPENING_CHARACTERS
    ]
    if not candidates:
        return None

    key_path, entry = min(candidates, key=lambda candidate: candidate[1].value.offset)
    opening, kind = next(
        item for item in _OPENINGS if source.startswith(item[0], entry.value.offset)
    )
    closing = opening[::-1].translate(_CLOSING)
    text = f"invalid TOML: the {kind} that starts here is never closed; close it with {closing}"
    if kind == "inline table":
        text += " on the same line, because an inline table must fit on one line"
    context = _context_for(source_map, key_path)
    value = entry.value
    return Problem(
        "error",
        path,
        value.line,
        value.column,
        text,
        context.rule,
        context.key,
        source_map.line_text(value.line),
    )


def _explain(message: str, source_map: SourceMap, spot: Spot) -> str:
    """Reword tomllib's message for the user and add what to do next."""
    if message == "Illegal character '\\n'":
        message = "Unterminated string"
    elif message in _END_MESSAGES and not source_map.source[spot.offset :].strip():
        return "unexpected end of file; close the array, inline table or string that is still open"
    advice = _ADVICE.get(message)
    return f"{message[:1].lower()}{message[1:]}" + (f"; {advice}" if advice else "")


def _split_message(error: tomllib.TOMLDecodeError, source_map: SourceMap) -> tuple[str, Spot]:
    """Return tomllib's message without its position, and the position it gives."""
    text = str(error)
    match = _POSITION.fullmatch(text)
    message = match.group("message") if match else getattr(error, "msg", text)
    line = getattr(error, "lineno", None)
    column = getattr(error, "colno", None)
    if match and match.group("line"):
        line, column = int(match.group("line")), int(match.group("column"))

    if line is None or column is None:
        return message, source_map.spot(len(source_map.source))
    line = max(1, min(line, len(source_map.line_starts)))
    offset = source_map.line_starts[line - 1] + column - 1
    return message, Spot(line, column, offset)


def _duplicate_problem(source_map: SourceMap, path: str, spot: Spot) -> Problem | None:
    repeats = [repeat for repeat in source_map.repeats if repeat.again.line == spot.line]
    if not repeats:
        repeats = [repeat for repeat in source_map.repeats if repeat.again.line <= spot.line]
    if not repeats:
        return None

    repeat = repeats[-1]
    is_table = source_map.headers.get(repeat.path) == repeat.first
    if is_table:
        name = ".".join(str(part) for part in repeat.path)
        message = f"duplicate table [{name}] (first declared on line {repeat.first.line})"
    else:
        message = f"duplicate key (first set on line {repeat.first.line})"
    context = _context_for(source_map, repeat.path)
    return Problem(
        "error",
        path,
        repeat.again.line,
        repeat.again.column,
        message,
        context.rule,
        None if is_table else context.key,
        source_map.line_text(repeat.again.line),
    )


def escape_problems(source_map: SourceMap, path: str) -> list[Problem]:
    """Return one problem for the first invalid escape of each basic string in the source."""
    problems: list[Problem] = []
    for start, end in source_map.basic_strings:
        offset = _first_invalid_escape(source_map.source, start, end)
        if offset is None:
            continue
        spot = source_map.spot(offset)
        context = _context_at(source_map, start)
        message = _escape_message(source_map.source, start, end, offset)
        problems.append(
            Problem(
                "error",
                path,
                spot.line,
                spot.column,
                message,
                context.rule,
                context.key,
                source_map.line_text(spot.line),
            )
        )
    return problems


def _first_invalid_escape(source: str, start: int, end: int) -> int | None:
    multiline = source.startswith('"""', start)
    position = start + (3 if multiline else 1)
    stop = end - (3 if multiline else 1)
    while position < stop:
        if source[position] != "\\":
            position += 1
        elif multiline and _ends_line(source, position + 1):
            position += 2
        elif _escape_length(source, position):
            position += _escape_length(source, position)
        else:
            return position
    return None


def _escape_length(text: str, position: int) -> int:
    """Return the length of the valid escape at ``position``, or 0 when it is invalid."""
    following = text[position + 1 : position + 2]
    if following and following in _VALID_ESCAPES:
        return 2
    if following in ("u", "U"):
        width = 4 if following == "u" else 8
        digits = text[position + 2 : position + 2 + width]
        if len(digits) == width and _HEX.fullmatch(digits) and _is_scalar(int(digits, 16)):
            return 2 + width
    return 0


def _is_scalar(code: int) -> bool:
    return code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF


def _ends_line(source: str, position: int) -> bool:
    rest = source[position:]
    stripped = rest.lstrip(" \t")
    return stripped.startswith(("\n", "\r\n"))


def _escape_message(source: str, start: int, end: int, offset: int) -> str:
    escape = source[offset : offset + 2]
    message = (
        f"invalid escape '{escape}' in a double-quoted string, where a backslash starts an escape"
    )
    if source.startswith('"""', start):
        return f"{message}; write the text in ''' quotes, or double the backslash ('\\\\')"

    body = source[start + 1 : end - 1] if source[end - 1 : end] == '"' else source[start + 1 : end]
    doubled = _double_invalid_backslashes(body)
    if "'" not in body and '\\"' not in body and "\\\\" not in body:
        return (
            f"{message}; write the text in single quotes, '{body}', "
            f'or double the backslash: "{doubled}"'
        )
    return f'{message}; double the backslash: "{doubled}"'


def _double_invalid_backslashes(body: str) -> str:
    pieces: list[str] = []
    position = 0
    while position < len(body):
        length = _escape_length(body, position) if body[position] == "\\" else 1
        if length == 0:
            pieces.append("\\\\")
            length = 1
        else:
            pieces.append(body[position : position + length])
        position += length
    return "".join(pieces)


def _context_at(source_map: SourceMap, offset: int) -> _Context:
    """Name the rule and key written around ``offset``."""
    best: KeyPath | None = None
    best_start = -1
    for key_path, entry in source_map.entries.items():
        if (
            entry.key.offset <= offset <= max(entry.end, entry.value.offset)
            and entry.key.offset > best_start
        ):
            best, best_start = key_path, entry.key.offset
    if best is not None:
        return _context_for(source_map, best)

    rule_index = None
    for header_path, spot in source_map.headers.items():
        if len(header_path) >= 2 and header_path[0] == "rule" and spot.offset <= offset:
            rule_index = header_path[1]
    return (
        _context_for(source_map, ("rule", rule_index))
        if rule_index is not None
        else _Context(None, None)
    )


def _context_for(source_map: SourceMap, key_path: KeyPath) -> _Context:
    """Name the rule that ``key_path`` lies in (when it has a readable name) and its key."""
    strings = [part for part in key_path if isinstance(part, str)]
    key = strings[-1] if strings and strings[-1] != "rule" else None
    if len(key_path) < 2 or key_path[0] != "rule" or not isinstance(key_path[1], int):
        return _Context(None, key)

    name_entry = source_map.entries.get(("rule", key_path[1], "name"))
    if name_entry is None:
        return _Context(None, key)
    raw = source_map.source[name_entry.value.offset : name_entry.end]
    try:
        name = tomllib.loads(f"name = {raw}").get("name")
    except tomllib.TOMLDecodeError:
        return _Context(None, key)
    return _Context(name if isinstance(name, str) else None, key)
