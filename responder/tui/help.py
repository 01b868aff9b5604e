"""The help screen: every key as the key map sets it, and the filter syntax."""

from __future__ import annotations

import dataclasses
from typing import ClassVar, Mapping

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

FILTER_HELP = """\
Filter (press / and type; Escape clears it):
  deploy          events whose channel, user, fired rule or text contains "deploy"
  channel:#ops    events in a channel whose name or id contains "ops"
  user:alice      events from a user whose name or id contains "alice"
  rule:greet      events that fired a rule whose name contains "greet"
  Terms combine: "channel:ops rule:deploy api" needs all three. Case is ignored.

Rules table: the rule switch keys act on the rule under the table's cursor (the first
rule until another is chosen). Tab moves the focus to the table, and the arrow keys or a
click choose a rule. Ctrl+P opens the command palette, which lists every action.

Mouse: click an event to open it, click a rule to select it, scroll with the wheel.
Keys can be changed in $XDG_CONFIG_HOME/responder/keys.toml, for example
  "responder.quit" = "ctrl+x"
"""


class HelpScreen(ModalScreen[None]):
    """Lists every binding by group, with the keys that the user's key map gives them."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > Vertical {
        width: 90%;
        height: 90%;
        border: round $primary;
        border-title-align: left;
        background: $surface;
        padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="help.close", tooltip="Back to the monitoring screen."),
        Binding("q", "close", "Close", show=False, id="help.close_q", tooltip="Back to the monitoring screen."),
    ]

    def __init__(self, keymap: Mapping[str, str]) -> None:
        super().__init__()
        self._keymap = keymap

    def compose(self) -> ComposeResult:
        from responder.tui.bindings import binding_groups

        with Vertical() as dialog:
            dialog.border_title = "Keys and filter syntax"
            with VerticalScroll():
                for title, bindings in binding_groups():
                    yield Static(self._table(title, bindings), classes="help-group")
                yield Static(Text(FILTER_HELP), id="filter-help")
        yield Footer()

    def _table(self, title: str, bindings: list[Binding]) -> Table:
        table = Table(title=title, title_justify="left", expand=True, show_edge=False)
        table.add_column("Key", no_wrap=True, width=10)
        table.add_column("Action", no_wrap=True, width=14)
        table.add_column("What it does")
        table.add_column("Binding id", style="dim", no_wrap=True, width=24)
        for binding in bindings:
            keys = self._keymap.get(binding.id or "", binding.key)
            shown = ", ".join(self.app.get_key_display(dataclasses.replace(binding, key=key)) for key in keys.split(","))
            table.add_row(shown, binding.description, binding.tooltip, binding.id)
        return table

    def action_close(self) -> None:
        self.dismiss(None)
