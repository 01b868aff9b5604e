"""Arguments and dispatch of the commands that run without Slack: test, explain, replay, schema."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any, Callable

from responder.testing.workspace import ID_PATTERNS

OFFLINE_COMMANDS = ("test", "explain", "replay", "schema")


def add_offline_commands(commands: Any) -> None:
    """Add the offline subcommands to ``commands``, the parser's subparsers object."""
    test = commands.add_parser("test", help="run the [[test]] tables of a rules file offline (exit 0 all passed)")
    test.add_argument("rules", type=Path, help="the rules file (TOML)")

    explain = commands.add_parser("explain", help="show how every rule judges one event, offline")
    explain.add_argument("rules", type=Path, help="the rules file (TOML)")
    source = explain.add_mutually_exclusive_group(required=True)
    source.add_argument("--text", help="the text of a plain message to explain")
    source.add_argument("--event", metavar="FILE", help="a JSON file with one raw event ('-' reads standard input)")
    explain.add_argument("--channel", help="channel id or #name of the --text message (default: C0TEST1)")
    explain.add_argument("--user", help="author id or @name of the --text message (default: U0TEST1)")
    explain.add_argument("--ts", help="ts of the --text message (default: 1700000000.000100)")
    explain.add_argument("--thread-ts", help="thread_ts of the --text message, to make it a reply in that thread")
    explain.add_argument("--json", action="store_true", help="print the explanation as JSON")

    replay = commands.add_parser("replay", help="run recorded events through the rules offline and print each decision")
    replay.add_argument("rules", type=Path, help="the rules file (TOML)")
    replay.add_argument("events", type=Path, help="JSON-lines file of raw events, as --record writes it")
    replay.add_argument("--json", action="store_true", help="print one JSON object per planned action")
    replay.add_argument("--bot-user", type=id_option("bot_user"), help="the bot's user id (default: from [test_workspace], else U0SELF)")
    replay.add_argument("--bot-id", type=id_option("bot_id"), help="the bot's bot id (default: from [test_workspace], else B0SELF)")
    replay.add_argument("--app-id", type=id_option("app_id"), help="the bot's app id (default: from [test_workspace], else A0SELF)")

    schema = commands.add_parser("schema", help="print the path of the rules file's JSON Schema, for editors")
    schema.add_argument("--print", dest="print_schema", action="store_true", help="print the schema itself")


def id_option(key: str) -> Callable[[str], str]:
    """Return an argparse type that accepts one kind of Slack id."""
    pattern: re.Pattern[str]
    pattern, example = ID_PATTERNS[key]

    def read(text: str) -> str:
        if not pattern.fullmatch(text):
            raise argparse.ArgumentTypeError(f"invalid id {text!r}; expected {example}")
        return text

    return read


def run_offline_command(args: argparse.Namespace) -> int:
    """Run the offline subcommand named by ``args.command``."""
    if args.command == "test":
        from responder.commands.test import run_tests_command

        return run_tests_command(args.rules)
    if args.command == "explain":
        from responder.commands.explain import explain_command

        return explain_command(args)
    if args.command == "replay":
        from responder.commands.replay import replay_command

        return replay_command(args)

    from responder.commands.schema import schema_command

    return schema_command(args.print_schema)
