"""The screen's actions that change the running responder: reloads, rule switches, tries, edits."""

from __future__ import annotations

import logging
import threading
from functools import partial
from typing import Any, Callable

from rich.text import Text
from textual.app import App, SuspendNotSupported
from textual.worker import Worker, WorkerState

from responder.record_buffer import Controls
from responder.tui.rules_file import editor_command, file_digest, run_editor, watch_file
from responder.tui.rules_table import RulesTable
from responder.tui.state import Clock, MonitorState
from responder.tui.text import assemble, clock, one_line
from responder.tui.try_message import TryMessageScreen

logger = logging.getLogger(__name__)

SWITCHES_GROUP = "switches"
"""Worker group of the calls after which the rules' switches are read again."""


class ControlActions(App[int]):
    """Actions that call :class:`Controls` on worker threads and report the outcome in the actions pane."""

    _controls: Controls
    state: MonitorState
    rules_table: RulesTable
    clock: Clock
    cursor_blink: bool

    def __init__(self) -> None:
        super().__init__()
        self._stop_watching = threading.Event()
        self._reloaded_digest: str | None = None
        """Hash of the rules file when a reload was last requested, so an unchanged file is not reloaded twice."""
        self.all_dry_run = False
        """Whether the dry-run key has made every rule a dry run, until it is pressed again."""

    def note(self, message: str, style: str = "dim") -> None:
        """Add a line to the actions pane; subclasses show it."""
        raise NotImplementedError

    def refresh_switches(self) -> None:
        """Read the rules' switches again; subclasses show them."""
        raise NotImplementedError

    def controls_call(self, method: str, *arguments: Any) -> Any:
        """Call ``method`` of the controls on the caller's thread.

        A responder whose controls lack the method raises ValueError with a message for
        the user, instead of an AttributeError from deep inside a worker.
        """
        bound = getattr(self._controls, method, None)
        if bound is None:
            raise ValueError(f"this responder does not offer {method.replace('_', ' ')}")
        return bound(*arguments)

    def call_controls(self, description: str, call: Callable[[], object], group: str = "controls") -> None:
        """Run ``call`` on a worker thread. A failure is shown in the actions pane in the user's words."""
        self.run_worker(call, name=description, group=group, description=description, thread=True, exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state == WorkerState.ERROR:
            error = worker.error
            reason = str(error) or type(error).__name__
            if isinstance(error, KeyError) and error.args:
                reason = str(error.args[0])
            logger.error("%s failed: %s", worker.description, reason, exc_info=error)
            self.note(f"{worker.description} failed: {reason}", style="red")
        if event.state in (WorkerState.SUCCESS, WorkerState.ERROR) and worker.group == SWITCHES_GROUP:
            self.refresh_switches()

    def action_reload_rules(self) -> None:
        """Ask the responder to reload its rules. The outcome arrives as a ``RulesLoaded`` record."""
        self.note("reload of the rules requested")
        self._reloaded_digest = file_digest(self.state.rules_path) if self.state.rules_path else None
        self.call_controls("Reloading the rules", partial(self.controls_call, "reload_rules"))

    def action_toggle_rule_enabled(self) -> None:
        """Switch the rule selected in the rules table on or off."""
        name = self._selected_rule()
        if name is None:
            return
        switches = self.state.switches.get(name)
        enabled = not (switches.enabled if switches is not None else True)
        self.note(f"rule {name}: switching {'on' if enabled else 'off'}")
        set_enabled = partial(self.controls_call, "set_rule_enabled", name, enabled)
        self.call_controls(f"Switching rule {name} {'on' if enabled else 'off'}", set_enabled, SWITCHES_GROUP)

    def action_toggle_rule_dry_run(self) -> None:
        """Make the selected rule a dry run, or live again."""
        name = self._selected_rule()
        if name is None:
            return
        switches = self.state.switches.get(name)
        dry_run = not (switches.dry_run if switches is not None else False)
        mode = "dry run" if dry_run else "live"
        self.note(f"rule {name}: switching to {mode}")
        set_dry_run = partial(self.controls_call, "set_rule_dry_run", name, dry_run)
        self.call_controls(f"Switching rule {name} to {mode}", set_dry_run, SWITCHES_GROUP)

    def action_toggle_dry_run_all(self) -> None:
        """Make every rule a dry run, or give every rule back its own setting from the rules file."""
        dry_run: bool | None = None if self.all_dry_run else True
        mode = "dry runs" if dry_run else "their dry_run setting from the rules file"
        self.all_dry_run = not self.all_dry_run
        self.note(f"switching every rule to {mode}")
        set_all = partial(self.controls_call, "set_dry_run", dry_run)
        self.call_controls(f"Switching every rule to {mode}", set_all, SWITCHES_GROUP)

    def action_try_message(self) -> None:
        """Open the form that tries a message against the rules."""

        def closed(posted: bool | None) -> None:
            if posted:
                self.note("a message was posted to try the rules; its decision follows in the stream", "green")

        try_message = partial(self.controls_call, "try_message")
        self.push_screen(TryMessageScreen(try_message, cursor_blink=self.cursor_blink), closed)

    def action_edit_rules(self) -> None:
        """Open the rules file in ``$EDITOR`` with the screen suspended, then reload it."""
        path = self.state.rules_path
        try:
            if not path:
                raise ValueError("no rules file is known")
            command = editor_command(path)
            with self.suspend():
                run_editor(command)
        except SuspendNotSupported:
            self._editing_failed("the terminal cannot hand the screen to an editor here")
            return
        except ValueError as error:
            self._editing_failed(str(error))
            return

        self.note(f"back from the editor; reloading {path}")
        self.action_reload_rules()

    def _editing_failed(self, reason: str) -> None:
        logger.warning("editing the rules file failed: %s", reason)
        self.note(f"editing the rules failed: {reason}", style="red")
        self.notify(reason, title="Editing the rules failed", severity="error")

    def start_watching(self, path: str) -> None:
        """Reload the rules whenever the file at ``path`` changes, from a worker thread."""
        self._reloaded_digest = file_digest(path)
        watch = partial(watch_file, path, partial(self._rules_file_changed, path), self._stop_watching)
        self.call_controls(f"Watching {path}", watch, group="watch")

    def stop_watching(self) -> None:
        """End the watch of the rules file."""
        self._stop_watching.set()

    def _rules_file_changed(self, path: str) -> None:
        """Reload on the watcher's thread, unless the file has the content of the last reload."""
        digest = file_digest(path)
        if digest is not None and digest == self._reloaded_digest:
            return
        self._reloaded_digest = digest

        try:
            self.call_from_thread(self.note, f"{path} changed; reloading the rules")
        except RuntimeError:
            return
        self._controls.reload_rules()

    def _selected_rule(self) -> str | None:
        name = self.rules_table.selected_rule
        if name is None:
            self.note("no rule is selected: the rules table is empty", style="yellow")
        return name

    def stamp(self, message: str, style: str) -> Text:
        """Return ``message`` as an actions-pane row with the current time in front."""
        return assemble([(clock(self.clock.wall()), "dim"), (f" · {one_line(message)}", style)])
