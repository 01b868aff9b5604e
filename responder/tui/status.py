"""The status bar: workspace, bot, connection, rules, uptime, rate and counters."""

from __future__ import annotations

import math

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from responder.records import ConnectionState
from responder.tui.state import Counters, MonitorState
from responder.tui.text import assemble, duration, one_line, plural

_PHASE_STYLES = {"connected": "bold green", "stopped": "bold red"}


def describe_connection(state: ConnectionState | None, now: float) -> str:
    """Describe the connection phase, counting down to the next try from ``now`` (``time.time()``)."""
    if state is None:
        return "not connected yet"

    if state.phase == "connected":
        # ping_rtt is in seconds.
        if state.ping_rtt is None:
            return "connected"
        return f"connected (ping {round(state.ping_rtt * 1000)} ms)"

    details = [f"attempt {state.attempt}"] if state.attempt else []
    if state.phase == "reconnecting" and state.next_try_at is not None:
        wait = math.ceil(state.next_try_at - now)
        details.append(f"next try in {wait} s" if wait > 0 else "trying now")

    text: str = state.phase
    if details and state.phase != "stopped":
        text += f" ({', '.join(details)})"
    if state.reason:
        text += f": {one_line(state.reason)}"
    return text


def describe_rules(state: MonitorState) -> str:
    """Describe the rules file and how many rules are in force."""
    prefix = f"{state.rules_path}: " if state.rules_path else ""
    if not state.rules_loaded:
        loaded = "not loaded yet" if state.rules_failure is None else "failed to load"
        return prefix + loaded

    text = prefix + plural(len(state.rule_names), "rule")
    if state.rules_failure is not None:
        text += " (reload failed)"
    return text


def describe_counters(counters: Counters, rate: float) -> str:
    """List the counters, with the event rate next to the event count."""
    parts = [
        f"events {counters.events:,} ({rate:.1f}/s)",
        f"fired {counters.fired:,}",
        f"sent {counters.sent:,}",
        f"failed {counters.failed:,}",
        f"dry run {counters.dry_run:,}",
        f"skipped actions {counters.skipped_actions:,}",
        f"skipped frames {counters.skipped_frames:,}",
        f"Slack errors {counters.slack_errors:,}",
    ]
    return "  ".join(parts)


def status_text(state: MonitorState, now: float, uptime: float, rate: float) -> Text:
    """Build the three lines of the status bar: connection, rules and uptime, counters."""
    phase = state.connection.phase if state.connection else "connecting"
    connection = describe_connection(state.connection, now)
    rules_style = "red" if state.rules_failure is not None else ""

    return assemble(
        [
            (f"workspace {one_line(state.team or '?')}  bot {one_line(state.bot or '?')}  ", ""),
            (f"● {connection}", _PHASE_STYLES.get(phase, "bold yellow")),
            ("\nrules ", ""),
            (describe_rules(state), rules_style),
            (f"  up {duration(uptime)}\n", ""),
            (describe_counters(state.counters, rate), "dim"),
        ]
    )


class StatusBar(Widget):
    """Three lines at the top of the screen, repainted only when their text changes."""

    DEFAULT_CSS = """
    StatusBar {
        height: 3;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    text: reactive[Text] = reactive(Text)
    """The status as shown."""

    @property
    def message(self) -> str:
        """The status as plain text."""
        return self.text.plain

    def render(self) -> Text:
        return self.text
