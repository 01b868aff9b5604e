"""Shared parts of the end-to-end benchmark: workspace, rules file, messages, statistics.

The rules file has 100 rules: ``words``, ``contains`` and ``regex`` rules, some limited to
a few channels, some to top-level messages. Each bench message carries the trigger of
exactly one rule that applies in its channel. Some messages also carry the trigger of a
channel-limited rule, in a channel where that rule does not apply. Every rule replies in
the thread with ``{user} noted (runbook N)``, N being the rule's place in the file. The
reply names no trigger, so that no rule would match it even without the self check.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from responder.emulator import Channel, Workspace
from responder.emulator.workspace import DEFAULT_CHANNELS

CHANNEL_COUNT = 2000
AUTHORS = ("U0TEST1", "U0TEST2", "W0TEST3")
WARM_UP_CHANNEL = "C0TEST1"
"""A default channel outside the round robin, so warm-up posts never pace a bench channel."""

WORDS = (
    "deploy", "rollback", "outage", "invoice", "refund", "onboarding", "offboarding",
    "laptop", "vpn", "password", "payroll", "expense", "standup", "retro", "roadmap",
    "budget", "hiring", "interview", "firewall", "certificate", "backup", "migration",
    "latency", "pager", "oncall", "escalation", "sandbox", "staging", "hotfix", "release",
    "changelog", "benchmark", "dashboard", "contract", "license", "audit", "compliance",
    "vendor", "procurement", "handover",
)
PHRASES = (
    "disk is full", "build is red", "cannot log in", "page is blank", "queue is stuck",
    "token expired", "quota exceeded", "cert expires", "tests are flaky", "link is broken",
    "server is down", "job timed out", "out of memory", "access denied", "merge conflict",
    "slow query", "memory leak", "high cpu", "port in use", "dns fails", "cache is stale",
    "config drift", "lock contention", "packet loss", "clock skew",
)
TICKET_KEYS = (
    "OPS", "SEC", "NET", "WEB", "APP", "DBA", "INF", "SUP", "FIN", "HRS",
    "ITS", "QAS", "MOB", "API", "DOC", "UXD", "BIZ", "MLE", "SRE", "CIS",
    "PAY", "ADS", "CRM", "ERP", "LEG",
)
OTHER_PATTERNS = (
    (r"(?i)\bincident\s+#?(?P<number>\d{3,6})\b", "incident #4821"),
    (r"(?i)\bpr\s*#(\d+)\b", "PR #1187"),
    (r"(?i)\bv\d+\.\d+\.\d+\b", "v2.14.3"),
    (r"(?i)\berror\s+code\s+(\d{3})\b", "error code 503"),
    (r"(?i)\border\s+(\d{6})\b", "order 448812"),
    (r"\b[0-9a-f]{12}\b", "commit 3fa9c01be7d2"),
    (r"(?i)\bsev[ -]?([12])\b", "sev-1"),
    (r"(?i)^(?:urgent|asap)\b", "urgent"),  # anchored: its trigger opens the message
    (r"(?i)\bhost\s+(db|web|cache)-\d{2}\b", "host cache-07"),
    (r"(?i)\b(\d{1,3})\s*%\s+(?:cpu|disk)\b", "97% disk"),
)
OPENERS = (
    "hey team,", "quick question:", "fyi", "morning all,", "not urgent, but",
    "when someone has a minute,", "following up:", "heads up:",
)
CLOSERS = (
    "thanks!", "any ideas?", "see above", "can anyone confirm?", "more details to come",
    "cheers", "ping me if needed", "",
)
LIMITED_CHANNELS_PER_RULE = 3


@dataclass(frozen=True, slots=True)
class BenchRule:
    """One rule of the generated file, with a text that triggers it."""

    name: str
    kind: str
    """``words``, ``contains`` or ``regex``."""
    value: str
    trigger: str
    channels: tuple[str, ...] = ()
    top_level_only: bool = False
    number: int = 0
    """The rule's place in the file, from 1."""

    @property
    def anchored(self) -> bool:
        """True for a regex that matches only at the start, so its trigger opens the message."""
        return self.kind == "regex" and "^" in self.value

    @property
    def reply(self) -> str:
        """The reply template; ``{user}`` is the only field, so any client can fill it in."""
        return f"{{user}} noted (runbook {self.number})"


def channel_id(number: int) -> str:
    """Return the id of bench channel ``number`` (1-based): ``C0B00001``, ``C0B00002``, …"""
    return f"C0B{number:05d}"


def bench_channels(count: int = CHANNEL_COUNT) -> tuple[str, ...]:
    """Return the ids of the round-robin channels."""
    return tuple(channel_id(number) for number in range(1, count + 1))


