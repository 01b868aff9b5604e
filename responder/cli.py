"""Command-line entry point: argument parsing and the subcommands."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Sequence

from responder import __version__
from responder.signals import handle_stop_signals
from responder.commands.offline import OFFLINE_COMMANDS, add_offline_commands, run_offline_command

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="responder",
        description="A declarative, rule-based Slack auto-responder with a terminal UI.",
    )
    parser.add_argument("--version", action="version", version=f"responder {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="connect to Slack and respond to messages by the rules")
    run.add_argument("rules", type=Path, help="the rules file (TOML)")
    add_run_options(run)
    run.add_argument(
        "--slack-url",
        default="https://slack.com/api/",
        help="Web API base URL (default: %(default)s); point it at the emulator to run locally",
    )
    run.add_argument("--ca-bundle", help="CA file to trust for TLS (default: SSL_CERT_FILE, else the system store)")
    add_journal_options(run)
    add_connection_options(run)

    check = commands.add_parser("check", help="validate rules files (exit 0 valid, 1 invalid, 2 unreadable)")
    check.add_argument("rules", type=Path, nargs="+", help="one or more rules files (TOML)")

    demo = commands.add_parser("demo", help="run against a bundled local Slack emulator with demo traffic")
    demo.add_argument("rules", type=Path, nargs="?", help="the rules file (default: rules.example.toml)")
    add_run_options(demo)
    demo.add_argument("--duration", type=float, help="stop after this many seconds")
    demo.add_argument("--scenario", type=Path, help="scenario file to play (default: the bundled demo)")

    emulator = commands.add_parser("emulator", help="run the local Slack emulator on its own")
    emulator.add_argument("--scenario", type=Path, help="scenario file to play once a client connects")
    emulator.add_argument("--calls", type=Path, help="write every Web API call to this JSON-lines file (emptied at start)")
    emulator.add_argument("--port", type=int, default=0, help="TCP port (default: a free one)")
    emulator.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")

    add_offline_commands(commands)
    return parser


def add_run_options(command: argparse.ArgumentParser) -> None:
    """Options shared by ``run`` and ``demo``."""
    command.add_argument("--headless", action="store_true", help="print one line per record instead of the TUI")
    command.add_argument("--dry-run", action="store_true", help="decide and show every action, send nothing")
    command.add_argument(
        "--transport",
        choices=["auto", "rtm", "socket-mode"],
        default="auto",
        help="how events arrive: socket-mode (apps created today; needs SLACK_APP_TOKEN), rtm "
        "(classic apps only), or auto: socket-mode when SLACK_APP_TOKEN is set, else rtm (default: %(default)s)",
    )
    command.add_argument("--ping-interval", type=float, default=10.0, help="seconds between websocket pings")
    command.add_argument("--pong-timeout", type=float, default=10.0, help="seconds to wait for a pong")
    command.add_argument("--log-file", type=Path, help="also write the log to this file")
    command.add_argument(
        "--log-level",
        default="WARNING",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="log level (default: %(default)s); the log goes to stderr when headless",
    )
    command.add_argument(
        "--record",
        type=Path,
        metavar="FILE",
        help="append every raw event received to this JSON-lines file (tokens redacted), for `responder replay`",
    )


def positive_seconds(text: str) -> float:
    """Parse a number of seconds greater than 0 for an option."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number of seconds: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number of seconds greater than 0, not {text}")
    return value


def add_journal_options(command: argparse.ArgumentParser) -> None:
    """Options of the delivery journal, which keeps replies across restarts."""
    group = command.add_argument_group("delivery journal")
    journal = group.add_mutually_exclusive_group()
    journal.add_argument(
        "--journal",
        type=Path,
        metavar="PATH",
        help="SQLite file that records every action before it is sent, so a restart neither "
        "loses nor repeats a reply (default: $XDG_STATE_HOME/responder/journal.sqlite3, "
        "else ~/.local/state/responder/journal.sqlite3)",
    )
    journal.add_argument("--no-journal", action="store_true", help="run without a journal")
    group.add_argument(
        "--journal-max-age",
        type=positive_seconds,
        default=3600.0,
        metavar="SECONDS",
        help="send unsent actions of an earlier run only if planned within this many seconds (default: %(default)g)",
    )


def add_connection_options(command: argparse.ArgumentParser) -> None:
    """Reconnect timing; the defaults suit Slack, shorter values suit tests."""
    group = command.add_argument_group("connection")
    group.add_argument(
        "--handshake-timeout", type=positive_seconds, default=15.0, metavar="SECONDS",
        help="give up a websocket handshake or a wait for hello after this many seconds (default: %(default)g)",
    )
    group.add_argument(
        "--reconnect-delay", type=positive_seconds, default=1.0, metavar="SECONDS",
        help="first reconnect backoff step; each further step doubles (default: %(default)g)",
    )
    group.add_argument(
        "--reconnect-max-delay", type=positive_seconds, default=60.0, metavar="SECONDS",
        help="longest reconnect backoff step, before ±25%% jitter (default: %(default)g)",
    )
    group.add_argument(
        "--stable-after", type=positive_seconds, default=30.0, metavar="SECONDS",
        help="a session up this long resets the backoff to its first step (default: %(default)g)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit status."""
    args = build_parser().parse_args(argv)
    handle_stop_signals()

    if args.command == "check":
        from responder.commands.check import run_check

        return run_check(args.rules)
    if args.command == "emulator":
        from responder.emulator.standalone import run_standalone

        return run_standalone(args.scenario, args.calls, args.port, args.host)
    if args.command in OFFLINE_COMMANDS:
        return run_offline_command(args)

    configure_logging(args)
    if args.command == "run":
        from responder.commands.run import run_command

        return run_command(args)
    from responder.commands.demo import demo_command

    return demo_command(args)


def configure_logging(args: argparse.Namespace) -> None:
    """Log to stderr when headless, and to ``--log-file`` when given."""
    handlers: list[logging.Handler] = []
    if args.headless:
        handlers.append(logging.StreamHandler(sys.stderr))
    if args.log_file is not None:
        handlers.append(logging.FileHandler(args.log_file, encoding="utf-8"))
    if not handlers:
        handlers.append(logging.NullHandler())
    logging.basicConfig(
        level=args.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=handlers,
        force=True,
    )
    # slack_sdk logs whole responses at DEBUG, and rtm.connect's contains a
    # single-use websocket URL that works as a credential for 30 s.
    logging.getLogger("slack_sdk").setLevel(max(logging.INFO, logging.getLogger().level))

    # Every failed call raises, and the responder reports it in its own words, so the
    # client's own ERROR line for the same failure is kept for debug logs only.
    if logging.getLogger().level > logging.DEBUG:
        logging.getLogger("slack_sdk.web.base_client").setLevel(logging.CRITICAL)
