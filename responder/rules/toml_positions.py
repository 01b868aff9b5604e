"""Line and column of every table, key and value in TOML source.

``tomllib`` returns plain values with no positions, so this scanner reads the source a
second time and records where each key path starts. It follows TOML 1.0's layout: tables,
arrays of tables, dotted and quoted keys, inline tables, arrays over several lines,
multi-line strings and comments. It validates nothing. On invalid TOML it skips what it
cannot read and continues, so that syntax errors can still name their rule and key.

A key path is a tuple such as ``("rule", 0, "action", 1, "reply")``: table names and keys
as strings, and 0-based indexes into arrays of tables and arrays.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Union

from responder.rules.toml_strings import (
    basic_string_end,
    decode_basic,
    decoded_offsets,
    multiline_string_end,
)

KeyPath = tuple[Union[str, int], ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR = re.compile(r"[^,\]}#\r\n]*")


@dataclass(frozen=True, slots=True)
class Spot:
    """A place in the source: 1-based line and column, and the 0-based offset."""

    line: int
    column: int
    offset: int


@dataclass(frozen=True, slots=True)
class Entry:
    """The positions of one key and its value; ``end`` is the offset after the value."""

    key: Spot
    value: Spot
    end: int


@dataclass(frozen=True, slots=True)
class Repeat:
    """A key or table header written a second time."""

    path: KeyPath
    first: Spot
    again: Spot


@dataclass(slots=True)
class SourceMap:
    """Positions of the headers, keys and values found in one TOML source."""

    source: str
    line_starts: list[int]
    headers: dict[KeyPath, Spot] = field(default_factory=dict)
    entries: dict[KeyPath, Entry] = field(default_factory=dict)
    repeats: list[Repeat] = field(default_factory=list)
    basic_strings: list[tuple[int, int]] = field(default_factory=list)

    def spot(self, offset: int) -> Spot:
        """Return the line and column of a 0-based offset, placing the end on the last line."""
        index = bisect.bisect_right(self.line_starts, offset) - 1
        column = offset - self.line_starts[index] + 1
        return Spot(index + 1, min(column, len(self.line_text(index + 1)) + 1), offset)

    def line_text(self, line: int) -> str:
        """Return the text of a 1-based line, without its line break."""
        if not 1 <= line <= len(self.line_starts):
            return ""
        start = self.line_starts[line - 1]
        end = self.line_starts[line] if line < len(self.line_starts) else len(self.source)
        return self.source[start:end].rstrip("\r\n")

    def string_spot(self, path: KeyPath, index: int) -> Spot | None:
        """Return where the character at ``index`` of the string value at ``path`` is written."""
        entry = self.entries.get(path)
        if entry is None:
            return None
        offsets = decoded_offsets(self.source, entry.value.offset)
        if not 0 <= index < len(offsets):
            return None
        return self.spot(offsets[index])


def locate(source: str) -> SourceMap:
    """Scan ``source`` and record the position of every header, key and value."""
    line_starts = [0] + [match.end() for match in re.finditer(r"\n", source)]
    if line_starts[-1] == len(source) and len(line_starts) > 1:
        line_starts.pop()
    scanner = _Scanner(SourceMap(source, line_starts))
    scanner.run()
    return scanner.found


class _Scanner:
    def __init__(self, found: SourceMap) -> None:
        self.found = found
        self.src = found.source
        self.pos = 0
        self.table: KeyPath = ()
        self.table_array_counts: dict[KeyPath, int] = {}

    def peek(self, length: int = 1) -> str:
        return self.src[self.pos : self.pos + length]

    def run(self) -> None:
        while True:
            self.skip_blank()
            if self.pos >= len(self.src):
                return
            start = self.pos
            if self.peek() == "[":
                self.header()
            else:
                self.key_value(self.table)
            self.finish_line(start)

    def finish_line(self, start: int) -> None:
        """Skip a trailing comment, and the rest of a line that could not be read."""
        self.skip_spaces()
        if self.peek() == "#" or self.pos == start or self.peek() not in ("", "\n", "\r"):
            end = self.src.find("\n", max(self.pos, start + 1))
            self.pos = len(self.src) if end == -1 else end

    def skip_spaces(self) -> None:
        while self.peek() in (" ", "\t"):
            self.pos += 1

    def skip_blank(self) -> None:
        while self.pos < len(self.src):
            char = self.src[self.pos]
            if char in " \t\r\n":
                self.pos += 1
            elif char == "#":
                end = self.src.find("\n", self.pos)
                self.pos = len(self.src) if end == -1 else end
            else:
                return

    def resolve(self, names: list[str]) -> KeyPath:
        """Turn table names into a key path, entering the last table of each array."""
        path: KeyPath = ()
        for name in names:
            path += (name,)
            if path in self.table_array_counts:
                path += (self.table_array_counts[path] - 1,)
        return path

    def header(self) -> None:
        at = self.found.spot(self.pos)
        is_array = self.peek(2) == "[["
        self.pos += 2 if is_array else 1
        names = [name for name, _ in self.key_parts()]
        self.skip_spaces()
        closing = "]]" if is_array else "]"
        if self.peek(len(closing)) == closing:
            self.pos += len(closing)
        if not names:
            return

        if is_array:
            base = self.resolve(names[:-1]) + (names[-1],)
            index = self.table_array_counts.get(base, 0)
            self.table_array_counts[base] = index + 1
            self.found.headers.setdefault(base, at)
            self.table = base + (index,)
        else:
            self.table = self.resolve(names)
            if self.table in self.found.headers:
                self.found.repeats.append(Repeat(self.table, self.found.headers[self.table], at))
        self.found.headers.setdefault(self.table, at)

    def key_parts(self) -> list[tuple[str, int]]:
        """Read a dotted key; return each part with the offset where it starts."""
        parts: list[tuple[str, int]] = []
        while True:
            self.skip_spaces()
            at = self.pos
            if self.peek() == '"':
                self.pos = basic_string_end(self.src, at)
                name = decode_basic(self.src[at + 1 : self.pos - 1])
            elif self.peek() == "'":
                end = self.src.find("'", at + 1)
                self.pos = len(self.src) if end == -1 else end + 1
                name = self.src[at + 1 : self.pos - 1]
            else:
                match = _BARE_KEY.match(self.src, at)
                if match is None:
                    return parts
                self.pos = match.end()
                name = match.group()
            parts.append((name, at))
            self.skip_spaces()
            if self.peek() != ".":
                return parts
            self.pos += 1

    def key_value(self, table: KeyPath) -> None:
        parts = self.key_parts()
        self.skip_spaces()
        if not parts or self.peek() != "=":
            return
        self.pos += 1
        self.skip_spaces()

        path = table + tuple(name for name, _ in parts)
        value_at = self.pos
        self.value(path)
        self.record(path, parts[0][1], value_at)

    def record(self, path: KeyPath, key_at: int, value_at: int) -> None:
        entry = Entry(self.found.spot(key_at), self.found.spot(value_at), self.pos)
        first = self.found.entries.get(path)
        if first is None:
            self.found.entries[path] = entry
        else:
            self.found.repeats.append(Repeat(path, first.key, entry.key))

    def value(self, path: KeyPath) -> None:
        at = self.pos
        if self.peek(3) in ('"""', "'''"):
            self.pos = multiline_string_end(self.src, at)
            if self.src[at] == '"':
                self.found.basic_strings.append((at, self.pos))
        elif self.peek() == '"':
            self.pos = basic_string_end(self.src, at)
            self.found.basic_strings.append((at, self.pos))
        elif self.peek() == "'":
            end = self.src.find("'", at + 1)
            newline = self.src.find("\n", at + 1)
            if end == -1 or (newline != -1 and newline < end):
                end = len(self.src) - 1 if newline == -1 else newline - 1
            self.pos = end + 1
        elif self.peek() == "[":
            self.array(path)
        elif self.peek() == "{":
            self.inline_table(path)
        else:
            match = _SCALAR.match(self.src, at)
            assert match is not None
            self.pos = at + len(match.group().rstrip(" \t"))

    def array(self, path: KeyPath) -> None:
        self.pos += 1
        index = 0
        while self.pos < len(self.src):
            self.skip_blank()
            if self.peek() == "]":
                self.pos += 1
                return
            if self.peek() == ",":
                self.pos += 1
                continue
            at = self.pos
            self.value(path + (index,))
            if self.pos == at:
                return
            self.record(path + (index,), at, at)
            index += 1

    def inline_table(self, path: KeyPath) -> None:
        self.pos += 1
        while self.pos < len(self.src):
            self.skip_spaces()
            if self.peek() == "}":
                self.pos += 1
                return
            if self.peek() == ",":
                self.pos += 1
                continue
            at = self.pos
            self.key_value(path)
            if self.pos == at:
                return
