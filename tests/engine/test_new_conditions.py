"""``any``, ``unless``, ``fields``, ``channel_types`` and ``active_hours`` in decisions."""

from __future__ import annotations

import random

from responder.engine import Engine
from responder.rules.loader import load_rules_text
from responder.slack.identity import OFFLINE_IDENTITY
from tests.engine.helpers import event, message
from tests.engine.replay import START, calls, expected_calls, load_engine

# Tuesday 2023-11-14 22:13:20 UTC, which is 23:13:20 in Berlin.
TUESDAY_NIGHT = "1700000000.000100"
# Wednesday 2023-11-15 11:00:00 UTC, which is 12:00 in Berlin.
WEDNESDAY_NOON = "1700046000.000100"

ANY_RULE = """
[[rule]]
name = "page"
any = [{ words = ["sev1", "urgent"] }, { mention = "anywhere", words = "page" }]
[[rule.action]]
react = "rotating_light"
"""


def reasons(engine: Engine, *events: object) -> list[str]:
    return [engine.decide(item).results[0].reason for item in events]  # type: ignore[arg-type]


def test_any_holds_when_one_table_holds() -> None:
    engine = load_engine(ANY_RULE)

    assert engine.decide(message("URGENT: the API is down", ts="1.1")).fired == ("page",)
    assert engine.decide(message("<@U0SELF> page the on-call", ts="1.2")).fired == ("page",)
    assert engine.decide(message("please page someone", ts="1.3")).fired == ()


def test_any_reason_lists_every_table() -> None:
    engine = load_engine(ANY_RULE)

    assert reasons(engine, message("please page someone")) == [
        "any: no table holds (any[0].words: no listed word in the text; any[1].mention: the bot is not mentioned)"
    ]


def test_unless_excludes_what_its_table_matches() -> None:
    engine = load_engine("""
        [[rule]]
        name = "page"
        words = "urgent"
        unless = { words = ["drill", "test"], not_users = ["U0TEST2"] }
        [[rule.action]]
        react = "rotating_light"
    """)

    drill = engine.decide(message("urgent: this is a drill", ts="1.1"))
    drill_by_tester2 = engine.decide(message("urgent: this is a drill", ts="1.2", user="U0TEST2"))
    real = engine.decide(message("urgent: the API is down", ts="1.3"))

    assert drill.fired == ()
    assert drill.results[0].reason == "unless: the excluded conditions hold (not_users, words)"
    assert drill_by_tester2.fired == ("page",)
    assert real.fired == ("page",)


def test_nested_any_inside_unless() -> None:
    engine = load_engine("""
        [[rule]]
        name = "r"
        words = "deploy"
        unless = { any = [{ thread = "reply" }, { has_files = true }] }
        [[rule.action]]
        react = "rocket"
    """)

    top = engine.decide(message("deploy now", ts="1.1"))
    reply = engine.decide(message("deploy now", ts="1.3", thread_ts="1.1"))
    with_file = engine.decide(message("deploy now", ts="1.4", files=[{"id": "F1"}]))

    assert [top.fired, reply.fired, with_file.fired] == [("r",), (), ()]


def test_nested_text_after_leading_mention() -> None:
    engine = load_engine("""
        [[rule]]
        name = "help"
        mention = "start"
        any = [{ equals = "help" }, { equals = "?" }]
        [[rule.action]]
        reply = "Commands: help"
    """)

    assert engine.decide(message("<@U0SELF> help", ts="1.1")).fired == ("help",)
    assert engine.decide(message("<@U0SELF>: ?", ts="1.2")).fired == ("help",)
    assert engine.decide(message("help", ts="1.3")).fired == ()


def test_nested_tables_inherit_case_sensitivity() -> None:
    engine = load_engine("""
        [[rule]]
        name = "freeze"
        case_sensitive = true
        any = [{ words = "FREEZE" }, { words = "Stop", case_sensitive = false }]
        [[rule.action]]
        react = "ice_cube"
    """)

    assert engine.decide(message("FREEZE now", ts="1.1")).fired == ("freeze",)
    assert engine.decide(message("freeze now", ts="1.2")).fired == ()
    assert engine.decide(message("STOP now", ts="1.3")).fired == ("freeze",)


def test_nested_tables_fold_unicode_case() -> None:
    engine = load_engine("""
        [[rule]]
        name = "street"
        any = [{ words = "straße" }, { contains = "ΣΊΣΥΦΟΣ" }]
        [[rule.action]]
        react = "house"
    """)

    assert engine.decide(message("STRASSE 5", ts="1.1")).fired == ("street",)
    assert engine.decide(message("σίσυφος", ts="1.2")).fired == ("street",)
    assert engine.decide(message("strasse5", ts="1.3")).fired == ()


def test_nested_subtypes_is_a_condition() -> None:
    engine = load_engine("""
        [[rule]]
        name = "r"
        words = "hello"
        unless = { subtypes = ["thread_broadcast"] }
        [[rule.action]]
        react = "wave"
    """)

    broadcast = event({"type": "message", "subtype": "thread_broadcast", "user": "U0TEST1", "text": "hello", "channel": "C0TEST1", "ts": "1.2", "thread_ts": "1.1"})
    plain = message("hello", ts="1.3")

    assert engine.decide(broadcast).fired == ()
    assert engine.decide(plain).fired == ("r",)


