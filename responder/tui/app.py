"""The monitoring screen: status, event stream, actions, rules, and the keys that steer them."""

from __future__ import annotations

import logging
import threading
import time
from functools import partial
from pathlib import Path
from typing import Callable, ClassVar, Iterable, Sequence, TypeVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Footer, Input, Label

from responder.record_buffer import Controls, RecordBuffer
from responder.records import DecisionMade, Record, RulesLoaded
from responder.tui.actions import (
    ActionsLog,
    RulesBanner,
    activity_rows,
    describe_actions,
)
from responder.tui.bindings import APP_BINDINGS, ResponderCommands, binding_ids
from responder.tui.gc_tuning import freeze_startup_objects
from responder.tui.keymap import keymap_path, load_keymap
from responder.tui.rules_table import RulesTable, describe_rule
from responder.tui.state import Clock, EventRate, MonitorState
from responder.tui.status import StatusBar, TextLines, status_text
from responder.tui.stream import EventStream, FollowIndicator
from responder.tui.text import clock
from responder.tui.view_actions import ViewActions

logger = logging.getLogger(__name__)

DRAIN_LIMIT = 10_000
"""Records applied per refresh at most, so a burst cannot stall key handling."""

COUNTS_INTERVAL = 1.0
"""Seconds between two updates of the rules table's counts at most."""

DROPPED_NOTE_INTERVAL = 5.0
"""Seconds between two notes about records dropped by the buffer at most."""

RecordT = TypeVar("RecordT", bound=Record)


