"""The keys of the monitoring screen and the command palette entries made from them."""

from __future__ import annotations

from functools import partial
from typing import ClassVar, Iterable

from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider

APP_BINDINGS: list[BindingType] = [
    Binding("q", "quit", "Quit", id="responder.quit", tooltip="Stop the responder and leave."),
    Binding(
        "p",
        "toggle_pause",
        "Pause",
        id="responder.pause",
        tooltip="Stop adding rows to the event stream, or show the newest rows again.",
    ),
    Binding(
        "end",
        "follow",
        "Follow",
        id="responder.follow",
        tooltip="Scroll to the newest rows and keep following them.",
        priority=True,
        show=False,
    ),
    Binding(
        "slash",
        "filter",
        "Filter",
        id="responder.filter",
        tooltip="Show only events whose channel, user, fired rule or text contains what you type.",
    ),
    Binding(
        "escape",
        "clear_filter",
        "Clear filter",
        id="responder.clear_filter",
        tooltip="Show every event again.",
    ),
    Binding(
        "t",
        "try_message",
        "Try",
        id="responder.try_message",
        tooltip="Type a message and see which rules answer it.",
    ),
    Binding(
        "r",
        "reload_rules",
        "Reload",
        id="responder.reload_rules",
        tooltip="Read the rules file again; on errors the current rules stay in force.",
    ),
    Binding(
        "e",
        "toggle_rule_enabled",
        "Rule on/off",
        id="responder.rule_enabled",
        tooltip="Switch the rule selected in the rules table on or off.",
    ),
    Binding(
        "d",
        "toggle_rule_dry_run",
        "Rule dry run",
        id="responder.rule_dry_run",
        tooltip="Make the selected rule a dry run (shown, not sent), or live again.",
    ),
    Binding(
        "D",
        "toggle_dry_run_all",
        "All dry run",
        id="responder.dry_run_all",
        tooltip="Make every rule a dry run; press again to give each rule its own setting back.",
    ),
    Binding(
        "o",
        "edit_rules",
        "Edit",
        id="responder.edit_rules",
        tooltip="Open the rules file in $EDITOR, then reload it.",
    ),
    Binding("question_mark", "help", "Help", id="responder.help", tooltip="List every key and the filter syntax."),
    Binding(
        "ctrl+t",
        "change_theme",
        "Theme",
        id="responder.theme",
        tooltip="Pick one of Textual's built-in colour themes.",
        show=False,
    ),
]
"""Keys of the main screen. Each has an id, so that ``keys.toml`` can remap it."""

EXTRA_COMMANDS: list[tuple[str, str, str]] = [
    ("Open the marked event", "Show the raw JSON and the explanation of the marked event.", "open_event"),
    ("Focus the event stream", "Move the keyboard focus to the event stream.", "focus('events')"),
    ("Focus the rules table", "Move the keyboard focus to the rules table.", "focus('rules')"),
]
"""Palette entries for actions that have no key of their own on the main screen."""


def palette_entries(bindings: Iterable[BindingType]) -> list[tuple[str, str, str]]:
    """Return ``(title, help, action)`` for every binding with an id, then the extra commands."""
    entries: list[tuple[str, str, str]] = []
    for binding in bindings:
        if isinstance(binding, Binding) and binding.id:
            entries.append((binding.description, binding.tooltip, binding.action))
    return entries + EXTRA_COMMANDS


class ResponderCommands(Provider):
    """Command palette entries for every action of the monitoring screen."""

    ENTRIES: ClassVar[list[tuple[str, str, str]]] = palette_entries(APP_BINDINGS)

    def _run(self, action: str) -> None:
        self.app.call_later(self.app.run_action, action)

    async def discover(self) -> Hits:
        for title, help_text, action in self.ENTRIES:
            yield DiscoveryHit(title, partial(self._run, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action in self.ENTRIES:
            score = max(matcher.match(title), matcher.match(help_text) * 0.5)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self._run, action), text=title, help=help_text)


def binding_groups() -> list[tuple[str, list[Binding]]]:
    """Return every binding with an id, grouped by where it works, for the help and the key map."""
    from responder.tui.detail import DetailScreen
    from responder.tui.help import HelpScreen
    from responder.tui.rowlog import RowLog
    from responder.tui.try_message import TryMessageScreen

    groups = [
        ("Monitoring screen", APP_BINDINGS),
        ("Event stream (when focused)", RowLog.BINDINGS),
        ("Event details", DetailScreen.BINDINGS),
        ("Try a message", TryMessageScreen.BINDINGS),
        ("Help", HelpScreen.BINDINGS),
    ]
    return [
        (title, [binding for binding in group if isinstance(binding, Binding) and binding.id])
        for title, group in groups
    ]


def binding_ids() -> set[str]:
    """Return the id of every binding that a key map may remap."""
    return {binding.id for _title, group in binding_groups() for binding in group if binding.id}
