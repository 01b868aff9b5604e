"""Shared parts of the transport and outbox tests: record collection and a transport thread."""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, TypeVar

from responder.records import ConnectionState, Record
from responder.slack.backoff import Backoff

TOKEN = "xoxb-test-secret-0000"

R = TypeVar("R")


def quick_backoff(base: float = 0.2) -> Backoff:
    """A backoff fast enough for tests: ``base``, doubling, ±25 %, floor 0.05 s."""
    return Backoff(base, cap=5.0, minimum=0.05)


class Collector:
    """Records and event payloads from a transport or outbox, readable from the test thread."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.records: list[Record] = []
        self.events: list[dict[str, Any]] = []
        self.event_times: list[float] = []

    def on_record(self, record: Record) -> None:
        with self._changed:
            self.records.append(record)
            self._changed.notify_all()

    def on_event(self, payload: dict[str, Any]) -> None:
        with self._changed:
            self.events.append(payload)
            self.event_times.append(time.time())
            self._changed.notify_all()

    def of_type(self, kind: type[R]) -> list[R]:
        with self._changed:
            return [record for record in self.records if isinstance(record, kind)]

    def states(self, phase: str | None = None) -> list[ConnectionState]:
        return [state for state in self.of_type(ConnectionState) if phase is None or state.phase == phase]

    def wait_until(self, condition: Callable[[], bool], timeout: float = 10.0, description: str = "") -> None:
        """Block until ``condition()`` is true; fail the test with ``description`` after ``timeout``."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not condition():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out after {timeout:g} s waiting for {description}; records: {self.records[-8:]}")
                self._changed.wait(min(remaining, 0.05))

    def wait_for_states(self, phase: str, count: int = 1, timeout: float = 10.0) -> list[ConnectionState]:
        self.wait_until(lambda: len(self.states(phase)) >= count, timeout, f"{count} {phase} record(s)")
        return self.states(phase)

    def sessions(self) -> int:
        """Number of sessions that said hello: ``connected`` records without a ping round trip."""
        return sum(1 for state in self.states("connected") if state.ping_rtt is None)

    def wait_for_sessions(self, count: int, timeout: float = 10.0) -> None:
        self.wait_until(lambda: self.sessions() >= count, timeout, f"{count} connected session(s)")

    def wait_for_events(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        self.wait_until(lambda: len(self.events) >= count, timeout, f"{count} event(s)")
        with self._changed:
            return list(self.events)


class Running:
    """A transport's ``run()`` on its own thread; ``error`` is the exception it raised, if any."""

    def __init__(self, transport: Any) -> None:
        self.transport = transport
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="transport-under-test", daemon=True)

    def _run(self) -> None:
        try:
            self.transport.run()
        except BaseException as error:
            self.error = error

    def __enter__(self) -> Running:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self, timeout: float = 5.0) -> None:
        self.transport.stop()
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "run() did not return after stop()"


def running(transport: Any) -> Running:
    """Start ``transport.run()`` on a thread, for a ``with`` block that stops it at the end."""
    return Running(transport)


def gaps(times: list[float]) -> list[float]:
    """Differences between consecutive times."""
    return [later - earlier for earlier, later in zip(times, times[1:])]
