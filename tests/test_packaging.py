"""Files that the package ships beside its code."""

from __future__ import annotations

from pathlib import Path

from responder.commands.demo import default_scenario

ROOT = Path(__file__).resolve().parents[1]


def test_packaged_example_rules_match_the_repository_copy() -> None:
    packaged = ROOT / "responder" / "data" / "rules.example.toml"

    assert packaged.read_text(encoding="utf-8") == (ROOT / "rules.example.toml").read_text(encoding="utf-8")


def test_demo_scenario_is_packaged() -> None:
    assert default_scenario().is_file()
