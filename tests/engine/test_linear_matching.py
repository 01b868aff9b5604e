"""Patterns that make a backtracking engine take exponential time still give a decision.

Python's ``re`` needs time exponential in the text length for these patterns against
these texts, so at 100,000 characters it would not finish in any useful time. RE2 scans
in time linear in the text. The rules go through every path that runs a pattern: the RE2 set of the rule
index, the rule's own check once it is a candidate, and the reference evaluator behind
``explain``. The test run's timeout (pytest-timeout) is what a backtracking engine would hit.
"""

from __future__ import annotations

import pytest

from responder.engine import Engine
from responder.rules.loader import load_rules_text
from responder.slack.identity import OFFLINE_IDENTITY
from tests.engine.helpers import message
from tests.engine.replay import load_engine

LENGTH = 100_000

# (pattern, text): each pattern backtracks exponentially on its text in a backtracking engine.
PATHOLOGICAL = [
    ("(a+)+$", "a" * LENGTH + "!"),
    ("(a|aa)+$", "a" * LENGTH + "!"),
    ("(x+x+)+y", "x" * LENGTH),
    ("^(\\w+\\s?)*$", "word " * (LENGTH // 5) + "!"),
]


def rules_file(pattern: str) -> str:
    """A rules file with many other rules and one rule with ``pattern``."""
    others = "".join(f"[[rule]]\nname = \"other-{number}\"\nwords = 'topic{number}'\n[[rule.action]]\nreact = \"eyes\"\n\n" for number in range(200))
    return others + f"[[rule]]\nname = \"catastrophic\"\nregex = '{pattern}'\n[[rule.action]]\nreact = \"warning\"\n"


@pytest.mark.parametrize("every_rule", [False, True])
@pytest.mark.parametrize(("pattern", "text"), PATHOLOGICAL)
def test_pathological_pattern_gives_a_decision(pattern: str, text: str, every_rule: bool) -> None:
    engine = Engine(load_rules_text(rules_file(pattern)), OFFLINE_IDENTITY, every_rule=every_rule)

    decision = engine.decide(message(text))

    assert decision.ignored is None
    assert decision.fired == ()


@pytest.mark.parametrize(("pattern", "text"), PATHOLOGICAL)
def test_pathological_pattern_is_explained(pattern: str, text: str) -> None:
    engine = Engine(load_rules_text(rules_file(pattern)), OFFLINE_IDENTITY)

    explanation = engine.explain(message(text))

    catastrophic = explanation.rules[-1]
    assert catastrophic.rule == "catastrophic"
    assert catastrophic.fired is False
    assert [check.key for check in catastrophic.checks] == ["regex"]


def test_nested_quantifiers_still_match() -> None:
    engine = load_engine("""
        [[rule]]
        name = "catastrophic-elsewhere"
        regex = '(a+)+$'
        [[rule.action]]
        react = "warning"
    """)

    assert engine.decide(message("a" * LENGTH)).fired == ("catastrophic-elsewhere",)
