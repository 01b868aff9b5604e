"""Fixtures for the conformance tests: each test gets its own emulator on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from responder.emulator import Emulator


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """A running emulator with the default workspace, stopped after the test."""
    with Emulator(close_timeout=1.0) as running:
        yield running
