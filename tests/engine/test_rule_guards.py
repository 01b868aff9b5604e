"""``cooldown``, ``cooldown_per`` and ``once_per_thread``: taken on firing, timed by the event."""

from __future__ import annotations

from typing import Any

import pytest

from responder.decisions import Decision
from responder.engine import Engine
from tests.engine.helpers import event, message
from tests.engine.replay import calls, load_engine

BASE = 1700000000.0


def cooldown_rule(scope: str | None, extra: str = "") -> str:
    per = f'cooldown_per = "{scope}"' if scope else ""
    return f"""
        [[rule]]
        name = "greet"
        words = "hello"
        cooldown = "10m"
        {per}
        {extra}
        [[rule.action]]
        reply = "Hi {{user}}!"
    """


def ts(offset: float) -> str:
    return f"{BASE + offset:.6f}"


def hello(offset: float, **fields: Any) -> Any:
    return message("hello", ts=ts(offset), **fields)


def fired(engine: Engine, *events: Any) -> list[tuple[str, ...]]:
    return [engine.decide(item).fired for item in events]


def test_cooldown_silences_its_channel() -> None:
    engine = load_engine(cooldown_rule(None))

    first = engine.decide(hello(0))
    second = engine.decide(hello(60))
    elsewhere = engine.decide(hello(61, channel="C0TEST2"))
    after = engine.decide(hello(601))

    assert first.fired == ("greet",)
    assert second.fired == ()
    assert second.results[0].reason == "cooldown until 22:23:20 (in channel C0TEST1)"
    assert elsewhere.fired == ("greet",)
    assert after.fired == ("greet",)


def test_cooldown_ends_exactly_at_its_length() -> None:
    engine = load_engine(cooldown_rule(None))

    assert fired(engine, hello(0), hello(599.9), hello(600)) == [("greet",), (), ("greet",)]


def test_cooldown_per_user() -> None:
    engine = load_engine(cooldown_rule("user"))

    decisions = [
        engine.decide(hello(0)),
        engine.decide(hello(10, channel="C0TEST2")),
        engine.decide(hello(20, user="U0TEST2")),
    ]

    assert [decision.fired for decision in decisions] == [("greet",), (), ("greet",)]
    assert decisions[1].results[0].reason == "cooldown until 22:23:20 (for user U0TEST1)"


def test_cooldown_per_thread() -> None:
    engine = load_engine(cooldown_rule("thread"))

    parent = engine.decide(hello(0))
    in_thread = engine.decide(hello(10, thread_ts=ts(0)))
    other_top = engine.decide(hello(20))
    broadcast = engine.decide(event({"type": "message", "subtype": "thread_broadcast", "user": "U0TEST1", "text": "hello", "channel": "C0TEST1", "ts": ts(30), "thread_ts": ts(0)}))

    assert parent.fired == ("greet",)
    assert in_thread.results[0].reason == f"cooldown until 22:23:20 (in thread {ts(0)} of C0TEST1)"
    assert other_top.fired == ("greet",)
    assert broadcast.fired == ()


def test_cooldown_per_rule_covers_every_channel() -> None:
    engine = load_engine(cooldown_rule("rule"))

    first = engine.decide(hello(0))
    other = engine.decide(hello(10, channel="C0TEST2", user="U0TEST2"))

    assert first.fired == ("greet",)
    assert other.results[0].reason == "cooldown until 22:23:20 (in every channel)"


def test_cooldown_time_in_rules_time_zone() -> None:
    engine = load_engine('[settings]\ntimezone = "Asia/Tokyo"\n' + cooldown_rule(None))

    engine.decide(hello(0))

    # 22:23:20 UTC is 07:23:20 the next morning in Tokyo.
    assert engine.decide(hello(1)).results[0].reason == "cooldown until 07:23:20 (in channel C0TEST1)"


def test_cooldown_uses_event_times_not_the_clock() -> None:
    engine = load_engine(cooldown_rule(None))

    first = engine.decide(hello(0), now=BASE + 10_000)
    second = engine.decide(hello(700), now=BASE + 10_001)

    assert (first.fired, second.fired) == (("greet",), ("greet",))


def test_replay_decides_the_same_twice() -> None:
    frames = [hello(offset) for offset in (0, 30, 599, 600, 900, 1300)] + [hello(1310, channel="C0TEST2")]

    runs = []
    for _ in range(2):
        engine = load_engine(cooldown_rule(None))
        runs.append([engine.decide(frame).fired for frame in frames])

    assert runs[0] == runs[1]
    assert runs[0] == [("greet",), (), (), ("greet",), (), ("greet",), ("greet",)]


def test_cooldown_survives_a_rule_reload() -> None:
    from responder.rules.loader import load_rules_text
    from textwrap import dedent

    engine = load_engine(cooldown_rule(None))
    engine.decide(hello(0))
    engine.replace_rules(load_rules_text(dedent(cooldown_rule(None))))

    assert engine.decide(hello(30)).fired == ()


def test_skipped_actions_still_start_the_cooldown() -> None:
    engine = load_engine("""
        [[rule]]
        name = "greet"
        words = "hello"
        cooldown = "1m"
        [[rule.action]]
        reply = "Hi {user.name}!"
    """)

    first = engine.decide(hello(0))
    second = engine.decide(hello(10))

    assert first.fired == ("greet",)
    assert first.actions == ()
    assert second.results[0].reason.startswith("cooldown until")


