"""The event stream (one row per decision) and the indicator line below it."""

from __future__ import annotations

import logging
from typing import Mapping

from rich.cells import cell_len
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from responder.decisions import Decision, RuleResult
from responder.records import DecisionMade
from responder.tui.names import Names
from responder.tui.rowlog import RowLog
from responder.tui.stream_filter import StreamFilter
from responder.tui.text import EMPTY_TEXT_MARKER, assemble, clock, fit, one_line

logger = logging.getLogger(__name__)

CHANNEL_WIDTH = 11
USER_WIDTH = 10
KIND_WIDTH = 16
TEXT_WIDTH = 38
"""Display cells for the message text. Longer text is cut with an ellipsis."""
OUTCOME_WIDTH = 48
ROW_WIDTH = 8 + CHANNEL_WIDTH + USER_WIDTH + KIND_WIDTH + TEXT_WIDTH + 5 + OUTCOME_WIDTH
"""Width in cells of the widest event row: the time, five separators, four cells and the outcome."""


def event_row(record: DecisionMade, names: Names | None = None) -> Text:
    """Format one decision as a row: time, channel, user, type, text and outcome.

    Channels and users show their names where ``names`` has them, else their ids.
    """
    names = names if names is not None else Names()
    event = record.decision.event
    kind = f"{event.type}/{event.subtype}" if event.subtype else event.type
    if event.text:
        text = (fit(event.text, TEXT_WIDTH), "")
    else:
        text = (fit(EMPTY_TEXT_MARKER, TEXT_WIDTH), "dim italic")

    parts = [
        (clock(record.at), "dim"),
        (" ", ""),
        (fit(names.channel_label(event), CHANNEL_WIDTH), "cyan"),
        (" ", ""),
        (fit(names.user_label(event), USER_WIDTH), "magenta"),
        (" ", ""),
        (fit(kind, KIND_WIDTH), "blue"),
        (" ", ""),
        text,
        (" ", ""),
    ]
    outcome = outcome_parts(record.decision)
    row = assemble(parts + outcome)
    if record.decision.ignored is not None:
        # Ignored events (the bot's own posts, hidden events) are context, not news.
        row.stylize("dim")

    if sum(cell_len(piece) for piece, _style in outcome) > OUTCOME_WIDTH:
        row.truncate(ROW_WIDTH, overflow="ellipsis")
    return row


def outcome_parts(decision: Decision) -> list[tuple[str, str]]:
    """Build the outcome of a decision as styled parts: the rules that fired, or why none did."""
    if decision.ignored is not None:
        return [(f"ignored: {one_line(decision.ignored)}", "dim")]

    fired = [result for result in decision.results if result.fired]
    if not fired:
        return [("no rule fired", "dim")]

    parts = [("→ ", "green")]
    for position, result in enumerate(fired):
        if position:
            parts.append((", ", ""))
        parts += _fired_rule_parts(result)
    return parts


def _fired_rule_parts(result: RuleResult) -> list[tuple[str, str]]:
    dry_run = any(action.dry_run for action in result.actions)
    parts = [(one_line(result.rule), "bold yellow" if dry_run else "bold green")]
    if dry_run:
        parts.append((" (dry run)", "yellow"))
    if result.skipped:
        parts.append((f" ({len(result.skipped)} skipped)", "yellow"))
    return parts


class EventStream(RowLog[DecisionMade]):
    """The bounded event stream, one row per ``DecisionMade`` record.

    It keeps the records themselves and formats only the rows that come into view, so a
    change of names or of the filter redraws the kept rows without new records.
    """

    def __init__(self, max_rows: int, *, id: str | None = None) -> None:
        super().__init__(max_rows, row_width=ROW_WIDTH, id=id)
        self.format_errors = 0
        """Rows that could not be formatted and show an error in their place."""
        self.names = Names()
        """Channel and user names shown in place of ids."""
        self.stream_filter = StreamFilter()
        """The filter in force; an empty one shows every row."""
        self.filter_query = ""
        """The filter as the user typed it."""

    def show_names(self, channels: Mapping[str, str], users: Mapping[str, str]) -> None:
        """Show these names from now on, redrawing the rows when they changed."""
        if not self.names.update(channels, users):
            return
        if not self.stream_filter.empty:
            self.apply_filter(self.filter_query)
        else:
            self.redraw()

    def apply_filter(self, query: str) -> None:
        """Show only the kept rows that match ``query`` (see :class:`StreamFilter`)."""
        self.filter_query = query.strip()
        self.stream_filter = StreamFilter.parse(query)
        if self.stream_filter.empty:
            self.set_filter(None)
            return

        stream_filter, names = self.stream_filter, self.names
        self.set_filter(lambda record: stream_filter.matches(record, names))

    def format_row(self, row: DecisionMade) -> Text:
        try:
            return event_row(row, self.names)
        except Exception as error:  # one odd record must not take the screen down
            self.format_errors += 1
            logger.exception("Could not show the event with ts %s", row.decision.event.ts)
            message = f"{clock(row.at)} ✗ could not show this event: {error!r}"
            return Text(one_line(message), style="red", no_wrap=True)


class FollowIndicator(Widget):
    """One line under the event stream: following, paused, or how many rows are new."""

    DEFAULT_CSS = """
    FollowIndicator {
        height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    message: reactive[str] = reactive("")
    """The line as shown."""

    def render(self) -> Text:
        return Text(self.message, no_wrap=True, overflow="ellipsis")

    def show_state_of(self, log: EventStream) -> None:
        """Describe ``log``: following, paused, or scrolled up with new rows waiting."""
        self.message = describe_follow_state(log)


def describe_follow_state(log: EventStream) -> str:
    """Return the indicator line for ``log``, with the filter when one is set."""
    if log.paused:
        text = f"Paused: {log.held_count:,} new, press p to resume"
    elif not log.following:
        text = f"{log.held_count:,} new, press End to follow"
    else:
        text = f"Following the newest events ({log.row_count:,} of at most {log.max_rows:,} rows)"

    query = log.filter_query
    if query:
        text += f"  Filter: {one_line(query)} ({log.row_count:,} of {log.kept_count:,} rows match, Escape clears)"
    return text
