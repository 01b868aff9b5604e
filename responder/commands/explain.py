"""``responder explain``: show, for one event, every rule's conditions and what would be sent."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from responder.commands.test import EXIT_FAILED, EXIT_OK, EXIT_UNREADABLE, load_for_offline_run, position_reporter, print_problems
from responder.recorder import RecordedEvent, event_time, unwrap
from responder.rules.model import RuleSet
from responder.slack.normalise import normalise
from responder.testing.cases import FIRST_TS, TEST_CHANNEL, TEST_USER
from responder.testing.runner import START_TIME, offline_engine
from responder.testing.workspace import OfflineWorkspace, read_workspace


class EventInputError(Exception):
    """An event from the command line that cannot be used. The message gives the reason."""


def explain_command(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Explain one event against the rules: exit 0, 1 when the rules do not load, 2 on bad input."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    rules = load_for_offline_run(args.rules, err)
    if isinstance(rules, int):
        return rules
    workspace = offline_workspace(args.rules, rules, err)
    if workspace is None:
        return EXIT_FAILED

    try:
        raw = event_from_args(args, workspace)
    except EventInputError as error:
        err.write(f"{error}\n")
        return EXIT_UNREADABLE

    from responder.explain import explain, format_explanation

    engine = offline_engine(rules, workspace)
    event = normalise(raw, engine.identity)
    explanation = explain(engine, event, now=event_time(raw, START_TIME))
    if args.json:
        out.write(json.dumps(to_json(explanation), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(format_explanation(explanation).rstrip("\n") + "\n")
    return EXIT_OK


def offline_workspace(path: Path, rules: RuleSet, err: TextIO) -> OfflineWorkspace | None:
    """Read ``[test_workspace]``; print its problems and return None when it is invalid."""
    reporter = position_reporter(path, rules)
    workspace = read_workspace(rules.test_workspace, reporter)
    if reporter.problems:
        print_problems(reporter, err)
        err.write(f"{path}: [test_workspace] is invalid\n")
        return None
    return workspace.with_names_of(rules)


def event_from_args(args: argparse.Namespace, workspace: OfflineWorkspace) -> Mapping[str, Any]:
    """Build the raw event from ``--text`` and its options, or read it from ``--event``."""
    if args.event is not None:
        return read_event_file(args.event)

    raw: dict[str, Any] = {
        "type": "message",
        "channel": workspace.channel_id(args.channel or TEST_CHANNEL),
        "user": workspace.user_id(args.user or TEST_USER),
        "text": args.text,
        "ts": args.ts or FIRST_TS,
    }
    if args.thread_ts:
        raw["thread_ts"] = args.thread_ts
    return raw


def read_event_file(path: str) -> Mapping[str, Any]:
    """Read one raw event (or a recording's envelope) from a JSON file, or ``-`` for stdin."""
    name = "standard input" if path == "-" else path
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        raise EventInputError(f"{name}: cannot read the event file: {reason}") from error

    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise EventInputError(f"{name}:{error.lineno}:{error.colno}: invalid JSON: {error.msg}") from error
    if not isinstance(value, dict):
        raise EventInputError(f"{name}: expected one JSON object, the raw event")

    found = unwrap(1, value)
    if not isinstance(found, RecordedEvent):
        raise EventInputError(f"{name}: {found.reason}")
    return found.raw


def to_json(value: Any) -> Any:
    """Convert dataclasses, tuples and mappings to JSON values; anything else becomes text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {item.name: to_json(getattr(value, item.name)) for item in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_json(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