class ResponderApp(ViewActions):
    """Shows what the responder receives, decides and sends, refreshed in batches.

    Producers put records into ``buffer`` from any thread. A timer on the app's thread
    drains it every ``refresh_interval`` seconds and applies the batch with one update per
    widget. The stream and the actions pane keep at most ``max_events`` rows each.
    """

    CSS_PATH = Path(__file__).with_name("responder.tcss")
    """Absolute, so that subclasses in other folders find it too."""
    TITLE = "responder"
    COMMANDS = App.COMMANDS | {ResponderCommands}
    BINDINGS: ClassVar[list[BindingType]] = APP_BINDINGS

    class StopFinished(Message):
        """Posted from the stop thread once ``controls.stop()`` has returned or raised."""

        def __init__(self, failure: str) -> None:
            super().__init__()
            self.failure = failure
            """Why stopping failed, empty when it succeeded."""

    def __init__(
        self,
        buffer: RecordBuffer,
        controls: Controls,
        *,
        rules_path: str = "",
        max_events: int = 1000,
        refresh_interval: float = 0.05,
        clock: Clock | None = None,
        keymap_file: Path | None = None,
        watch_rules: bool = True,
        cursor_blink: bool = True,
        freeze_startup: bool = False,
    ) -> None:
        """Set up the screen; it starts on mount.

        ``keymap_file`` defaults to ``$XDG_CONFIG_HOME/responder/keys.toml``. With
        ``watch_rules`` the rules are reloaded when their file changes. With
        ``cursor_blink`` False, text cursors do not blink, so that a screenshot does not
        depend on the moment it is taken. With ``freeze_startup``, the objects alive after
        the first screen update are exempted from garbage collection (see
        :func:`freeze_startup_objects`); leave it off where several apps share a process.
        """
        super().__init__()
        if max_events < 1:
            raise ValueError(f"max_events must be at least 1, got {max_events}")
        if refresh_interval <= 0:
            raise ValueError(f"refresh_interval must be positive, got {refresh_interval}")

        self._buffer = buffer
        self._controls = controls
        self.max_events = max_events
        self.refresh_interval = refresh_interval
        self.clock = clock or Clock()
        self.keymap_file = keymap_file if keymap_file is not None else keymap_path()
        self.keymap: dict[str, str] = {}
        """The user's keys by binding id, as read from ``keymap_file``."""
        self.watch_rules = watch_rules
        self.cursor_blink = cursor_blink
        self.freeze_startup = freeze_startup
        self.state = MonitorState(rules_path)
        """Counters, connection and rules as of the last applied batch."""
        self.rate = EventRate()
        self.started_at = self.clock.monotonic()
        self.batches_applied = 0
        self.display_errors = 0
        """Records that could not be counted or shown because doing so raised."""
        self.records_dropped = 0
        """Records that the buffer dropped because the screen fell behind."""
        self._dropped_noted = 0
        self._dropped_noted_at = -DROPPED_NOTE_INTERVAL
        self._rules_version_shown = 0
        self._counts_shown_at = -COUNTS_INTERVAL
        self._status_second = -1
        self._names_failed = False
        self.stopping = False
        """True once the user has asked to quit. The app exits when stopping has finished."""

        self.status_bar = StatusBar(id="status")
        self.rules_banner = RulesBanner(id="rules-banner")
        self.events = EventStream(max_events, id="events")
        self.follow_indicator = FollowIndicator(id="follow-indicator")
        self.filter_input = Input(placeholder="filter: text, channel:#ops, user:alice, rule:greet", id="filter")
        self.actions_title = TextLines(classes="pane-title", id="actions-title")
        self.actions = ActionsLog(max_events, id="actions")
        self.rules_table = RulesTable(id="rules")
        self.rule_line = TextLines(id="rule-line")

    def compose(self) -> ComposeResult:
        yield self.status_bar
        yield self.rules_banner
        with Vertical(id="events-pane"):
            yield Label("Events", classes="pane-title")
            yield self.events
            yield self.filter_input
            yield self.follow_indicator
        with Horizontal(id="lower"):
            with Vertical(id="actions-pane"):
                yield self.actions_title
                yield self.actions
            with Vertical(id="rules-pane"):
                yield Label("Rules", classes="pane-title")
                yield self.rules_table
                yield self.rule_line
        yield Footer()

    def on_mount(self) -> None:
        self.filter_input.display = False
        self.filter_input.cursor_blink = self.cursor_blink
        self._load_keymap()
        self.set_interval(self.refresh_interval, self.drain_buffer, name="drain records")
        self.drain_buffer()
        self.events.focus()
        if self.watch_rules and self.state.rules_path and Path(self.state.rules_path).is_file():
            self.start_watching(self.state.rules_path)
        if self.freeze_startup:
            self.call_after_refresh(freeze_startup_objects)

    def on_unmount(self) -> None:
        self.stop_watching()

    def _load_keymap(self) -> None:
        self.keymap, problems = load_keymap(self.keymap_file, binding_ids())
        for problem in problems:
            logger.warning("%s", problem)
            self.note(problem, style="yellow")
        if self.keymap:
            self.set_keymap(self.keymap)

    def drain_buffer(self) -> None:
        """Apply the records waiting in the buffer as one batch, then refresh the status."""
        records = self._buffer.drain(DRAIN_LIMIT)
        self._count_dropped(self._buffer.take_dropped())
        wall_clock = self.clock.wall()
        if records or int(wall_clock) != self._status_second:
            self._poll_names()
        if records:
            self._apply_batch(records)
        elif self.state.changed_rules:
            self._show_rules()

        # Without new records only the clock-driven parts of the status change, once a second.
        if records or int(wall_clock) != self._status_second:
            self._status_second = int(wall_clock)
            self._show_status(wall_clock)
        self.follow_indicator.show_state_of(self.events)

    def _count_dropped(self, dropped: int) -> None:
        self.records_dropped += dropped
        unnoted = self.records_dropped - self._dropped_noted
        now = time.monotonic()
        if not unnoted or now - self._dropped_noted_at < DROPPED_NOTE_INTERVAL:
            return
        self._dropped_noted = self.records_dropped
        self._dropped_noted_at = now
        self.note(
            f"{unnoted:,} records dropped because the screen fell behind; the counters miss them",
            style="bold red",
        )

    def _show_status(self, wall_clock: float) -> None:
        now = self.clock.monotonic()
        self.rate.sample(now, self.state.counters.events)
        uptime = now - self.started_at
        self.status_bar.text = status_text(self.state, wall_clock, uptime, self.rate.per_second())
        self.actions_title.text = describe_actions(self.state)

    def _apply_batch(self, records: Sequence[Record]) -> None:
        decisions: list[DecisionMade] = []
        notable: list[Record] = []
        rules_loaded = False
        for record in records:
            if isinstance(record, DecisionMade):
                decisions.append(record)
            rules_loaded = rules_loaded or isinstance(record, RulesLoaded)
            if self._apply_safely(record):
                notable.append(record)

        self.events.write_rows(decisions[-self.max_events :], arrived=len(decisions))
        rows_of = partial(activity_rows, names=self.events.names)
        self.actions.write_rows(self._newest_rows(notable, rows_of))
        if rules_loaded:
            self.refresh_switches()
        self._show_rules()
        self.batches_applied += 1

    def _apply_safely(self, record: Record) -> bool:
        try:
            return self.state.apply(record)
        except Exception:  # a bad record must not take the screen down
            self.display_errors += 1
            logger.exception("Could not count a %s record", type(record).__name__)
            return False

    def _newest_rows(
        self, records: Sequence[RecordT], format_rows: Callable[[RecordT], Iterable[Text]]
    ) -> list[Text]:
        """Format only as many of the newest records as can stay on screen."""
        rows: list[Text] = []
        for record in reversed(records):
            if len(rows) >= self.max_events:
                break
            rows.extend(reversed(list(self._format_safely(record, format_rows))))
        rows.reverse()
        return rows[-self.max_events :]

    def _format_safely(
        self, record: RecordT, format_rows: Callable[[RecordT], Iterable[Text]]
    ) -> Iterable[Text]:
        try:
            return format_rows(record)
        except Exception as error:  # a bad record must not take the screen down
            self.display_errors += 1
            logger.exception("Could not show a %s record", type(record).__name__)
            message = f"could not show a {type(record).__name__} record: {error!r}"
            return [Text(f"{clock(record.at)} ✗ {message}", style="red", no_wrap=True)]

    def _show_rules(self) -> None:
        state = self.state
        if state.rules_version != self._rules_version_shown:
            self._rules_version_shown = state.rules_version
            kept_rules = len(state.rule_names) if state.rules_loaded else None
            self.rules_banner.show_failure(state.rules_failure, kept_rules)
            self.rules_table.show_rules(state.rule_stats, state.switches)
            state.take_changed_rules()
            self._show_rule_line()
            return

        # A DataTable repaints every visible cell on any change, so the counts are shown
        # at a readable pace rather than with every batch. Changed names wait in the state.
        now = time.monotonic()
        if not state.changed_rules or now - self._counts_shown_at < COUNTS_INTERVAL:
            return
        self._counts_shown_at = now
        self.rules_table.update_counts(state.rule_stats, state.take_changed_rules())
        self._show_rule_line()

    def _show_rule_line(self) -> None:
        name = self.rules_table.selected_rule
        stats = self.state.rule_stats.get(name) if name is not None else None
        switches = self.state.switches.get(name) if name is not None else None
        line = describe_rule(name, stats, switches)
        duplicates = self.state.counters.duplicates
        if duplicates:
            line += f"  (duplicate events dropped: {duplicates:,})"
        self.rule_line.text = Text(line)

    def on_data_table_row_highlighted(self) -> None:
        self._show_rule_line()

    def refresh_switches(self) -> None:
        """Read every rule's switches from the responder and show them when they changed."""
        try:
            switches = self._controls.rule_switches()
        except Exception as error:
            logger.exception("Reading the rules' switches failed")
            self.note(f"reading the rules' switches failed: {error!r}", style="red")
            return
        if self.state.set_switches(switches):
            self.rules_table.update_switches(self.state.switches)
            self._show_rule_line()
            self._show_status(self.clock.wall())

    def _poll_names(self) -> None:
        if self._names_failed:
            return
        try:
            channels, users = self._controls.names()
        except Exception as error:
            # Without names the stream shows ids, so one report is enough.
            self._names_failed = True
            logger.exception("Reading channel and user names failed; the stream shows ids")
            self.note(f"reading channel and user names failed, ids are shown: {error!r}", style="yellow")
            return
        self.events.show_names(channels, users)

    async def action_quit(self) -> None:
        """Stop the responder on its own thread, then leave. A second quit leaves at once."""
        if self.stopping:
            logger.warning("Leaving before the responder has finished stopping")
            self.exit(1, return_code=1)
            return

        self.stopping = True
        self.stop_watching()
        self.note("stopping the responder")
        # A daemon thread rather than a Textual worker, because thread workers run in
        # asyncio's default executor, which is joined when the event loop closes. A stop
        # that hangs would then keep the app from leaving even after a second quit.
        threading.Thread(target=self._stop_responder, name="stop responder", daemon=True).start()

    def _stop_responder(self) -> None:
        """Call ``controls.stop()`` on the stop thread and report back to the app's thread."""
        reason = ""
        try:
            self._controls.stop()
        except Exception as error:
            logger.exception("Stopping the responder failed")
            reason = str(error) or type(error).__name__

        try:
            self.post_message(self.StopFinished(reason))
        except RuntimeError:
            logger.debug("The app had already left when stopping finished")

    def on_responder_app_stop_finished(self, message: StopFinished) -> None:
        if message.failure:
            self.note(f"stopping the responder failed: {message.failure}", style="red")
        return_code = 1 if message.failure else 0
        self.exit(return_code, return_code=return_code)

    def note(self, message: str, style: str = "dim") -> None:
        """Add a line with the current time to the actions pane."""
        self.actions.write_rows([self.stamp(message, style)])

