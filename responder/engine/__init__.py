"""Decisions and guards: which rules fire for an event, and what they do."""

from responder.engine.engine import Engine
from responder.engine.reference import ConditionCheck, ReferenceResult, evaluate_rule_reference

__all__ = ["ConditionCheck", "Engine", "ReferenceResult", "evaluate_rule_reference"]