def test_groups_from_holding_any_table() -> None:
    engine = load_engine("""
        [[rule]]
        name = "link"
        any = [{ regex = '(?i)ticket #(\\d+)' }, { regex = '(?i)bug (\\d+)' }]
        [[rule.action]]
        reply = "Item {1} ({match})"
    """)

    decisions = [engine.decide(message(text, ts=f"1.{number}")) for number, text in enumerate(["see ticket #12", "Bug 7 again"])]

    assert [decision.actions[0].text for decision in decisions] == ["Item 12 (ticket #12)", "Item 7 (Bug 7)"]


def test_rule_regex_groups_win() -> None:
    engine = load_engine("""
        [[rule]]
        name = "link"
        regex = 'ticket (\\d+)'
        any = [{ regex = 'urgent (\\w+)' }]
        unless = { regex = '(never)' }
        [[rule.action]]
        reply = "{1}"
    """)

    decision = engine.decide(message("urgent now: ticket 42"))

    assert decision.actions[0].text == "42"


def test_unless_regex_does_not_leak_its_match() -> None:
    engine = load_engine("""
        [[rule]]
        name = "r"
        any = [{ words = "hello" }, { regex = '(x)' }]
        unless = { regex = '(zzz)' }
        [[rule.action]]
        reply = "{1}"
    """)

    decision = engine.decide(message("hello"))

    assert decision.fired == ("r",)
    assert decision.skipped[0].reason == "missing field '1'"


REACTION_RULE = """
[[rule]]
name = "looking"
event = "reaction_added"
fields = { reaction = ["eyes", "mag"], "item.type" = "message" }
[[rule.action]]
reply = "{user} is looking at this."
"""


def reaction(name: str, item_type: str = "message", event_ts: str = "1700000060.000100") -> dict[str, object]:
    return {
        "type": "reaction_added",
        "user": "U0TEST2",
        "reaction": name,
        "item_user": "U0TEST1",
        "item": {"type": item_type, "channel": "C0TEST1", "ts": "1700000000.000100"},
        "event_ts": event_ts,
    }


def test_fields_match_a_reaction() -> None:
    engine = load_engine(REACTION_RULE)

    decision = engine.decide(event(reaction("eyes")))

    assert calls([decision]) == expected_calls("""
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000000.000100","text":"<@U0TEST2> is looking at this."}
    """)


def test_fields_reasons_name_the_path() -> None:
    engine = load_engine(REACTION_RULE)

    other = engine.decide(event(reaction("thumbsup", event_ts="1700000061.000100")))
    on_file = engine.decide(event(reaction("eyes", "file", event_ts="1700000062.000100")))
    no_item = engine.decide(event({"type": "reaction_added", "user": "U0TEST2", "reaction": "eyes", "event_ts": "1700000063.000100"}))

    assert other.results[0].reason == 'fields: reaction is "thumbsup", not "eyes" or "mag"'
    assert on_file.results[0].reason == 'fields: item.type is "file", not "message"'
    assert no_item.results[0].reason == "fields: item.type is missing"


def test_fields_compare_by_type() -> None:
    engine = load_engine("""
        [[rule]]
        name = "r"
        fields = { "n" = 1, "flag" = true }
        [[rule.action]]
        react = "eyes"
    """)

    matching = engine.decide(message("x", ts="1.1", n=1.0, flag=True))
    string_one = engine.decide(message("x", ts="1.2", n="1", flag=True))
    number_flag = engine.decide(message("x", ts="1.3", n=1, flag=1))

    assert [matching.fired, string_one.fired, number_flag.fired] == [("r",), (), ()]


def test_fields_read_the_raw_edit_event() -> None:
    engine = load_engine("""
        [[rule]]
        name = "edited-by-author"
        subtypes = ["message_changed"]
        fields = { "message.edited.user" = "U0TEST1" }
        [[rule.action]]
        react = "pencil2"
    """)
    edit = {
        "type": "message", "subtype": "message_changed", "hidden": True, "channel": "C0TEST1", "ts": "1700000001.000300",
        "message": {"type": "message", "user": "U0TEST1", "text": "ticket 1234 (fixed)", "ts": "1700000001.000100", "edited": {"user": "U0TEST1", "ts": "1700000001.000300"}},
        "previous_message": {"type": "message", "user": "U0TEST1", "text": "ticket 1234", "ts": "1700000001.000100"},
    }

    decision = engine.decide(event(edit))

    assert calls([decision]) == expected_calls("""
        {"method":"reactions.add","channel":"C0TEST1","timestamp":"1700000001.000100","name":"pencil2"}
    """)


TYPES_RULE = """
[[rule]]
name = "private"
channel_types = ["im", "group"]
[[rule.action]]
react = "lock"
"""


