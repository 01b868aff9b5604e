"""A thread-safe hand-off of records from worker threads to one observer."""

from __future__ import annotations

import logging
import threading
from collections import deque
from typing import Mapping, NamedTuple, Protocol

from responder.decisions import Decision
from responder.records import Record

logger = logging.getLogger(__name__)

MAX_RECORDS = 50_000
"""The maximum number of records waiting for the observer. The TUI drains up to 10,000
every 50 ms, so only an observer that stopped draining for seconds reaches it."""


class RecordSink(Protocol):
    """Anything that accepts records from any thread."""

    def __call__(self, record: Record) -> None: ...


class RecordBuffer:
    """Collects records from any thread; the observer drains them in batches.

    Producers never block. The observer calls :meth:`drain` on its own schedule
    (the TUI every 50 ms), so the screen is updated once per batch, not per event.
    Past ``max_records`` waiting records the oldest are dropped and counted, so an
    observer that falls behind cannot make memory grow without bound.
    """

    def __init__(self, max_records: int = MAX_RECORDS) -> None:
        if max_records < 1:
            raise ValueError(f"max_records must be at least 1, got {max_records}")
        self._records: deque[Record] = deque()
        self._max_records = max_records
        self._dropped = 0
        self._dropped_total = 0
        self._lock = threading.Lock()
        self._ready = threading.Event()

    def __call__(self, record: Record) -> None:
        with self._lock:
            self._records.append(record)
            if len(self._records) > self._max_records:
                self._records.popleft()
                self._dropped += 1
                self._dropped_total += 1
                dropped_total = self._dropped_total
            else:
                dropped_total = 0
        if not self._ready.is_set():
            self._ready.set()
        if dropped_total and (dropped_total == 1 or dropped_total % 10_000 == 0):
            logger.warning(
                "Records arrive faster than they are shown: %d dropped so far, the oldest "
                "first, and the counters miss them",
                dropped_total,
            )

    def take_dropped(self) -> int:
        """Return how many records were dropped since the last call, and reset that count."""
        with self._lock:
            dropped = self._dropped
            self._dropped = 0
        return dropped

    def drain(self, limit: int | None = None) -> list[Record]:
        """Remove and return up to ``limit`` records (all when None), oldest first."""
        with self._lock:
            count = len(self._records) if limit is None else min(limit, len(self._records))
            batch = [self._records.popleft() for _ in range(count)]
            if not self._records:
                self._ready.clear()
        return batch

    def wait(self, timeout: float | None = None) -> bool:
        """Block until a record is available or ``timeout`` passes."""
        return self._ready.wait(timeout)

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)


class RuleSwitches(NamedTuple):
    """The run-time switches of one rule, as the engine applies them now."""

    enabled: bool
    dry_run: bool


class Controls(Protocol):
    """What an observer may ask of the running responder.

    The TUI calls :meth:`names` and :meth:`rule_switches` on its own thread, so those
    two must return at once without I/O. It calls every other method on a worker
    thread, and shows the text of any exception raised as an error in the user's words.
    """

    def reload_rules(self) -> None:
        """Reload the rules file; the outcome arrives as a ``RulesLoaded`` record."""

    def stop(self) -> None:
        """Stop the responder; a final ``ConnectionState(phase="stopped")`` follows."""

    def names(self) -> tuple[Mapping[str, str], Mapping[str, str]]:
        """Return two maps: channel id → channel name, and user id → user name.

        Names come without ``#`` or ``@`` (``general``, ``alice``). Both maps are empty
        until the names have been looked up. The TUI calls this about once a second and
        redraws only when either returned object is a different object than last time,
        so return the same objects until the names change, and never change a map after
        returning it.
        """

    def rule_switches(self) -> Mapping[str, RuleSwitches]:
        """Return the switches in force for every loaded rule, in the rules file's order.

        ``enabled`` is the rules file's ``enabled`` unless :meth:`set_rule_enabled`
        changed it. ``dry_run`` is what the engine uses for the rule's next actions: a
        switch set by :meth:`set_rule_dry_run`, else one set by :meth:`set_dry_run`,
        else the rule's or the settings' ``dry_run``.
        """

    def set_rule_enabled(self, name: str, enabled: bool) -> None:
        """Switch rule ``name`` on or off until the responder stops.

        The switch survives reloads for as long as a rule of that name exists. Raise
        ``KeyError`` when no loaded rule has that name.
        """

    def set_rule_dry_run(self, name: str, dry_run: bool) -> None:
        """Make rule ``name`` a dry run (shown, not sent) or live, surviving reloads.

        Raise ``KeyError`` when no loaded rule has that name.
        """

    def set_dry_run(self, dry_run: bool | None) -> None:
        """Make every rule a dry run, or every rule live, dropping per-rule dry-run switches.

        ``dry_run`` None gives every rule back the ``dry_run`` of the rules file.
        """

    def explain(self, decision: Decision) -> str | None:
        """Return a preformatted, multi-line account of why each rule did or did not fire.

        It covers every rule of ``decision`` with each condition, its result and the
        value it tested. Return None when no explanation can be made (for example
        before the bot's identity is known).
        """

    def try_message(self, text: str, channel: str | None, user: str | None) -> str | None:
        """Try how the rules answer a message with ``text`` from ``user`` in ``channel``.

        ``channel`` and ``user`` are ids or names (``#ops``, ``ops``, ``C0OPS``;
        ``@alice``, ``alice``, ``U0ALICE``); None picks a default. Against the demo's
        emulator, post the message into the workspace as that user and return None:
        its decision then arrives as a record like any other event. Against a live
        workspace, decide it as a dry run without sending anything and return the
        explanation. Raise ``ValueError`` with a message for the user when the channel
        or user is not found.
        """
