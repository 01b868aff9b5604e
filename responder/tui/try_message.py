"""A form that tries a message against the rules: posted in the demo, a dry run when live."""

from __future__ import annotations

import logging
from typing import Callable, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Static

from responder.tui.detail import REDACTED, TOKEN_PATTERN

logger = logging.getLogger(__name__)

TryMessage = Callable[[str, "str | None", "str | None"], "str | None"]
POSTED = "The message was posted to the workspace; its decision appears in the event stream."


class TryMessageScreen(ModalScreen[bool]):
    """Asks for a text, a channel and a user, then shows what the rules would do.

    It dismisses itself with True when the message was posted (the demo), and stays open
    to show the explanation of a dry run (a live workspace) or an error.
    """

    DEFAULT_CSS = """
    TryMessageScreen {
        align: center middle;
    }
    TryMessageScreen > Vertical {
        width: 80%;
        height: auto;
        max-height: 90%;
        border: round $primary;
        border-title-align: left;
        background: $surface;
        padding: 0 1;
    }
    TryMessageScreen Horizontal {
        height: auto;
    }
    TryMessageScreen Input {
        width: 1fr;
    }
    TryMessageScreen #try-result {
        height: auto;
        max-height: 20;
    }
    TryMessageScreen .error {
        color: $error;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="try.cancel", tooltip="Close the form without trying."),
    ]

    def __init__(self, try_message: TryMessage, *, cursor_blink: bool = True) -> None:
        super().__init__()
        self._try_message = try_message
        self._cursor_blink = cursor_blink
        self.result_text = ""
        """The outcome as shown: an explanation, an error, or empty before a try."""

    def compose(self) -> ComposeResult:
        with Vertical() as dialog:
            dialog.border_title = "Try a message against the rules"
            yield Input(placeholder="message text", id="try-text")
            with Horizontal():
                yield Input(placeholder="channel (#general, optional)", id="try-channel")
                yield Input(placeholder="user (@alice, optional)", id="try-user")
            with Horizontal():
                yield Button("Try", variant="primary", id="try-submit")
                yield Button("Cancel", id="try-cancel")
            with VerticalScroll(id="try-result"):
                yield Static("", id="try-output", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = self._cursor_blink
        self.query_one("#try-text", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#try-submit")
    def submit(self) -> None:
        """Check the text, then try it on a worker thread."""
        text = self.query_one("#try-text", Input).value
        if not text.strip():
            self._show("Type a message text first.", error=True)
            return

        channel = self.query_one("#try-channel", Input).value.strip() or None
        user = self.query_one("#try-user", Input).value.strip() or None
        self._show("Trying…", error=False)
        self.run_try(text, channel, user)

    @on(Button.Pressed, "#try-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)

    @work(thread=True, exclusive=True, group="try message", exit_on_error=False)
    def run_try(self, text: str, channel: str | None, user: str | None) -> None:
        """Call the responder on a worker thread and show what it returned."""
        try:
            outcome = self._try_message(text, channel, user)
        except Exception as error:
            logger.warning("trying a message failed: %s", error)
            reason = str(error) or type(error).__name__
            if isinstance(error, KeyError) and error.args:
                reason = str(error.args[0])
            self.app.call_from_thread(self._show, f"Trying the message failed: {reason}", True)
            return

        if outcome is None:
            self.app.call_from_thread(self.dismiss, True)
            return
        self.app.call_from_thread(self._show, TOKEN_PATTERN.sub(REDACTED, outcome), False)

    def _show(self, message: str, error: bool) -> None:
        self.result_text = message
        output = self.query_one("#try-output", Static)
        output.set_class(error, "error")
        output.update(Text(message))
