"""The actions pane (results, skips, Slack errors, notices) and the rules-failure banner."""

from __future__ import annotations

from typing import Mapping

from rich.text import Text
from textual import events
from textual.widgets import Static

from responder.decisions import PlannedAction, SkippedAction
from responder.headless import format_wait
from responder.records import (
    ActionResult,
    ActionRetrying,
    ConnectionState,
    DecisionMade,
    Notice,
    Record,
    RulesLoaded,
    SlackErrorFrame,
)
from responder.tui.names import Names
from responder.tui.rowlog import RowLog
from responder.tui.state import MonitorState
from responder.tui.status import describe_connection
from responder.tui.text import assemble, clock, fit, one_line, plural

ACTION_TEXT_WIDTH = 50
"""Display cells for the text of a sent message. Longer text is cut with an ellipsis."""
BANNER_MAX_ERRORS = 10

_STATUS_MARKS = {
    "sent": (" ✓ sent    ", "green"),
    "failed": (" ✗ failed  ", "bold red"),
    "dry_run": (" ◌ dry run ", "yellow"),
}
_RETRYING_MARK = (" ↻ retry   ", "yellow")
_NOTICE_MARKS = {"info": ("·", "dim"), "warning": ("⚠", "yellow"), "error": ("✗", "red")}


class ActionsLog(RowLog[Text]):
    """The bounded actions pane, whose rows are formatted when they arrive.

    Its rows have nothing more to show, so ↑ and ↓ scroll instead of marking a row.
    """

    def format_row(self, row: Text) -> Text:
        return row

    def action_cursor_up(self) -> None:
        self.scroll_up(animate=False)

    def action_cursor_down(self) -> None:
        self.scroll_down(animate=False)

    def action_select_cursor(self) -> None:
        return

    def on_click(self, event: events.Click) -> None:
        event.stop()


def describe_actions(state: MonitorState) -> Text:
    """Build the actions pane's title: actions waiting for Slack, then the outcomes so far."""
    counters = state.counters
    waiting = len(state.pending)
    return assemble(
        [
            ("Actions and alerts   ", ""),
            (f"queued {waiting:,}", "bold yellow" if waiting else ""),
            (f"  sent {counters.sent:,}", "green" if counters.sent else ""),
            (f"  failed {counters.failed:,}", "bold red" if counters.failed else ""),
            (f"  dry run {counters.dry_run:,}", "yellow" if counters.dry_run else ""),
        ]
    )


def activity_rows(record: Record, names: Names | None = None) -> list[Text]:
    """Format the rows that ``record`` adds to the actions pane (none for most decisions)."""
    if isinstance(record, ActionResult):
        return [action_result_row(record, names)]
    if isinstance(record, ActionRetrying):
        return [retrying_row(record, names)]
    if isinstance(record, DecisionMade):
        return [skipped_action_row(record.at, skip) for skip in record.decision.skipped]
    if isinstance(record, SlackErrorFrame):
        return [_row(record.at, "⚠", f"Slack error {record.code}: {record.message}", "red")]
    if isinstance(record, Notice):
        return [notice_row(record)]
    if isinstance(record, RulesLoaded):
        return rules_loaded_rows(record)
    if isinstance(record, ConnectionState):
        return [connection_row(record)]
    return []


def action_result_row(record: ActionResult, names: Names | None = None) -> Text:
    """Format a sent, failed or dry-run action with its rule, target and text or error."""
    action = record.action
    channels = names.channels if names is not None else {}
    parts = [
        (clock(record.at), "dim"),
        _STATUS_MARKS[record.status],
        (one_line(f"{action.rule} #{action.number}"), "bold"),
        (f" {action.verb}", ""),
    ]

    # The error code goes first, because the pane is often too narrow for the whole row.
    if record.status == "failed":
        parts.append((": ", ""))
        parts.append((one_line(record.error or "unknown error"), "bold red"))
    parts.append((one_line(f" → {_target(action, channels)}"), ""))
    if record.status != "failed":
        parts.append((_content(action), ""))
    return assemble(parts)


