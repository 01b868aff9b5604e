"""``responder replay``: run recorded events through the rules offline and print each decision.

Nothing is sent. Each event is decided at its own ``ts`` (else ``event_ts``, else the
time it was recorded), and random picks come from a generator with a fixed seed, so
replaying the same file gives the same output every time.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from typing import Any, TextIO

from responder.commands.explain import offline_workspace
from responder.commands.test import EXIT_OK, EXIT_UNREADABLE, load_for_offline_run
from responder.decisions import Decision, PlannedAction
from responder.headless import format_decision
from responder.recorder import SkippedLine, event_time, open_recording
from responder.slack.normalise import normalise
from responder.testing.expected import quote
from responder.testing.runner import START_TIME, offline_engine
from responder.testing.workspace import OfflineWorkspace


def replay_command(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Replay ``args.events``: exit 0, 1 when the rules do not load, 2 when a file cannot be read."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    rules = load_for_offline_run(args.rules, err)
    if isinstance(rules, int):
        return rules
    workspace = offline_workspace(args.rules, rules, err)
    if workspace is None:
        return 1

    try:
        recording = open_recording(args.events)
    except OSError as error:
        err.write(f"{args.events}: cannot read the events file: {error.strerror or error}\n")
        return EXIT_UNREADABLE

    engine = offline_engine(rules, with_identity(workspace, args))
    now = START_TIME
    events = actions = skipped = 0
    for item in recording:
        if isinstance(item, SkippedLine):
            err.write(f"{args.events}:{item.line}: skipped: {item.reason}\n")
            skipped += 1
            continue

        now = event_time(item.raw, item.received_at if item.received_at is not None else now)
        decision = engine.decide(normalise(item.raw, engine.identity), now)
        events += 1
        actions += len(decision.actions)
        if args.json:
            for action in decision.actions:
                out.write(json.dumps(action_json(decision, action), ensure_ascii=False) + "\n")
        else:
            out.write("".join(line + "\n" for line in decision_lines(f"{args.events}:{item.line}", decision)))

    summary = f"{counted(events, 'event')}, {counted(actions, 'action')}, {counted(skipped, 'line')} skipped\n"
    (err if args.json else out).write(summary)
    return EXIT_OK


def with_identity(workspace: OfflineWorkspace, args: argparse.Namespace) -> OfflineWorkspace:
    """Return ``workspace`` with the bot ids given by ``--bot-user``, ``--bot-id``, ``--app-id``."""
    identity = workspace.identity
    if args.bot_user:
        identity = dataclasses.replace(identity, user_id=args.bot_user)
    if args.bot_id:
        identity = dataclasses.replace(identity, bot_id=args.bot_id)
    if args.app_id:
        identity = dataclasses.replace(identity, app_id=args.app_id)
    return dataclasses.replace(workspace, identity=identity)


def decision_lines(where: str, decision: Decision) -> list[str]:
    """Return the event and its outcome, then one indented line per action."""
    lines = format_decision(decision)
    lines[0] = f"{where}: {lines[0]}"
    lines.extend("  " + describe_action(action) for action in decision.actions)
    return lines


def describe_action(action: PlannedAction) -> str:
    """Describe one planned action on one line."""
    mode = " (dry run)" if action.dry_run else ""
    if action.method == "reactions.add":
        return f"rule {action.rule} react{mode} :{action.reaction}: on {action.channel} {action.timestamp}"

    where = action.channel
    if action.thread_ts:
        where += f" thread {action.thread_ts}"
    if action.broadcast:
        where += " (also to the channel)"
    if action.verb == "ephemeral" and action.user:
        where += f" for {action.user}"
    return f"rule {action.rule} {action.verb}{mode} in {where}: {quote(action.text or '')}"


def action_json(decision: Decision, action: PlannedAction) -> dict[str, Any]:
    """Return the JSON object of one action, as ``--json`` prints it."""
    record: dict[str, Any] = {
        "event_ts": action.event_ts,
        "channel": decision.event.channel,
        "rule": action.rule,
        "verb": action.verb,
        "target_channel": action.channel,
        "thread_ts": action.thread_ts,
        "text": action.text,
    }
    if action.reaction is not None:
        record["reaction"] = action.reaction
    record["dry_run"] = action.dry_run
    return record


def counted(count: int, noun: str) -> str:
    """Return ``"1 event"`` or ``"3 events"``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
