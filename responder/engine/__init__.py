"""Decisions and guards: which rules fire for an event, and what they do."""

from responder.engine.engine import Engine

__all__ = ["Engine"]