def retrying_row(record: ActionRetrying, names: Names | None = None) -> Text:
    """Format a scheduled retry: Slack's error, the target, the wait and the attempt.

    The action's later result (sent or failed) arrives as a row of its own.
    """
    action = record.action
    channels = names.channels if names is not None else {}
    wait = format_wait(max(0.0, record.retry_at - record.at))
    return assemble(
        [
            (clock(record.at), "dim"),
            _RETRYING_MARK,
            (one_line(f"{action.rule} #{action.number}"), "bold"),
            (f" {action.verb}: ", ""),
            (one_line(record.error), "bold yellow"),
            (one_line(f" → {_target(action, channels)}"), ""),
            (f", retrying after {wait} s (attempt {record.attempt} of {record.max_retries})", "yellow"),
        ]
    )


def skipped_action_row(at: float, skip: SkippedAction) -> Text:
    """Format an action that the engine could not build."""
    return _row(at, "⚠", f"skipped {skip.rule} #{skip.number}: {skip.reason}", "yellow")


def notice_row(record: Notice) -> Text:
    """Format a notice with a mark for its level and the ids it names."""
    mark, style = _NOTICE_MARKS.get(record.level, ("·", ""))
    message = f"{record.level}: {record.message}"
    if record.ids:
        message += f" ({', '.join(record.ids)})"
    return _row(record.at, mark, message, style)


def rules_loaded_rows(record: RulesLoaded) -> list[Text]:
    """Format a load of the rules file: a summary, then each error or warning on its own row."""
    path = record.path or "the rules file"
    if record.ok:
        loaded = f"loaded {plural(len(record.rule_names), 'rule')} from {path}"
        rows = [_row(record.at, "✓", loaded, "green")]
    else:
        failed = f"loading {path} failed with {plural(len(record.errors), 'error')}"
        rows = [_row(record.at, "✗", failed, "bold red")]
        rows += [_row(record.at, " ", error, "red") for error in record.errors]

    rows += [_row(record.at, "⚠", warning, "yellow") for warning in record.warnings]
    return rows


def connection_row(record: ConnectionState) -> Text:
    """Format a change of the connection phase, with the time it happened."""
    style = {"connected": "green", "stopped": "red"}.get(record.phase, "yellow")
    return _row(record.at, "●", describe_connection(record, record.at), style)


def _row(at: float, mark: str, message: str, style: str) -> Text:
    return assemble([(clock(at), "dim"), (f" {mark} {one_line(message)}", style)])


def _target(action: PlannedAction, channels: Mapping[str, str]) -> str:
    name = channels.get(action.channel)
    target = f"#{name}" if name else action.channel
    if action.method == "chat.postEphemeral" and action.user:
        target += f" for {action.user}"
    if action.thread_ts:
        target += " in thread"
    if action.broadcast:
        target += " (broadcast)"
    return target


def _content(action: PlannedAction) -> str:
    if action.method == "reactions.add":
        return one_line(f" :{action.reaction}: on {action.timestamp}")
    if action.text is None:
        return ""
    return ": " + fit(action.text, ACTION_TEXT_WIDTH).rstrip()


class RulesBanner(Static):
    """A banner shown while the last load of the rules file has failed, hidden otherwise."""

    DEFAULT_CSS = """
    RulesBanner {
        display: none;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.message = ""
        """The banner text as shown, empty while hidden."""

    def show_failure(self, failure: RulesLoaded | None, kept_rules: int | None) -> None:
        """Show ``failure``, or hide the banner for None. ``kept_rules`` is None when no rules are loaded."""
        self.message = "" if failure is None else failure_text(failure, kept_rules)
        self.update(Text(self.message))
        self.display = failure is not None


def failure_text(failure: RulesLoaded, kept_rules: int | None) -> str:
    """Describe a failed load: what is still in force, each error, and what to do next."""
    path = failure.path or "the rules file"
    if kept_rules is None:
        in_force = "no rules are loaded"
    else:
        in_force = f"the responder keeps its previous {plural(kept_rules, 'rule')}"

    lines = [f"Loading {path} failed with {plural(len(failure.errors), 'error')}; {in_force}."]
    lines += [one_line(error) for error in failure.errors[:BANNER_MAX_ERRORS]]
    hidden = len(failure.errors) - BANNER_MAX_ERRORS
    if hidden > 0:
        lines.append(f"… and {hidden} more (run `responder check {path}` to list them all)")
    lines.append("Fix the file and press r to reload it.")
    return "\n".join(lines)
