"""The monitoring screen: status, event stream, actions, rules, and the keys that steer them."""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable, ClassVar, Iterable, Sequence, TypeVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Footer, Label
from textual.worker import Worker, WorkerState

from responder.record_buffer import Controls, RecordBuffer
from responder.records import DecisionMade, Record
from responder.tui.actions import ActionsLog, RulesBanner, activity_rows
from responder.tui.rules_table import RulesTable
from responder.tui.state import EventRate, MonitorState
from responder.tui.status import StatusBar, status_text
from responder.tui.stream import EventStream, FollowIndicator
from responder.tui.text import clock

logger = logging.getLogger(__name__)

DRAIN_LIMIT = 10_000
"""Records applied per refresh at most, so a burst cannot stall key handling."""

RecordT = TypeVar("RecordT", bound=Record)


class ResponderApp(App[int]):
    """Shows what the responder receives, decides and sends, refreshed in batches.

    Producers put records into ``buffer`` from any thread. A timer on the app's thread
    drains it every ``refresh_interval`` seconds and applies the batch with one update per
    widget. The stream and the actions pane keep at most ``max_events`` rows each.
    """

    CSS_PATH = "responder.tcss"
    TITLE = "responder"

    class StopFinished(Message):
        """Posted from the stop thread once ``controls.stop()`` has returned or raised."""

        def __init__(self, failure: str) -> None:
            super().__init__()
            self.failure = failure
            """Why stopping failed, empty when it succeeded."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="responder.quit", tooltip="Stop the responder and leave."),
        Binding(
            "p",
            "toggle_pause",
            "Pause/resume",
            id="responder.pause",
            tooltip="Stop adding rows to the event stream, or show the newest rows again.",
        ),
        Binding(
            "r",
            "reload_rules",
            "Reload rules",
            id="responder.reload_rules",
            tooltip="Read the rules file again; on errors the current rules stay in force.",
        ),
        Binding(
            "end",
            "follow",
            "Follow",
            id="responder.follow",
            tooltip="Scroll to the newest rows and keep following them.",
            priority=True,
        ),
    ]

    def __init__(
        self,
        buffer: RecordBuffer,
        controls: Controls,
        *,
        rules_path: str = "",
        max_events: int = 1000,
        refresh_interval: float = 0.05,
    ) -> None:
        super().__init__()
        if max_events < 1:
            raise ValueError(f"max_events must be at least 1, got {max_events}")
        if refresh_interval <= 0:
            raise ValueError(f"refresh_interval must be positive, got {refresh_interval}")

        self._buffer = buffer
        self._controls = controls
        self.max_events = max_events
        self.refresh_interval = refresh_interval
        self.state = MonitorState(rules_path)
        """Counters, connection and rules as of the last applied batch."""
        self.rate = EventRate()
        self.started_at = time.monotonic()
        self.batches_applied = 0
        self.display_errors = 0
        """Records that could not be counted or shown because doing so raised."""
        self._rules_version_shown = 0
        self._status_second = 0
        self.stopping = False
        """True once the user has asked to quit. The app exits when stopping has finished."""

        self.status_bar = StatusBar(id="status")
        self.rules_banner = RulesBanner(id="rules-banner")
        self.events = EventStream(max_events, id="events")
        self.follow_indicator = FollowIndicator(id="follow-indicator")
        self.actions = ActionsLog(max_events, id="actions")
        self.rules_table = RulesTable(id="rules")

    def compose(self) -> ComposeResult:
        yield self.status_bar
        yield self.rules_banner
        with Vertical(id="events-pane"):
            yield Label("Events", classes="pane-title")
            yield self.events
            yield self.follow_indicator
        with Horizontal(id="lower"):
            with Vertical(id="actions-pane"):
                yield Label("Actions and alerts", classes="pane-title")
                yield self.actions
            with Vertical(id="rules-pane"):
                yield Label("Rules", classes="pane-title")
                yield self.rules_table
        yield Footer()

    def on_mount(self) -> None:
        self.set_interval(self.refresh_interval, self.drain_buffer, name="drain records")
        self.drain_buffer()

    def drain_buffer(self) -> None:
        """Apply the records waiting in the buffer as one batch, then refresh the status."""
        records = self._buffer.drain(DRAIN_LIMIT)
        if records:
            self._apply_batch(records)

        # Without new records only the clock-driven parts of the status change, once a second.
        wall_clock = time.time()
        if records or int(wall_clock) != self._status_second:
            self._status_second = int(wall_clock)
            self._show_status(wall_clock)
        self.follow_indicator.show_state_of(self.events)

    def _show_status(self, wall_clock: float) -> None:
        now = time.monotonic()
        self.rate.sample(now, self.state.counters.events)
        uptime = now - self.started_at
        self.status_bar.text = status_text(self.state, wall_clock, uptime, self.rate.per_second())

    def _apply_batch(self, records: Sequence[Record]) -> None:
        decisions: list[DecisionMade] = []
        notable: list[Record] = []
        for record in records:
            if isinstance(record, DecisionMade):
                decisions.append(record)
            if self._apply_safely(record):
                notable.append(record)

        self.events.write_rows(decisions[-self.max_events :], arrived=len(decisions))
        self.actions.write_rows(self._newest_rows(notable, activity_rows))
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
            self.rules_table.show_rules(state.rule_stats)
            state.take_changed_rules()
            return

        changed = state.take_changed_rules()
        if changed:
            self.rules_table.update_counts(state.rule_stats, changed)

    async def action_quit(self) -> None:
        """Stop the responder on its own thread, then leave. A second quit leaves at once."""
        if self.stopping:
            logger.warning("Leaving before the responder has finished stopping")
            self.exit(1, return_code=1)
            return

        self.stopping = True
        self._note("stopping the responder")
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
            self._note(f"stopping the responder failed: {message.failure}", style="red")
        return_code = 1 if message.failure else 0
        self.exit(return_code, return_code=return_code)

    def action_toggle_pause(self) -> None:
        """Pause the event stream, or resume it with the newest rows."""
        if self.events.paused:
            self.events.resume()
        else:
            self.events.pause()
        self.follow_indicator.show_state_of(self.events)

    def action_follow(self) -> None:
        """Scroll the event stream and the actions pane to their newest rows."""
        self.events.follow()
        self.actions.follow()
        self.follow_indicator.show_state_of(self.events)

    def action_reload_rules(self) -> None:
        """Ask the responder to reload its rules. The outcome arrives as a ``RulesLoaded`` record."""
        self._note("reload of the rules requested")
        self.run_worker(
            self._controls.reload_rules,
            name="reload rules",
            group="controls",
            description="Reloading the rules",
            thread=True,
            exit_on_error=False,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state == WorkerState.ERROR:
            error = worker.error
            reason = str(error) or type(error).__name__
            logger.error("%s failed: %s", worker.description, reason, exc_info=error)
            self._note(f"{worker.description} failed: {reason}", style="red")

    def _note(self, message: str, style: str = "dim") -> None:
        self.actions.write_rows([Text(f"{clock(time.time())} · {message}", style=style, no_wrap=True)])
