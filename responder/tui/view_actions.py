"""The screen's actions that change only what is shown: pause, follow, filter, details and help."""

from __future__ import annotations

from functools import partial

from textual import on
from textual.binding import Binding
from textual.widgets import Input

from responder.records import DecisionMade
from responder.tui.actions import ActionsLog
from responder.tui.bindings import APP_BINDINGS
from responder.tui.control_actions import ControlActions
from responder.tui.detail import DetailScreen
from responder.tui.help import HelpScreen
from responder.tui.rowlog import RowLog
from responder.tui.stream import EventStream, FollowIndicator


class ViewActions(ControlActions):
    """Actions on the event stream and the dialogs, which leave the responder as it is."""

    events: EventStream
    follow_indicator: FollowIndicator
    filter_input: Input
    actions: ActionsLog
    keymap: dict[str, str]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide Clear filter while no filter is set, and keep the main screen's keys off its dialogs."""
        if action == "clear_filter":
            return self.filter_input.display or bool(self.events.filter_query)
        if len(self.screen_stack) > 1 and action in MAIN_SCREEN_ACTIONS:
            return False
        return True

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

    def action_filter(self) -> None:
        """Show the filter input and move the focus to it."""
        self.filter_input.display = True
        self.filter_input.focus()
        self.refresh_bindings()

    def action_clear_filter(self) -> None:
        """Remove the filter, hide its input and show every event again."""
        self.filter_input.value = ""
        self.filter_input.display = False
        self.events.apply_filter("")
        self.events.focus()
        self.follow_indicator.show_state_of(self.events)
        self.refresh_bindings()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.events.apply_filter(event.value)
        self.follow_indicator.show_state_of(self.events)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.events.focus()

    def on_row_log_selected(self, message: RowLog.Selected) -> None:
        if message.log is self.events and isinstance(message.row, DecisionMade):
            explain = partial(self.controls_call, "explain")
            self.push_screen(DetailScreen(message.row, self.events.names, explain))

    def action_open_event(self) -> None:
        """Open the event marked in the stream, or explain how to mark one."""
        if self.events.cursor_index() is None:
            self.note("no event is marked: use ↑/↓ in the event stream, or click an event", style="yellow")
            return
        self.events.action_select_cursor()

    def action_help(self) -> None:
        """Show every key and the filter syntax."""
        self.push_screen(HelpScreen(self.keymap))



MAIN_SCREEN_ACTIONS = frozenset(
    binding.action for binding in APP_BINDINGS if isinstance(binding, Binding) and binding.action != "quit"
)
"""Actions of the main screen's keys, switched off while a dialog is open (quitting excepted)."""

