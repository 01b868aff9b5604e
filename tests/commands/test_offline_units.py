"""The parts behind ``responder test``: the offline workspace, the diff and the README's examples."""

from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path

from responder.rules.loader import load_rules_text
from responder.testing.diff import diff_lines, equal
from responder.testing.workspace import OfflineWorkspace, made_up_id, references_in
from tests.commands.helpers import GREET, ROOT, responder, write

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib  # type: ignore[import-not-found, no-redef, unused-ignore]


def test_made_up_ids_from_names() -> None:
    assert made_up_id("C", "ops", ()) == "C0OPS"
    assert made_up_id("C", "release-notes", ()) == "C0RELEASENOTES"
    assert made_up_id("U", "dana", ()) == "U0DANA"
    assert made_up_id("C", "ops", ("C0OPS",)) == "C0OPS2"
    assert made_up_id("C", "ops", ("C0OPS", "C0OPS2")) == "C0OPS3"
    assert made_up_id("C", "straße-ü", ()) == "C0STRASSE"
    assert made_up_id("C", "éé", ()) == "C0NAME"


def test_references_found_in_nested_conditions_and_actions() -> None:
    rules = load_rules_text(textwrap.dedent("""
        [[rule]]
        name = "nested"
        channels = ["#ops", "C0TEST1"]
        users = ["@dana"]
        any = [{ not_channels = ["#help"] }, { unless = { users = ["@erin"] } }]
        [[rule.action]]
        post = "x"
        channel = "#notes"
        [[rule.action]]
        dm = "y"
        to = "@finn"
    """))

    channels, users = references_in(rules)

    assert channels == ["ops", "help", "notes"]
    assert users == ["dana", "erin", "finn"]


def test_workspace_keeps_given_ids() -> None:
    rules = load_rules_text('[[rule]]\nname = "r"\nchannels = ["#ops", "#test-one"]\n[[rule.action]]\nreply = "x"\n')
    workspace = OfflineWorkspace(channel_ids={"ops": "C0OPS1"}).with_names_of(rules)

    assert workspace.channel_id("#ops") == "C0OPS1"
    assert workspace.channel_id("#test-one") == "C0TESTONE"
    assert workspace.channel_id("C0TEST2") == "C0TEST2"
    assert OfflineWorkspace().with_names_of(rules).channel_id("#test-one") == "C0TEST1"


def test_diff_pairs_common_items() -> None:
    lines = diff_lines(["a", "b", "c"], ["a", "x", "c", "d"], equal, str, str)

    assert lines == ["  a", "- b", "+ x", "  c", "+ d"]


def test_diff_of_empty_lists() -> None:
    assert diff_lines([], ["a"], equal, str, str) == ["+ a"]
    assert diff_lines(["a"], [], equal, str, str) == ["- a"]
    assert diff_lines([], [], equal, str, str) == []


def test_diff_with_a_match_predicate() -> None:
    lines = diff_lines(["he"], ["hello", "help"], lambda prefix, word: word.startswith(prefix), str, str)

    assert lines == ["  hello", "+ help"]


def readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def toml_blocks(section: str) -> list[str]:
    return re.findall(r"```toml\n(.*?)```", section, flags=re.S)


def test_readme_test_example_passes(tmp_path: Path) -> None:
    example = toml_blocks(readme_section("Tests beside the rules"))[0]
    rules = write(tmp_path, "rules.toml", GREET, example)

    result = responder("test", str(rules))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASS greets in a thread" in result.stdout


def test_readme_workspace_example_applies(tmp_path: Path) -> None:
    workspace = toml_blocks(readme_section("Tests beside the rules"))[1]
    rules = write(tmp_path, "rules.toml", GREET, workspace, """
        [[test]]
        name = "the old bot id is a person"
        event = { type = "message", channel = "C0OPS1", user = "U0SELF", text = "hello", ts = "1700000000.000100" }
        actions = [{ reply = "Hi <@U0SELF>!", channel = "#ops" }]
    """)

    result = responder("test", str(rules))

    assert result.returncode == 0, result.stdout + result.stderr


def test_readme_taplo_examples_are_toml() -> None:
    directive, config = toml_blocks(readme_section("Editor support"))

    assert directive.startswith("#:schema ")
    assert tomllib.loads(config)["rule"][0]["schema"]["path"].endswith("rules.schema.json")