def types_engine(**directory: dict[str, str]) -> Engine:
    return Engine(load_rules_text(TYPES_RULE), OFFLINE_IDENTITY, clock=lambda: START, rng=random.Random(0), **directory)  # type: ignore[arg-type]


def test_channel_types_from_the_id() -> None:
    engine = types_engine()

    in_dm = engine.decide(message("x", ts="1.1", channel="D0TEST1"))
    in_channel = engine.decide(message("x", ts="1.2", channel="C0TEST1"))

    assert in_dm.fired == ("private",)
    assert in_channel.results[0].reason == "channel_types: C0TEST1 is a channel, not listed"


def test_channel_types_from_the_event_come_first() -> None:
    engine = types_engine(channel_types={"C0PRIV": "channel"})

    decision = engine.decide(message("x", channel="C0PRIV", channel_type="group"))

    assert decision.fired == ("private",)


def test_channel_types_from_the_directory() -> None:
    engine = types_engine(channel_types={"G0TEST1": "group", "G0TEST2": "mpim", "C0PRIV": "group"})

    group = engine.decide(message("x", ts="1.1", channel="G0TEST1"))
    mpim = engine.decide(message("x", ts="1.2", channel="G0TEST2"))
    private_c = engine.decide(message("x", ts="1.3", channel="C0PRIV"))

    assert group.fired == ("private",)
    assert mpim.results[0].reason == "channel_types: G0TEST2 is an mpim, not listed"
    assert private_c.fired == ("private",)


def test_unknown_g_id_does_not_match() -> None:
    decision = types_engine().decide(message("x", channel="G0UNKNOWN"))

    assert decision.fired == ()
    assert decision.results[0].reason == (
        "channel_types: G0UNKNOWN is not in the workspace's channel list, so its kind is not known"
    )


def test_set_directory_updates_channel_types() -> None:
    engine = types_engine()
    before = engine.decide(message("x", ts="1.1", channel="G0TEST1"))

    engine.set_directory({}, {}, channel_types={"G0TEST1": "group"})
    after = engine.decide(message("x", ts="1.2", channel="G0TEST1"))

    assert (before.fired, after.fired) == ((), ("private",))


HOURS_RULE = """
[settings]
timezone = "Europe/Berlin"

[[rule]]
name = "office"
active_hours = ["Mon-Fri 09:00-17:30", "Fri 22:00-02:00"]
[[rule.action]]
react = "office"
"""


def at_utc(iso: str) -> str:
    import datetime

    moment = datetime.datetime.fromisoformat(iso).replace(tzinfo=datetime.timezone.utc)
    return f"{moment.timestamp():.6f}"


def test_active_hours_in_rules_time_zone() -> None:
    engine = load_engine(HOURS_RULE)

    # 08:30 UTC is 09:30 in Berlin in winter, 07:30 UTC is 08:30.
    inside = engine.decide(message("x", ts=at_utc("2023-11-15T08:30:00")))
    before = engine.decide(message("x", ts=at_utc("2023-11-15T07:30:00")))

    assert inside.fired == ("office",)
    assert before.results[0].reason == "active_hours: Wed 08:30 Europe/Berlin is outside Mon-Fri 09:00-17:30, Fri 22:00-02:00"


def test_active_hours_follow_daylight_saving_time() -> None:
    engine = load_engine(HOURS_RULE)

    # In July, Berlin is UTC+2: 07:30 UTC is 09:30.
    assert engine.decide(message("x", ts=at_utc("2023-07-12T07:30:00"))).fired == ("office",)


def test_over_midnight_window_on_saturday() -> None:
    engine = load_engine(HOURS_RULE)

    saturday_early = engine.decide(message("x", ts=at_utc("2023-11-18T00:30:00")))
    saturday_late = engine.decide(message("x", ts=at_utc("2023-11-18T02:30:00")))

    assert saturday_early.fired == ("office",)
    assert saturday_late.fired == ()


def test_active_hours_without_ts_use_clock() -> None:
    engine = load_engine(HOURS_RULE)
    raw = {"type": "message", "user": "U0TEST1", "channel": "C0TEST1", "text": "x"}

    # Wednesday 2023-11-15 10:00 UTC is 11:00 in Berlin; a night time is outside.
    inside = engine.decide(event(raw), now=float(at_utc("2023-11-15T10:00:00")))
    outside = engine.decide(event(raw), now=float(at_utc("2023-11-15T22:00:00")))

    assert (inside.fired, outside.fired) == (("office",), ())


def test_active_hours_in_unless_answer_only_at_night() -> None:
    engine = load_engine("""
        [settings]
        timezone = "Europe/Berlin"

        [[rule]]
        name = "after-hours"
        unless = { active_hours = "Mon-Fri 09:00-17:30" }
        [[rule.action]]
        ephemeral = "We answer tomorrow."
    """)

    night = engine.decide(message("x", ts=TUESDAY_NIGHT))
    noon = engine.decide(message("x", ts=WEDNESDAY_NOON))

    assert night.fired == ("after-hours",)
    assert noon.results[0].reason == "unless: the excluded conditions hold (active_hours)"
