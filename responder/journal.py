"""The delivery journal: every planned action on disk, so that a restart neither loses
nor repeats a reply.

Each action is stored under its idempotency key (``PlannedAction.key``) before it is
queued, and moves through these states:

``planned``
    queued, not yet handed to Slack; an earlier run's planned actions are sent again
    by the next run (unless older than ``max_age``).
``sending``
    a call is under way.
``interrupted``
    was ``sending`` when its run stopped. Later runs do not send it again, because
    Slack may have posted it already: at most once for those.
``sent``, ``failed``
    Slack confirmed the post, or answered with a final error.
``expired``
    planned by an earlier run too long ago to be sent now.

Keys are kept per scope (the workspace and the API URL), so actions planned against
one Slack workspace or emulator are never sent to another. SQLite in WAL mode, one
connection shared by the threads under a lock; each change commits at once. One run
at a time may use a journal file.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Callable

from responder.decisions import PlannedAction

logger = logging.getLogger(__name__)

DEFAULT_MAX_AGE = 3600.0
"""Seconds after which an action planned by an earlier run is no longer sent."""

DEFAULT_RETENTION = 7 * 24 * 3600.0
"""Seconds a finished entry is kept, so that a late redelivery still finds its key."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS actions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    run_id TEXT NOT NULL,
    state TEXT NOT NULL,
    planned_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    action TEXT NOT NULL,
    ts TEXT,
    error TEXT,
    UNIQUE (scope, key)
);
CREATE INDEX IF NOT EXISTS actions_by_state ON actions (scope, state, seq);
"""

_ACTION_FIELDS = frozenset(field.name for field in dataclasses.fields(PlannedAction))


class JournalError(Exception):
    """The journal file cannot be opened, read or written; the message names the file."""


def default_journal_path() -> Path:
    """Return ``$XDG_STATE_HOME/responder/journal.sqlite3``, else under ``~/.local/state``."""
    state_home = os.environ.get("XDG_STATE_HOME", "").strip()
    base = Path(state_home) if state_home else Path.home() / ".local" / "state"
    return base / "responder" / "journal.sqlite3"


class Journal:
    """A SQLite journal of planned actions, shared by the threads of one run."""

    def __init__(
        self,
        path: Path,
        *,
        max_age: float = DEFAULT_MAX_AGE,
        retention: float = DEFAULT_RETENTION,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self.max_age = max_age
        self.run_id = uuid.uuid4().hex
        self._clock = clock
        self._scope = ""
        self._lock = threading.Lock()
        self._db = _connect(path)
        self._run(lambda db: db.executescript(_SCHEMA), "create the tables")
        self._prune(retention)

    def close(self) -> None:
        """Close the file; later calls raise ``JournalError``."""
        with self._lock:
            self._db.close()

    def begin(self, scope: str) -> list[PlannedAction]:
        """Start this run in ``scope`` and take over the unsent actions of earlier runs there.

        Returns the actions that earlier runs planned within ``max_age`` seconds and
        never handed to Slack, oldest first; they now belong to this run. Older ones
        become ``expired``, and calls that were under way become ``interrupted``.
        """
        self._scope = scope
        expired, interrupted, rows = self._run(lambda db: self._take_over(db, scope), "take over unsent actions")

        if expired:
            logger.warning("journal %s: %d unsent actions older than %g s were dropped", self.path, expired, self.max_age)
        if interrupted:
            logger.warning(
                "journal %s: %d actions were being sent when an earlier run stopped; they are not sent again",
                self.path,
                interrupted,
            )
        return [_action_from_json(row[0]) for row in rows]

    def _take_over(self, db: sqlite3.Connection, scope: str) -> tuple[int, int, list[Any]]:
        now = self._clock()
        earlier_run = "scope = ? AND run_id != ?"
        db.execute("BEGIN IMMEDIATE")
        try:
            expired = db.execute(
                f"UPDATE actions SET state = 'expired', updated_at = ? WHERE {earlier_run} "
                "AND state = 'planned' AND planned_at < ?",
                (now, scope, self.run_id, now - self.max_age),
            ).rowcount
            interrupted = db.execute(
                f"UPDATE actions SET state = 'interrupted', updated_at = ? WHERE {earlier_run} AND state = 'sending'",
                (now, scope, self.run_id),
            ).rowcount
            rows = db.execute(
                f"SELECT action FROM actions WHERE {earlier_run} AND state = 'planned' ORDER BY seq",
                (scope, self.run_id),
            ).fetchall()
            db.execute(
                f"UPDATE actions SET run_id = ? WHERE {earlier_run} AND state = 'planned'",
                (self.run_id, scope, self.run_id),
            )
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        return expired, interrupted, rows

    def claim(self, action: PlannedAction) -> bool:
        """Store ``action`` as planned; return False when its key is already in the journal."""
        now = self._clock()
        stored = self._write(
            "INSERT OR IGNORE INTO actions (scope, key, run_id, state, planned_at, updated_at, action) "
            "VALUES (?, ?, ?, 'planned', ?, ?, ?)",
            (self._scope, action.key, self.run_id, now, now, _action_to_json(action)),
        )
        return stored == 1

    def mark_sending(self, action: PlannedAction) -> None:
        """Record that a call for ``action`` is about to start."""
        self._set_state(action, "sending")

    def mark_planned(self, action: PlannedAction) -> None:
        """Record that Slack refused the call without posting (a rate limit, an error status)."""
        self._set_state(action, "planned")

    def mark_sent(self, action: PlannedAction, ts: str | None) -> None:
        """Record that Slack confirmed ``action``, with the new message's ``ts``."""
        self._set_state(action, "sent", ts=ts)

    def mark_failed(self, action: PlannedAction, error: str) -> None:
        """Record that Slack rejected ``action`` with a final error."""
        self._set_state(action, "failed", error=error)

    def state_of(self, action: PlannedAction) -> str | None:
        """Return the state stored for ``action``'s key in this scope, or None."""
        row = self._run(
            lambda db: db.execute(
                "SELECT state FROM actions WHERE scope = ? AND key = ?", (self._scope, action.key)
            ).fetchone(),
            "read an action",
        )
        return str(row[0]) if row else None

    def counts(self) -> dict[str, int]:
        """Return how many entries of this scope are in each state."""
        rows = self._run(
            lambda db: db.execute(
                "SELECT state, COUNT(*) FROM actions WHERE scope = ? GROUP BY state", (self._scope,)
            ).fetchall(),
            "count the actions",
        )
        return {str(state): int(count) for state, count in rows}

    def _set_state(self, action: PlannedAction, state: str, *, ts: str | None = None, error: str | None = None) -> None:
        self._write(
            "UPDATE actions SET state = ?, updated_at = ?, ts = COALESCE(?, ts), error = ? WHERE scope = ? AND key = ?",
            (state, self._clock(), ts, error, self._scope, action.key),
        )

    def _prune(self, retention: float) -> None:
        removed = self._write(
            "DELETE FROM actions WHERE updated_at < ? AND state != 'planned'", (self._clock() - retention,)
        )
        if removed:
            logger.info("journal %s: removed %d entries older than %g s", self.path, removed, retention)

    def _write(self, sql: str, parameters: tuple[Any, ...]) -> int:
        return int(self._run(lambda db: db.execute(sql, parameters).rowcount, "write"))

    def _run(self, operation: Callable[[sqlite3.Connection], Any], what: str) -> Any:
        with self._lock:
            try:
                return operation(self._db)
            except sqlite3.Error as error:
                raise JournalError(f"journal {self.path}: cannot {what}: {error}") from error


def _connect(path: Path) -> sqlite3.Connection:
    """Open (creating) the journal file in WAL mode, readable only by its owner."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        db = sqlite3.connect(path, timeout=5.0, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode=WAL")
        # NORMAL keeps every commit through a crash of this process; only a power
        # loss can undo the last few, which is acceptable for chat replies.
        db.execute("PRAGMA synchronous=NORMAL")
    except (OSError, sqlite3.Error) as error:
        raise JournalError(f"journal {path}: cannot open: {error}") from error
    return db


def _action_to_json(action: PlannedAction) -> str:
    # Every field is a plain value, so a flat dict gives what dataclasses.asdict would,
    # without its deep copy on the thread that reads events.
    fields = {name: getattr(action, name) for name in _ACTION_FIELDS}
    return json.dumps(fields, ensure_ascii=False, sort_keys=True)


def _action_from_json(text: str) -> PlannedAction:
    data = json.loads(text)
    return PlannedAction(**{key: value for key, value in data.items() if key in _ACTION_FIELDS})
