"""Checks shared by the engine tests."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

INDEX_MISS = "the rule index left out rule"


@pytest.fixture(autouse=True)
def no_rule_left_out_by_the_index(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail a test in which the engine fired a rule that its index had not picked."""
    caplog.set_level(logging.ERROR, logger="responder.engine.engine")
    yield
    messages = [record.getMessage() for record in caplog.get_records("call")]
    misses = [message for message in messages if message.startswith(INDEX_MISS)]
    assert misses == []
