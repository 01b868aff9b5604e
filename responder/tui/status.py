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

TRANSPORT_TITLES = {"rtm": "RTM", "socket-mode": "Socket Mode"}
"""The header's name for each value of ``ConnectionState.transport``."""


def describe_transport(state: ConnectionState | None) -> str:
    """Name the transport of the latest connection record, or ``?`` before the first."""
    if state is None:
        return "?"
    return TRANSPORT_TITLES.get(state.transport, state.transport)


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


def describe_switches(state: MonitorState) -> tuple[str, str]:
    """Summarise the rules' switches: every rule a dry run, or how many are dry runs and off."""
    switches = state.switches.values()
    if not state.switches:
        return "", ""
    dry_runs = sum(1 for value in switches if value.dry_run and value.enabled)
    off = sum(1 for value in switches if not value.enabled)
    if all(value.dry_run for value in switches):
        return "  DRY RUN: nothing is sent", "bold black on yellow"

    parts = []
    if dry_runs:
        parts.append(f"{dry_runs:,} dry run")
    if off:
        parts.append(f"{off:,} off")
    return (f"  ({', '.join(parts)})", "yellow") if parts else ("", "")


def describe_counters(counters: Counters) -> str:
    """List the running totals."""
    parts = [
        f"events {counters.events:,}",
        f"fired {counters.fired:,}",
        f"sent {counters.sent:,}",
        f"failed {counters.failed:,}",
        f"dry run {counters.dry_run:,}",
        f"skipped actions {counters.skipped_actions:,}",
        f"duplicates {counters.duplicates:,}",
        f"skipped frames {counters.skipped_frames:,}",
        f"Slack errors {counters.slack_errors:,}",
    ]
    return "  ".join(parts)


def status_text(state: MonitorState, now: float, uptime: float, rate: float) -> Text:
    """Build the three lines of the status bar: connection and pace, rules, counters."""
    phase = state.connection.phase if state.connection else "connecting"
    connection = describe_connection(state.connection, now)
    rules_style = "red" if state.rules_failure is not None else ""
    switches, switches_style = describe_switches(state)

    return assemble(
        [
            ("workspace ", "dim"),
            (one_line(state.team or "?"), "bold"),
            ("  bot ", "dim"),
            (one_line(state.bot or "?"), "bold"),
            ("  over ", "dim"),
            (one_line(describe_transport(state.connection)), "bold"),
            (f"  up {duration(uptime)}  {rate:,.1f} events/s  ", ""),
            (f"● {connection}", _PHASE_STYLES.get(phase, "bold yellow")),
            ("\nrules ", "dim"),
            (describe_rules(state), rules_style),
            (switches, switches_style),
            ("\n", ""),
            (describe_counters(state.counters), "dim"),
        ]
    )


class TextLines(Widget):
    """Fixed-height text that repaints when it changes, without a new layout of the screen.

    A ``Static`` or ``Label`` update lays the whole screen out again, which costs tens of
    milliseconds at 140×40; these lines change with every batch of records.
    """

    DEFAULT_CSS = """
    TextLines {
        height: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    text: reactive[Text] = reactive(Text)
    """The text as shown."""

    @property
    def message(self) -> str:
        """The text without styles."""
        return self.text.plain

    def render(self) -> Text:
        return self.text


class StatusBar(TextLines):
    """Three lines at the top of the screen: connection and pace, rules, counters."""

    DEFAULT_CSS = """
    StatusBar {
        height: 3;
    }
    """
