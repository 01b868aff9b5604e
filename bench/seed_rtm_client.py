"""The baseline of the end-to-end benchmark: an RTM bot written the way Slack's docs show.

It uses ``slack_sdk.rtm_v2.RTMClient`` with one ``@rtm.on("message")`` handler that
calls ``client.web_client.chat_postMessage``, as in the slack_sdk RTM documentation. The
handler reads the same rules file as the responder and evaluates it with the standard
``re`` module. Every rule that matches fires, in file order, as in the responder.
Only ``words``, ``contains``, ``regex``, ``channels`` and ``thread = "top"`` are
understood, and only a ``reply`` action whose one field is ``{user}``.

Usage: ``SLACK_BOT_TOKEN=xoxb-… python bench/seed_rtm_client.py RULES --slack-url URL``.
It runs until it is interrupted (SIGINT or SIGTERM).
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from slack_sdk.rtm_v2 import RTMClient

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib  # type: ignore[import-not-found, no-redef, unused-ignore]

logger = logging.getLogger("seed_rtm_client")

PLAIN_SUBTYPES = (None, "thread_broadcast", "file_share", "me_message")
"""Message subtypes that reach a responder rule without ``subtypes``."""


@dataclass(frozen=True, slots=True)
class SeedRule:
    """One rule of the file, compiled for ``re``."""

    name: str
    patterns: tuple[re.Pattern[str], ...]
    channels: frozenset[str]
    top_level_only: bool
    reply: str

    def matches(self, channel: str, text: str, top_level: bool) -> bool:
        """True when the rule applies in ``channel`` and its pattern is found in ``text``."""
        if self.channels and channel not in self.channels:
            return False
        if self.top_level_only and not top_level:
            return False
        return any(pattern.search(text) is not None for pattern in self.patterns)


def as_list(value: str | list[str]) -> list[str]:
    """Return a rule value that may be one string or a list as a list."""
    return [value] if isinstance(value, str) else list(value)


def compile_condition(rule: dict[str, Any]) -> tuple[re.Pattern[str], ...]:
    """Translate the rule's one text condition into ``re`` patterns, one of which must match."""
    if "words" in rule:
        alternatives = "|".join(re.escape(word) for word in as_list(rule["words"]))
        return (re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE),)
    if "contains" in rule:
        return (re.compile("|".join(re.escape(part) for part in as_list(rule["contains"])), re.IGNORECASE),)
    if "regex" in rule:
        # Each pattern on its own, because a leading (?i) is only valid at the start.
        return tuple(re.compile(pattern) for pattern in as_list(rule["regex"]))
    raise ValueError(f"rule {rule.get('name')!r}: needs words, contains or regex")


def load_seed_rules(path: Path) -> list[SeedRule]:
    """Read the rules file and compile every enabled rule."""
    with path.open("rb") as file:
        document = tomllib.load(file)

    rules = []
    for rule in document.get("rule", []):
        if not rule.get("enabled", True):
            continue
        rules.append(
            SeedRule(
                name=rule["name"],
                patterns=compile_condition(rule),
                channels=frozenset(rule.get("channels", ())),
                top_level_only=rule.get("thread") == "top",
                reply=rule["action"][0]["reply"],
            )
        )
    return rules


def build_client(token: str, base_url: str, rules: list[SeedRule]) -> RTMClient:
    """Create the RTM client with the message handler registered."""
    rtm = RTMClient(token=token, base_url=base_url)

    @rtm.on("message")
    def answer(client: RTMClient, event: dict[str, Any]) -> None:
        if event.get("subtype") not in PLAIN_SUBTYPES or event.get("bot_id") or event.get("hidden"):
            return
        channel = event["channel"]
        text = event.get("text", "")
        ts = event["ts"]
        thread_ts = event.get("thread_ts")
        top_level = thread_ts is None or thread_ts == ts

        for rule in rules:
            if rule.matches(channel, text, top_level):
                client.web_client.chat_postMessage(
                    channel=channel,
                    thread_ts=thread_ts or ts,
                    text=rule.reply.replace("{user}", f"<@{event.get('user', '')}>"),
                )

    return rtm


def stop_on_signal(number: int, frame: FrameType | None) -> None:
    """Leave at once: the client's listener threads must not hold the process open."""
    logging.shutdown()
    os._exit(0)


def main() -> int:
    """Parse the command line, connect, and reply by the rules until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rules", type=Path, help="the rules file (TOML)")
    parser.add_argument("--slack-url", default="https://slack.com/api/", help="Web API base URL")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    token = os.environ.get("SLACK_BOT_TOKEN", "").strip()
    if not token:
        sys.stderr.write("SLACK_BOT_TOKEN is not set: export the bot token (xoxb-…) and run again\n")
        return 2

    base_url = args.slack_url if args.slack_url.endswith("/") else args.slack_url + "/"
    rtm = build_client(token, base_url, load_seed_rules(args.rules))
    signal.signal(signal.SIGINT, stop_on_signal)
    signal.signal(signal.SIGTERM, stop_on_signal)
    rtm.start()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
