"""``responder run``: connect and answer, with the TUI or headless output."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
import time
from pathlib import Path

from responder.commands.check import print_problem
from responder.headless import HeadlessPrinter
from responder.journal import JournalError, default_journal_path
from responder.record_buffer import RecordBuffer
from responder.rules.loader import RulesError, RulesFileUnreadable, load_rules
from responder.rules.model import RuleSet
from responder.runtime import RunConfig, Runtime, TransportName
from responder.runtime_controls import MessageInjector

logger = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

TOKEN_VARIABLE = "SLACK_BOT_TOKEN"
APP_TOKEN_VARIABLE = "SLACK_APP_TOKEN"
HEADLESS_REFRESH = 0.1
"""Seconds between two batches of headless output lines."""


def load_or_report(path: Path) -> RuleSet | int:
    """Load the rules, or print every problem and return the exit status."""
    try:
        return load_rules(path)
    except RulesFileUnreadable as error:
        sys.stderr.write(f"{error}\n")
        return EXIT_USAGE
    except RulesError as error:
        for problem in error.problems:
            print_problem(problem, sys.stderr)
        sys.stderr.write(f"{path}: not started, because the rules file has errors\n")
        return EXIT_FAILED


def choose_transport(requested: str, app_token: str | None) -> TransportName:
    """Resolve ``--transport``: ``auto`` is Socket Mode when an app-level token is set, else RTM."""
    if requested == "rtm":
        return "rtm"
    if requested == "socket-mode":
        return "socket-mode"

    chosen: TransportName = "socket-mode" if app_token else "rtm"
    why = "is set" if app_token else "is not set"
    logger.info("--transport auto: %s %s, so the transport is %s", APP_TOKEN_VARIABLE, why, chosen)
    return chosen


def run_command(args: argparse.Namespace) -> int:
    """Start the responder against Slack (or any Web API URL) with the bot token."""
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if not token:
        sys.stderr.write(
            f"{TOKEN_VARIABLE} is not set: export the bot token of your Slack app "
            f"(xoxb-…), for example `export {TOKEN_VARIABLE}=xoxb-…`, then run again\n"
        )
        return EXIT_USAGE

    app_token = os.environ.get(APP_TOKEN_VARIABLE, "").strip() or None
    transport = choose_transport(args.transport, app_token)
    if transport == "socket-mode" and app_token is None:
        sys.stderr.write(
            f"--transport socket-mode needs {APP_TOKEN_VARIABLE}, which is not set: export the "
            "app-level token of your Slack app (xapp-…, made under Basic Information → App-Level "
            f"Tokens with the connections:write scope), for example `export {APP_TOKEN_VARIABLE}=xapp-…`, "
            "then run again\n"
        )
        return EXIT_USAGE

    rules = load_or_report(args.rules)
    if isinstance(rules, int):
        return rules

    config = RunConfig(
        rules_path=args.rules,
        token=token,
        slack_url=args.slack_url,
        dry_run=args.dry_run,
        ping_interval=args.ping_interval,
        pong_timeout=args.pong_timeout,
        ca_bundle=args.ca_bundle,
        journal_path=None if args.no_journal else (args.journal or default_journal_path()),
        journal_max_age=args.journal_max_age,
        handshake_timeout=args.handshake_timeout,
        reconnect_delay=args.reconnect_delay,
        reconnect_max_delay=args.reconnect_max_delay,
        stable_after=args.stable_after,
        record_path=args.record,
        transport=transport,
        app_token=app_token if transport == "socket-mode" else None,
    )
    return serve(config, rules, headless=args.headless, duration=None)


def serve(
    config: RunConfig,
    rules: RuleSet,
    *,
    headless: bool,
    duration: float | None,
    injector: MessageInjector | None = None,
) -> int:
    """Run until stopped, the duration has passed, or the connection failed for good.

    ``injector`` posts messages typed on the screen into a local workspace (the demo).
    """
    buffer = RecordBuffer()
    try:
        runtime = Runtime(config, buffer, rules, injector=injector)
    except JournalError as error:
        sys.stderr.write(f"{error}; choose another file with --journal PATH, or run with --no-journal\n")
        return EXIT_FAILED
    if headless:
        return serve_headless(runtime, buffer, duration)
    return serve_tui(runtime, buffer, duration)


def serve_headless(runtime: Runtime, buffer: RecordBuffer, duration: float | None) -> int:
    """Print one line per record until the end; Ctrl+C exits with status 130."""
    deadline = None if duration is None else time.monotonic() + duration
    printer = HeadlessPrinter(sys.stdout)
    status = EXIT_OK
    runtime.start()
    try:
        while not runtime.done.wait(HEADLESS_REFRESH):
            printer.print_pending(buffer)
            if deadline is not None and time.monotonic() >= deadline:
                break
    except KeyboardInterrupt:
        status = EXIT_INTERRUPTED
    finally:
        runtime.stop()
        printer.print_pending(buffer)

    if runtime.fatal_error is not None:
        sys.stderr.write(f"stopped: {runtime.fatal_error}\n")
        return EXIT_FAILED
    return status


def serve_tui(runtime: Runtime, buffer: RecordBuffer, duration: float | None) -> int:
    """Show the Textual screen until the user quits or the duration has passed."""
    from responder.tui.app import ResponderApp

    app = ResponderApp(buffer, runtime, rules_path=str(runtime.config.rules_path), freeze_startup=True)
    timer = None
    if duration is not None:
        timer = threading.Timer(duration, lambda: app.call_from_thread(app.exit, EXIT_OK))
        timer.daemon = True
        timer.start()
    runtime.start()
    try:
        app.run()
    finally:
        if timer is not None:
            timer.cancel()
        runtime.stop()

    if runtime.fatal_error is not None:
        sys.stderr.write(f"stopped: {runtime.fatal_error}\n")
        return EXIT_FAILED
    return EXIT_OK