def test_dry_run_takes_the_cooldown_too() -> None:
    engine = load_engine(cooldown_rule(None, "dry_run = true"))

    first = engine.decide(hello(0))
    second = engine.decide(hello(10))

    assert [planned.dry_run for planned in first.actions] == [True]
    assert second.fired == ()


def test_cooldown_rule_does_not_stop_others() -> None:
    engine = load_engine(cooldown_rule(None, "stop = true") + """
        [[rule]]
        name = "wave"
        words = "hello"
        [[rule.action]]
        react = "wave"
    """)

    first = engine.decide(hello(0))
    second = engine.decide(hello(10))

    assert first.fired == ("greet",)
    assert first.results[1].reason == "stopped by rule greet"
    assert second.fired == ("wave",)


ONCE = """
[[rule]]
name = "triage"
words = "help"
once_per_thread = true
[[rule.action]]
reply = "Someone will look at this."
"""


def test_once_per_thread_answers_a_thread_once() -> None:
    engine = load_engine(ONCE)

    parent = engine.decide(message("help please", ts=ts(0)))
    reply = engine.decide(message("still need help", ts=ts(60), thread_ts=ts(0)))
    later_reply = engine.decide(message("help?", ts=ts(86400), thread_ts=ts(0)))
    other_thread = engine.decide(message("help with something else", ts=ts(120)))

    assert parent.fired == ("triage",)
    assert reply.results[0].reason == f"once_per_thread: already fired in thread {ts(0)}"
    assert later_reply.fired == ()
    assert other_thread.fired == ("triage",)


def test_once_per_thread_starting_from_a_reply() -> None:
    engine = load_engine(ONCE)

    first_reply = engine.decide(message("help", ts=ts(60), thread_ts=ts(0)))
    parent_edit_free = engine.decide(message("help", ts=ts(70), thread_ts=ts(0)))
    same_ts_other_channel = engine.decide(message("help", ts=ts(0), channel="C0TEST2"))

    assert first_reply.fired == ("triage",)
    assert first_reply.actions[0].thread_ts == ts(0)
    assert parent_edit_free.fired == ()
    assert same_ts_other_channel.fired == ("triage",)


def test_once_per_thread_counts_a_thread_broadcast() -> None:
    engine = load_engine(ONCE)
    broadcast = {"type": "message", "subtype": "thread_broadcast", "user": "U0TEST1", "text": "help", "channel": "C0TEST1", "ts": ts(30), "thread_ts": ts(0)}

    first = engine.decide(event(broadcast))
    reply = engine.decide(message("help", ts=ts(40), thread_ts=ts(0)))

    assert first.fired == ("triage",)
    assert reply.fired == ()


def test_once_per_thread_for_reactions() -> None:
    engine = load_engine("""
        [[rule]]
        name = "looking"
        event = "reaction_added"
        fields = { reaction = "eyes" }
        once_per_thread = true
        [[rule.action]]
        reply = "{user} is looking at this."
    """)

    def eyes(user: str, item_ts: str, at: str) -> Any:
        return event({"type": "reaction_added", "user": user, "reaction": "eyes", "item": {"type": "message", "channel": "C0TEST1", "ts": item_ts}, "event_ts": at})

    decisions = [
        engine.decide(eyes("U0TEST2", ts(0), ts(10))),
        engine.decide(eyes("U0TEST1", ts(0), ts(20))),
        engine.decide(eyes("U0TEST1", ts(5), ts(30))),
    ]

    assert [decision.fired for decision in decisions] == [("looking",), (), ("looking",)]
    assert calls(decisions[:1])[0]["thread_ts"] == ts(0)


def test_edit_not_answered_twice_after_cooldown() -> None:
    engine = load_engine("""
        [[rule]]
        name = "ticket-edits"
        subtypes = ["message_changed"]
        regex = 'ticket (\\d+)'
        cooldown = "1s"
        [[rule.action]]
        reply = "Ticket {1} is open (after edit)"
    """)

    def edit(text: str, before: str, at: float) -> Any:
        return event({
            "type": "message", "subtype": "message_changed", "hidden": True, "channel": "C0TEST1", "ts": ts(at),
            "message": {"type": "message", "user": "U0TEST1", "text": text, "ts": ts(0)},
            "previous_message": {"type": "message", "user": "U0TEST1", "text": before, "ts": ts(0)},
        })

    decisions: list[Decision] = [
        engine.decide(edit("ticket 1234 (typo fixed)", "ticket 1234", 10)),
        engine.decide(edit("ticket 1235 (second fix)", "ticket 1234 (typo fixed)", 100)),
    ]

    assert [decision.fired for decision in decisions] == [("ticket-edits",), ()]
    assert decisions[1].results[0].reason == f"already answered {ts(0)}"
    assert calls(decisions) == [
        {"method": "chat.postMessage", "channel": "C0TEST1", "thread_ts": ts(0), "text": "Ticket 1234 is open (after edit)"}
    ]


@pytest.mark.parametrize("scope", ["channel", "user", "thread", "rule"])
def test_guards_without_author_or_thread(scope: str) -> None:
    engine = load_engine(cooldown_rule(scope, "once_per_thread = true").replace('words = "hello"', 'event = "team_join"'))
    joins = [event({"type": "team_join", "user": {"id": "U0NEW"}, "event_ts": ts(offset)}) for offset in (0, 1)]

    decisions = [engine.decide(join) for join in joins]

    assert decisions[0].fired == ("greet",)
    assert decisions[1].fired == ()
