"""Damaged rules files produce problems with valid positions, never an exception."""

from __future__ import annotations

import random
from pathlib import Path

from responder.rules.loader import check_rules_text

EXAMPLE = (Path(__file__).resolve().parents[2] / "rules.example.toml").read_text(encoding="utf-8")
DAMAGE_CHARACTERS = "\"'[]{}=,.#\\\n abu0"


def damage(text: str, rng: random.Random) -> str:
    """Delete, insert or replace a few characters at random places."""
    characters = list(text)
    for _ in range(rng.randint(1, 4)):
        position = rng.randrange(len(characters))
        choice = rng.random()
        if choice < 0.4:
            del characters[position]
        elif choice < 0.8:
            characters.insert(position, rng.choice(DAMAGE_CHARACTERS))
        else:
            characters[position] = rng.choice(DAMAGE_CHARACTERS)
    return "".join(characters)


def test_damaged_files_report_valid_positions() -> None:
    rng = random.Random(20240501)

    for _ in range(200):
        text = damage(EXAMPLE, rng)
        lines = text.split("\n")

        ruleset, problems = check_rules_text(text)

        if ruleset is None:
            assert any(problem.severity == "error" for problem in problems), text
        for problem in problems:
            assert 1 <= problem.line <= len(lines), (problem, text)
            assert 1 <= problem.column <= len(lines[problem.line - 1]) + 1, (problem, text)
