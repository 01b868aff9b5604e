"""The detail screen of one event: its decision, its raw JSON and the rules' explanation."""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Callable, ClassVar

from rich.highlighter import JSONHighlighter
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

from responder.decisions import Decision
from responder.records import DecisionMade
from responder.tui.names import Names
from responder.tui.text import clock

logger = logging.getLogger(__name__)

TOKEN_PATTERN = re.compile(r"\b(?:xox[abpr]|xapp)-[A-Za-z0-9-]+")
"""Slack bot, user, app-level and refresh tokens, anywhere in a string."""
REDACTED = "[redacted token]"
EXPLAIN_MISSING = "explain is not available"

Explainer = Callable[[Decision], "str | None"]


def redact(value: Any) -> Any:
    """Return ``value`` with every token-like substring of every string replaced, keys included."""
    if isinstance(value, str):
        return TOKEN_PATTERN.sub(REDACTED, value)
    if isinstance(value, dict):
        return {redact(str(key)): redact(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact(item) for item in value]
    return value


def raw_json(decision: Decision) -> str:
    """Pretty-print the raw Slack payload of the decision's event, tokens redacted."""
    return json.dumps(redact(dict(decision.event.raw)), indent=2, ensure_ascii=False, default=repr)


def summary_lines(record: DecisionMade, names: Names) -> list[str]:
    """Describe the decision: where and from whom, then what fired or why nothing did."""
    decision = record.decision
    event = decision.event
    kind = f"{event.type}/{event.subtype}" if event.subtype else event.type
    lines = [
        f"{clock(record.at)}  {kind} in {names.channel_label(event)} from {names.user_label(event)}"
        f"  ts {event.ts or '-'}",
    ]
    if decision.ignored is not None:
        lines.append(f"Ignored: {decision.ignored}")
    elif decision.fired:
        lines.append(f"Fired: {', '.join(decision.fired)}")
    else:
        lines.append("No rule fired")

    for action in decision.actions:
        mode = " (dry run)" if action.dry_run else ""
        channel = names.channels.get(action.channel)
        where = f"#{channel}" if channel else action.channel
        lines.append(f"  {action.rule} #{action.number}: {action.method} in {where}{mode}")
    for skip in decision.skipped:
        lines.append(f"  {skip.rule} #{skip.number} skipped: {skip.reason}")
    return [TOKEN_PATTERN.sub(REDACTED, line) for line in lines]


class DetailScreen(ModalScreen[None]):
    """Shows one event over the main screen until Escape or q."""

    DEFAULT_CSS = """
    DetailScreen {
        align: center middle;
    }
    DetailScreen > Vertical {
        width: 90%;
        height: 90%;
        border: round $primary;
        border-title-align: left;
        background: $surface;
        padding: 0 1;
    }
    DetailScreen .section {
        text-style: bold;
        margin-top: 1;
    }
    DetailScreen VerticalScroll {
        height: 1fr;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="detail.close", tooltip="Back to the monitoring screen."),
        Binding("q", "close", "Close", show=False, id="detail.close_q", tooltip="Back to the monitoring screen."),
    ]

    def __init__(self, record: DecisionMade, names: Names, explain: Explainer) -> None:
        super().__init__()
        self.record = record
        self._names = names
        self._explain = explain
        self.explanation_text = "Explaining…"
        """The explanation as shown, or the reason there is none."""
        self.explanation = Static(self.explanation_text, id="explanation", markup=False)

    def compose(self) -> ComposeResult:
        with Vertical() as dialog:
            dialog.border_title = "Event details"
            yield Static("\n".join(summary_lines(self.record, self._names)), id="summary", markup=False)
            with VerticalScroll():
                yield Label("Why the rules did or did not fire", classes="section")
                yield self.explanation
                yield Label("Raw event (tokens redacted)", classes="section")
                yield Static(JSONHighlighter()(Text(raw_json(self.record.decision))), id="raw-json")
        yield Footer()

    def on_mount(self) -> None:
        self.load_explanation()

    @work(thread=True, exclusive=True, group="explain", exit_on_error=False)
    def load_explanation(self) -> None:
        """Ask for the explanation on a worker thread, because the engine may be busy."""
        try:
            text = self._explain(self.record.decision)
        except Exception as error:
            logger.exception("explaining the event with ts %s failed", self.record.decision.event.ts)
            message = f"explain failed: {str(error) or type(error).__name__}"
            self.app.call_from_thread(self._show_explanation, message)
            return

        shown = EXPLAIN_MISSING if text is None else TOKEN_PATTERN.sub(REDACTED, text)
        self.app.call_from_thread(self._show_explanation, shown)

    def _show_explanation(self, text: str) -> None:
        self.explanation_text = text
        self.explanation.update(Text(text))

    def action_close(self) -> None:
        self.dismiss(None)
