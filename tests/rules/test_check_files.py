"""Checking several rules files in one run: every problem of every file, each at its line."""

from __future__ import annotations

from pathlib import Path

from responder.rules.loader import check_files

FIRST = """\
[settings]
timezone = "Europe/Berln"

[[rule]]
name = "page"
any = [{ words = "urgent" }, { contans = "sev1" }]
cooldown = "ten minutes"
[[rule.action]]
reply = "Paged."
to = "@dana"

[[rule]]
name = "after-hours"
active_hours = "Mon-Fri 18:00-25:00"
[[rule.action]]
ephemeral = "We answer tomorrow."
"""

SECOND = """\
[[rule]]
name = "greet"
words = ["hello"
[[rule.action]]
reply = "Hi {user}!"
"""


def test_five_mistakes_in_two_files(tmp_path: Path) -> None:
    first = tmp_path / "a.toml"
    second = tmp_path / "b.toml"
    first.write_text(FIRST, encoding="utf-8")
    second.write_text(SECOND, encoding="utf-8")

    results = check_files([first, second])

    assert [result.path for result in results] == [str(first), str(second)]
    assert all(result.ruleset is None for result in results)
    assert [(problem.line, problem.key) for problem in results[0].problems] == [
        (2, "settings.timezone"),
        (6, "any[1].contans"),
        (7, "cooldown"),
        (10, "to"),
        (14, "active_hours"),
    ]
    assert [problem.line for problem in results[1].problems] == [3]
    assert results[1].problems[0].message.startswith("invalid TOML")
    assert not any(result.unreadable for result in results)


def test_messages_name_each_mistake(tmp_path: Path) -> None:
    first = tmp_path / "a.toml"
    first.write_text(FIRST, encoding="utf-8")

    lines = [problem.format() for problem in check_files([first])[0].problems]

    assert lines[0].startswith(f"{first}:2:12: settings.timezone: unknown time zone 'Europe/Berln'")
    assert lines[1] == f"{first}:6:32: rule \"page\": any[1].contans: unknown key (did you mean 'contains'?)"
    assert lines[2].startswith(f"{first}:7:12: rule \"page\": cooldown: invalid duration 'ten minutes'")
    assert lines[3] == f'{first}:10:1: rule "page": to: applies only to dm actions, and this action is a reply'
    assert lines[4].startswith(f"{first}:14:31: rule \"after-hours\": active_hours: invalid time '25:00'")


def test_valid_file_beside_broken_one(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text('[[rule]]\nname = "r"\nwords = "a"\n[[rule.action]]\nreact = "eyes"\n', encoding="utf-8")
    broken = tmp_path / "broken.toml"
    broken.write_text(SECOND, encoding="utf-8")

    results = check_files([broken, good])

    assert results[0].ruleset is None
    assert results[1].ruleset is not None
    assert [rule.name for rule in results[1].ruleset.rules] == ["r"]
    assert results[1].problems == []


def test_unreadable_file_among_others(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text('[[rule]]\nname = "r"\nwords = "a"\n[[rule.action]]\nreact = "eyes"\n', encoding="utf-8")
    missing = tmp_path / "missing.toml"

    results = check_files([missing, good])

    assert results[0].unreadable
    assert results[0].ruleset is None
    assert results[0].problems[0].message.startswith("cannot read the rules file: ")
    assert not results[1].unreadable
    assert results[1].ruleset is not None
