"""docs/emulator.md documents every key the scenario loader accepts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from responder.emulator.scenario import FAULT_KEYS, MESSAGE_KEYS, TOP_LEVEL_KEYS, VERB_MODIFIERS
from responder.emulator.workspace_table import CHANNEL_KEYS, USER_KEYS, WORKSPACE_KEYS

DOCS = Path(__file__).parents[2] / "docs" / "emulator.md"


def section(title: str) -> str:
    """Return the text of the docs section headed ``title``, up to the next heading."""
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(rf"^#+ {re.escape(title)}\n(.*?)(?=^#)", text, re.MULTILINE | re.DOTALL)
    assert match is not None, f"{DOCS.name} has no section {title!r}"
    return match.group(1)


def table_rows(text: str) -> list[str]:
    """Return the body rows of the Markdown tables in ``text``."""
    return [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]


@pytest.mark.parametrize("verb", sorted(VERB_MODIFIERS))
def test_docs_describe_step_verb(verb: str) -> None:
    rows = [row for row in table_rows(section("Steps")) if row.startswith(f"| `{verb} ")]

    assert rows, f"no row for the step '{verb}' in the Steps table"
    for modifier in VERB_MODIFIERS[verb]:
        assert any(f"`{modifier}" in row for row in rows), f"'{verb}' row omits '{modifier}'"


def test_docs_describe_step_tables() -> None:
    steps = section("Steps")

    for key in MESSAGE_KEYS + FAULT_KEYS:
        assert key in steps, f"the Steps section omits '{key}'"
    assert "`repeat = N`" in steps


@pytest.mark.parametrize("key", [key for key in TOP_LEVEL_KEYS if key != "step"])
def test_docs_describe_top_level_key(key: str) -> None:
    assert f"| `{key}`" in section("Scenario files") or f"`[{key}]`" in section("Scenario files")


def test_docs_describe_workspace_keys() -> None:
    workspace = section("`[workspace]`")

    for key in WORKSPACE_KEYS + USER_KEYS + CHANNEL_KEYS:
        forms = (f"`{key}`", f"`{key} ", f"`[[workspace.{key}]]`")
        assert any(form in workspace for form in forms), f"'{key}' is not documented"
