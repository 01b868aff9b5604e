"""The position locator finds keys and values in TOML source."""

from __future__ import annotations

from responder.rules.toml_positions import locate

SOURCE = '''\
# comment with [[rule]] and name = "no"
[settings]
reply_limit = "10/60s"  # trailing comment

[[rule]]
name = "greet"
words = ["hello", 'hi',  # a comment inside an array
   "hey"]
regex = """
first
second"""
"dotted.key".inner = { a = 1, "b c" = [2, 3] }
[[rule.action]]
reply = 'x'
[[rule.action]]
react = "y"

[[rule]]
name = "other"
[[rule.action]]
reply = "z"
'''


def test_headers_of_tables_and_arrays() -> None:
    found = locate(SOURCE)

    assert found.headers[("settings",)].line == 2
    assert found.headers[("rule", 0)].line == 5
    assert found.headers[("rule", 0, "action", 0)].line == 13
    assert found.headers[("rule", 0, "action", 1)].line == 15
    assert found.headers[("rule", 1)].line == 18
    assert found.headers[("rule", 1, "action", 0)].line == 20


def test_key_and_value_columns() -> None:
    entry = locate(SOURCE).entries[("settings", "reply_limit")]

    assert (entry.key.line, entry.key.column) == (3, 1)
    assert (entry.value.line, entry.value.column) == (3, 15)


def test_array_elements_over_lines() -> None:
    entries = locate(SOURCE).entries

    assert (
        entries[("rule", 0, "words", 1)].value.line,
        entries[("rule", 0, "words", 1)].value.column,
    ) == (7, 19)
    assert (
        entries[("rule", 0, "words", 2)].value.line,
        entries[("rule", 0, "words", 2)].value.column,
    ) == (8, 4)


def test_keys_after_multiline_string() -> None:
    entries = locate(SOURCE).entries

    assert entries[("rule", 0, "regex")].value.line == 9
    assert entries[("rule", 0, "dotted.key", "inner")].key.line == 12
    assert entries[("rule", 0, "dotted.key", "inner", "b c", 1)].value.column == 43


def test_actions_of_second_rule() -> None:
    entries = locate(SOURCE).entries

    assert entries[("rule", 1, "action", 0, "reply")].key.line == 21
    assert entries[("rule", 0, "action", 1, "react")].key.line == 16


def test_character_positions_inside_strings() -> None:
    found = locate('a = "x\\ty\\u00e9z"\nb = """\nline\\\n    more"""\n')

    assert found.string_spot(("a",), 2) is not None
    assert found.string_spot(("a",), 2).column == 9
    assert found.string_spot(("a",), 4).column == 16
    assert found.string_spot(("b",), 4).line == 4
    assert found.string_spot(("b",), 4).column == 5


def test_repeated_keys_are_recorded() -> None:
    found = locate("[[rule]]\nname = 'a'\nname = 'b'\n")

    assert [(repeat.path, repeat.first.line, repeat.again.line) for repeat in found.repeats] == [
        (("rule", 0, "name"), 2, 3)
    ]


def test_invalid_lines_are_skipped() -> None:
    found = locate('[[rule]]\nname = "a\\q"\n= 5\nwords = "b"\n')

    assert found.entries[("rule", 0, "words")].key.line == 4