def make_workspace(count: int = CHANNEL_COUNT) -> Workspace:
    """Return the default workspace plus ``count`` bench channels."""
    extra = tuple(Channel(channel, f"bench-{channel[3:]}") for channel in bench_channels(count))
    return Workspace(channels=DEFAULT_CHANNELS + extra)


def make_rules() -> tuple[BenchRule, ...]:
    """Return the 100 rules, interleaved by kind; every tenth rule is limited to channels."""
    pool: list[BenchRule] = []
    pool.extend(BenchRule(f"word-{word}", "words", word, word) for word in WORDS)
    pool.extend(
        BenchRule(f"phrase-{phrase.replace(' ', '-')}", "contains", phrase, phrase) for phrase in PHRASES
    )
    pool.extend(
        BenchRule(f"ticket-{key.lower()}", "regex", rf"\b{key}-(\d{{2,6}})\b", f"{key}-{100 + index * 37}")
        for index, key in enumerate(TICKET_KEYS)
    )
    pool.extend(
        BenchRule(f"pattern-{index + 1}", "regex", pattern, trigger)
        for index, (pattern, trigger) in enumerate(OTHER_PATTERNS)
    )

    by_kind = {kind: [rule for rule in pool if rule.kind == kind] for kind in ("words", "contains", "regex")}
    interleaved: list[BenchRule] = []
    while any(by_kind.values()):
        for rules in by_kind.values():
            if rules:
                interleaved.append(rules.pop(0))

    return tuple(_with_limits(index, rule) for index, rule in enumerate(interleaved))


def _with_limits(index: int, rule: BenchRule) -> BenchRule:
    channels: tuple[str, ...] = ()
    if index % 10 == 9:
        first = 1 + (index // 10) * 100
        channels = tuple(channel_id(first + offset) for offset in range(LIMITED_CHANNELS_PER_RULE))
    top_level_only = not channels and index % 7 == 3
    return BenchRule(rule.name, rule.kind, rule.value, rule.trigger, channels, top_level_only, index + 1)


def rules_toml(rules: tuple[BenchRule, ...]) -> str:
    """Return the rules file; the reply limit is raised so that it never drops a bench reply."""
    lines = [
        "# Generated by bench/common.py for the end-to-end benchmark.",
        "[settings]",
        'reply_limit = "1000/60s"',
        "",
    ]
    for rule in rules:
        lines.append("[[rule]]")
        lines.append(f'name = "{rule.name}"')
        if rule.channels:
            lines.append("channels = [" + ", ".join(f'"{channel}"' for channel in rule.channels) + "]")
        if rule.top_level_only:
            lines.append('thread = "top"')
        lines.append(f"{rule.kind} = '{rule.value}'")
        lines.append("[[rule.action]]")
        lines.append(f'reply = "{rule.reply}"')
        lines.append("")
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class BenchMessage:
    """A message to send: channel, author, text, and the one rule that must reply to it."""

    channel: str
    user: str
    text: str
    rule: str
    expected_reply: str


def bench_message(channel: str, user: str, text: str, rule: BenchRule) -> BenchMessage:
    """Return a message that ``rule`` must answer, with the reply text it produces."""
    return BenchMessage(channel, user, text, rule.name, rule.reply.replace("{user}", f"<@{user}>"))


def make_messages(count: int, rules: tuple[BenchRule, ...], channels: tuple[str, ...]) -> list[BenchMessage]:
    """Return ``count`` messages, round robin over ``channels``, each answered by one rule."""
    targets = [rule for rule in rules if not rule.channels]
    limited = [rule for rule in rules if rule.channels]
    messages = []
    for number in range(count):
        channel = channels[number % len(channels)]
        target = targets[number % len(targets)]
        parts = [OPENERS[number % len(OPENERS)], target.trigger]
        distractor = limited[number % len(limited)]
        if number % 3 == 0 and channel not in distractor.channels:
            parts.append(f"(also {distractor.trigger})")
        parts.append(CLOSERS[(number // len(OPENERS)) % len(CLOSERS)])
        if target.anchored:
            parts.insert(0, parts.pop(1))
        text = " ".join(part for part in parts if part)
        messages.append(bench_message(channel, AUTHORS[number % len(AUTHORS)], text, target))
    return messages


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Return the nearest-rank percentile of values sorted in ascending order."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu_times(pid: int) -> tuple[float, float]:
    """Return the user and the system CPU seconds of process ``pid`` and its threads, from /proc."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        content = stat.read()
    # The command name in brackets may contain spaces, so fields are counted after it.
    fields = content[content.rindex(")") + 2 :].split()
    user_ticks, system_ticks = int(fields[11]), int(fields[12])
    return user_ticks / _CLOCK_TICKS, system_ticks / _CLOCK_TICKS
