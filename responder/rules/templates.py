"""Action text templates: ``{field}`` references and ``{{``/``}}`` literal braces."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Union


@dataclass(frozen=True, slots=True)
class FieldRef:
    """A ``{name}`` reference; ``column`` is the 0-based offset of its ``{``."""

    name: str
    column: int


Part = Union[str, FieldRef]


@dataclass(frozen=True, slots=True)
class Template:
    """A parsed action text."""

    source: str
    parts: tuple[Part, ...]

    @property
    def fields(self) -> tuple[FieldRef, ...]:
        """The field references, in order of appearance."""
        return tuple(part for part in self.parts if isinstance(part, FieldRef))


class TemplateSyntaxError(ValueError):
    """A template that cannot be parsed; ``column`` is the 0-based offset."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.column = column


class MissingField(LookupError):
    """A field that has no value for the event being answered."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def parse_template(source: str) -> Template:
    """Split ``source`` into literal text and field references."""
    parts: list[Part] = []
    literal: list[str] = []
    position = 0

    while position < len(source):
        char = source[position]
        if source.startswith("{{", position) or source.startswith("}}", position):
            literal.append(char)
            position += 2
        elif char == "{":
            end = source.find("}", position + 1)
            if end == -1:
                raise TemplateSyntaxError("unclosed '{' (write '{{' for a literal brace)", position)
            name = source[position + 1 : end].strip()
            if not name or "{" in name:
                raise TemplateSyntaxError("empty or malformed field name", position)
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(FieldRef(name, position))
            position = end + 1
        elif char == "}":
            raise TemplateSyntaxError("single '}' (write '}}' for a literal brace)", position)
        else:
            literal.append(char)
            position += 1

    if literal:
        parts.append("".join(literal))
    return Template(source, tuple(parts))


def render(template: Template, lookup: Callable[[str], str | None]) -> str:
    """Fill in every field through ``lookup``; raise :class:`MissingField` for None."""
    pieces: list[str] = []
    for part in template.parts:
        if isinstance(part, str):
            pieces.append(part)
            continue
        value = lookup(part.name)
        if value is None:
            raise MissingField(part.name)
        pieces.append(value)
    return "".join(pieces)
