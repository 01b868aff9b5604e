"""Generated rules and message frames for the engine benchmark, from a fixed seed.

Each rule is a ``words``, ``contains`` or ``regex`` rule with one trigger of its own,
and about half of the rules apply only in one to three channels. Most frames carry
everyday text that no rule matches. The rest carry the trigger of one rule, posted in
a channel where that rule applies. Every frame has its own ``ts``, so the dedupe
window never drops one.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass

CHANNELS = tuple(f"C0B{index:05d}" for index in range(1, 21))
AUTHORS = ("U0B00001", "U0B00002", "U0B00003", "W0B00004")
TEAM = "T0TEST"

TOPICS = (
    "deploy", "rollback", "outage", "invoice", "refund", "onboarding", "laptop", "vpn",
    "password", "payroll", "expense", "standup", "roadmap", "budget", "hiring", "firewall",
    "certificate", "backup", "migration", "latency", "pager", "escalation", "staging",
    "hotfix", "release", "dashboard", "contract", "license", "audit", "vendor",
)
PHRASES = (
    "disk is full", "build is red", "cannot log in", "page is blank", "queue is stuck",
    "token expired", "quota exceeded", "tests are flaky", "link is broken", "job timed out",
)
TICKET_KEYS = ("OPS", "SEC", "NET", "WEB", "APP", "DBA", "INF", "SUP", "FIN", "SRE")
FILLER = (
    "hey team, does anyone know who owns the {topic} checklist this week?",
    "quick question: is the {topic} review still on for tomorrow afternoon?",
    "fyi the {topic} numbers for last month are in the shared sheet",
    "morning all, I will be out until noon, ping me about the {topic} if it is urgent",
    "following up on yesterday: the {topic} thread has the notes from the call",
    "thanks <@U0B00002>, that fixed it. See <https://example.com/{topic}|the {topic} page>",
    "heads up: the {topic} meeting moved to 15:30 &amp; the room changed",
    "can someone in <#C0B00003|ops> look at the {topic} alert when they have a minute?",
)
FRAME_COUNT = 4000
MATCHING_SHARE = 0.2


@dataclass(frozen=True, slots=True)
class BenchRule:
    """One generated rule: its kind, trigger, Python regex for Bolt, and its channels."""

    name: str
    kind: str
    value: str
    pattern: str
    trigger_text: str
    channels: tuple[str, ...]


def generate_rules(count: int, seed: int = 7) -> list[BenchRule]:
    """Return ``count`` rules, a third of each kind, the same for the same seed."""
    rng = random.Random(seed)
    rules = []
    for index in range(count):
        kind = ("words", "contains", "regex")[index % 3]
        channels: tuple[str, ...] = ()
        if rng.random() < 0.5:
            channels = tuple(sorted(rng.sample(CHANNELS, rng.randint(1, 3))))
        rules.append(_rule(index, kind, channels, rng))
    return rules


def _rule(index: int, kind: str, channels: tuple[str, ...], rng: random.Random) -> BenchRule:
    name = f"rule-{index:05d}"
    if kind == "words":
        word = f"{rng.choice(TOPICS)}{index}"
        return BenchRule(name, kind, word, rf"(?i)\b{word}\b", f"the {word} runbook needs an owner", channels)
    if kind == "contains":
        phrase = f"{rng.choice(PHRASES)} on node {index}z"
        return BenchRule(name, kind, phrase, "(?i)" + re.escape(phrase), f"looks like the {phrase} again", channels)
    key = f"{rng.choice(TICKET_KEYS)}{index}"
    pattern = rf"(?i)\b{key}-(\d{{2,6}})\b"
    return BenchRule(name, kind, pattern, pattern, f"can someone pick up {key}-4821 today?", channels)


def rules_toml(rules: list[BenchRule]) -> str:
    """Return the rules file text for ``rules``, in which each rule replies in the thread."""
    lines = ["[settings]", 'reply_limit = "1000000/60s"', 'dedupe_window = "10m"', ""]
    for rule in rules:
        lines.append("[[rule]]")
        lines.append(f'name = "{rule.name}"')
        if rule.channels:
            lines.append("channels = [" + ", ".join(f'"{channel}"' for channel in rule.channels) + "]")
        lines.append(f"{rule.kind} = '{rule.value}'")
        lines.append("[[rule.action]]")
        lines.append(f'reply = "{{user}} noted ({rule.name})"')
        lines.append("")
    return "\n".join(lines)


def generate_frames(rules: list[BenchRule], count: int = FRAME_COUNT, seed: int = 11) -> list[str]:
    """Return ``count`` RTM message frames as JSON text, a fifth of them matching one rule."""
    rng = random.Random(seed)
    frames = []
    for index in range(count):
        ts = f"{1_780_000_000 + index}.{index % 1_000_000:06d}"
        if rng.random() < MATCHING_SHARE:
            rule = rng.choice(rules)
            channel = rng.choice(rule.channels or CHANNELS)
            text = rule.trigger_text
        else:
            channel = rng.choice(CHANNELS)
            text = rng.choice(FILLER).format(topic=rng.choice(TOPICS))
        frames.append(json.dumps(_message(channel, rng.choice(AUTHORS), text, ts)))
    return frames


def _message(channel: str, user: str, text: str, ts: str) -> dict[str, object]:
    return {
        "type": "message",
        "user": user,
        "text": text,
        "team": TEAM,
        "channel": channel,
        "channel_type": "channel",
        "event_ts": ts,
        "ts": ts,
    }
