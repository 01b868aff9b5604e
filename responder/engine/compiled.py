"""Rules in the form the engine runs them: what each rule sees and its compiled checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from responder.decisions import RuleResult
from responder.engine.context import Check
from responder.engine.matching import compile_checks
from responder.engine.names import NameIndex
from responder.engine.visibility import Audience
from responder.rules.model import Rule, RuleSet

# Reasons that name a channel or user vary with the workspace, so only this many are shared.
MAX_SHARED_RESULTS = 256


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule with what it sees and its checks worked out once, at load time."""

    rule: Rule
    audience: Audience
    checks: tuple[Check, ...]
    _results: dict[str, RuleResult] = field(default_factory=dict, compare=False, repr=False)

    def not_fired(self, reason: str) -> RuleResult:
        """Return the result for ``reason``, shared between events (results are immutable)."""
        result = self._results.get(reason)
        if result is None:
            result = RuleResult(self.rule.name, False, reason)
            if len(self._results) < MAX_SHARED_RESULTS:
                self._results[reason] = result
        return result


def compile_rules(rules: RuleSet, names: NameIndex, zone: ZoneInfo) -> tuple[CompiledRule, ...]:
    """Work out the audience and checks of every rule, in file order."""
    compiled = []
    for rule in rules.rules:
        audience = Audience.of(rule, rules.settings)
        checks = compile_checks(rule.conditions, names, zone)
        compiled.append(CompiledRule(rule, audience, checks))
    return tuple(compiled)
