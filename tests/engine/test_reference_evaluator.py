"""The reference evaluator agrees with the engine's compiled checks on every rule and event."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import re2  # type: ignore[import-untyped]
from hypothesis import event as event_label
from hypothesis import example, given, settings
from hypothesis import strategies as st

from responder.engine.context import EventContext
from responder.engine.matching import compile_checks, first_failure
from responder.engine.names import NameIndex
from responder.engine.reference import evaluate_rule_reference
from responder.engine.visibility import Audience
from responder.rules.hours import parse_window
from responder.rules.model import Conditions, FieldCondition, Rule, Settings
from responder.slack.events import Event
from responder.slack.identity import OFFLINE_IDENTITY
from responder.slack.normalise import normalise
from tests.engine.helpers import message

NAMES = NameIndex(
    {"#test-two": "C0TEST2"},
    {"@tester2": "U0TEST2"},
    channel_types={"G0TEST1": "group", "C0PRIV": "group"},
)
ZONE = ZoneInfo("Europe/Berlin")

WORDS = ["hello", "Hello", "help", "straße", "STRASSE", "<@U0SELF>", "page", "?", "ß"]
PATTERNS = [re2.compile(source) for source in ("(?i)hello (\\w+)", "^h", "(x)?", ".*", ".+", "page$", "(?P<n>\\d+)")]
WINDOWS = [parse_window(spec) for spec in ("Mon-Fri 09:00-17:30", "Sat-Sun 00:00-24:00", "Fri 22:00-06:00", "12:00-13:00")]
FIELDS = [
    FieldCondition("reaction", ("eyes",)),
    FieldCondition("item.type", ("message", "file")),
    FieldCondition("hidden", (True,)),
    FieldCondition("n", (1,)),
]


def some(values: list[Any], max_size: int = 2) -> st.SearchStrategy[tuple[Any, ...]]:
    return st.lists(st.sampled_from(values), max_size=max_size, unique_by=repr).map(tuple)


def key_strategies(nested: bool) -> dict[str, st.SearchStrategy[Any]]:
    keys: dict[str, st.SearchStrategy[Any]] = {
        "channels": some(["C0TEST1", "#test-two", "G0TEST1", "D0TEST1", "#unknown"]),
        "not_channels": some(["C0TEST1", "D0TEST1"]),
        "channel_types": some(["channel", "group", "im", "mpim"]),
        "users": some(["U0TEST1", "@tester2", "W0TEST3"]),
        "not_users": some(["U0TEST1", "U0TEST2"]),
        "thread": st.sampled_from(["any", "top", "reply"]),
        "mention": st.sampled_from([None, "anywhere", "start", "never"]),
        "has_files": st.sampled_from([None, True, False]),
        "active_hours": some(WINDOWS),
        "fields": some(FIELDS),
        "equals": some(WORDS),
        "starts_with": some(WORDS),
        "contains": some(WORDS),
        "words": some(WORDS),
        "regex": some(PATTERNS),
        "case_sensitive": st.booleans(),
        "raw_text": st.booleans(),
    }
    if nested:
        keys["subtypes"] = st.sampled_from([None, ("",), ("thread_broadcast",), ("", "me_message")])
    else:
        keys["event"] = st.sampled_from(["message", "message", "reaction_added"])
        keys["subtypes"] = st.sampled_from([None, ("",), ("message_changed",), ("", "bot_message"), ("thread_broadcast",)])
        keys["bots"] = st.sampled_from([None, True, False])
    return keys


def tables(nested: bool, names: tuple[str, ...] | None = None, min_size: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    """Values for a few condition keys (of ``names``, when given), so that a fair share of rules match."""
    keys = key_strategies(nested)
    chosen = st.lists(st.sampled_from(sorted(names or keys)), min_size=min_size, max_size=3, unique=True)
    return chosen.flatmap(lambda picked: st.fixed_dictionaries({name: keys[name] for name in picked}))


def conditions(depth: int = 2, nested: bool = False) -> st.SearchStrategy[Conditions]:
    if depth == 0:
        return tables(nested).map(lambda values: Conditions(**values))
    inner = conditions(depth - 1, nested=True)
    return st.builds(
        _with_children,
        tables(nested),
        st.lists(inner, max_size=2).map(tuple),
        st.one_of(st.none(), inner),
    )


def _with_children(values: dict[str, Any], any_tables: tuple[Conditions, ...], unless: Conditions | None) -> Conditions:
    return Conditions(**values, any=any_tables, unless=unless)


TEXTS = ["hello world", "Hello there", "<@U0SELF> help", "<@U0SELF>: page", "hey <@U0SELF> page", "STRASSE 5", "", "h", "&lt;@U0SELF&gt;", "ticket 42", "?"]
TIMES = ["1700000000.000100", "1700046000.000100", "1700222400.000100", "1700258400.000100", "1700431200.000100"]

raw_events = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["message", "message", "reaction_added"]),
        "channel": st.sampled_from(["C0TEST1", "C0TEST2", "G0TEST1", "G0OTHER", "D0TEST1", "C0PRIV"]),
        "ts": st.sampled_from(TIMES),
        "text": st.sampled_from(TEXTS),
    },
    optional={
        "subtype": st.sampled_from(["thread_broadcast", "me_message", "bot_message", "file_share", "channel_topic"]),
        "user": st.sampled_from(["U0TEST1", "U0TEST2", "W0TEST3"]),
        "bot_id": st.just("B0OTHER1"),
        "thread_ts": st.sampled_from(TIMES),
        "files": st.sampled_from([[], [{"id": "F1"}]]),
        "hidden": st.booleans(),
        "channel_type": st.sampled_from(["channel", "group", "im", "mpim", "app_home"]),
        "reaction": st.sampled_from(["eyes", "wave"]),
        "item": st.sampled_from([{"type": "message", "channel": "C0TEST1", "ts": TIMES[0]}, {"type": "file"}]),
        "n": st.sampled_from([1, 1.0, "1", True]),
    },
)


def main_path(rule: Rule, event: Event, rules_settings: Settings) -> tuple[bool, Any]:
    """Decide a match as the engine does: the audience, then the compiled checks."""
    if Audience.of(rule, rules_settings).unseen_reason(event) is not None:
        return False, None
    context = EventContext(event, OFFLINE_IDENTITY, float(event.raw["ts"]))
    matched = first_failure(compile_checks(rule.conditions, NAMES, ZONE), context) is None
    return matched, context.match if matched else None


def group_zero(match: Any) -> str | None:
    return None if match is None else match.group(0)


@settings(max_examples=200, deadline=None)
@given(conditions(), raw_events, st.booleans())
@example(Conditions(), {"type": "message", "hidden": True, "channel": "C0TEST1", "ts": TIMES[0], "text": "x"}, True)
@example(Conditions(subtypes=("thread_broadcast",)), {"type": "message", "subtype": "thread_broadcast", "hidden": True, "channel": "C0TEST1", "ts": TIMES[0], "text": "x"}, True)
@example(Conditions(), {"type": "message", "subtype": "bot_message", "bot_id": "B0OTHER1", "channel": "C0TEST1", "ts": TIMES[0], "text": "x"}, False)
@example(Conditions(event="reaction_added", subtypes=("",)), {"type": "reaction_added", "channel": "C0TEST1", "ts": TIMES[0], "text": ""}, True)
def test_reference_agrees_with_the_compiled_checks(rule_conditions: Conditions, raw: dict[str, Any], ignore_bots: bool) -> None:
    rule = Rule("r", 0, 1, rule_conditions, ())
    rules_settings = Settings(ignore_bots=ignore_bots, timezone="Europe/Berlin")
    event = normalise(raw, OFFLINE_IDENTITY)

    matched, match = main_path(rule, event, rules_settings)
    reference = evaluate_rule_reference(
        rule, event, identity=OFFLINE_IDENTITY, names=NAMES, settings=rules_settings, at=float(raw["ts"])
    )

    event_label("matched" if matched else "not matched")
    assert reference.matched == matched
    if matched:
        assert group_zero(reference.match) == group_zero(match)


TEXT_KEYS = ("mention", "equals", "starts_with", "contains", "words", "regex", "case_sensitive", "raw_text")


def text_tables() -> st.SearchStrategy[Conditions]:
    """Tables of one or two text conditions, where a match is likely, with ``any`` and ``unless``."""
    keys: dict[str, st.SearchStrategy[Any]] = {
        "mention": st.sampled_from(["anywhere", "start", "never"]),
        "equals": some(["help", "page", "hello world", "?"], 1),
        "starts_with": some(["he", "<@U0SELF>", "pa"], 1),
        "contains": some(["o w", "SS", "@U0SELF"], 1),
        "words": some(["help", "page", "straße"], 1),
        "regex": some(PATTERNS, 1),
        "case_sensitive": st.booleans(),
        "raw_text": st.booleans(),
    }
    chosen = st.lists(st.sampled_from(sorted(keys)), min_size=1, max_size=2, unique=True)
    single = chosen.flatmap(lambda names: st.fixed_dictionaries({name: keys[name] for name in names})).map(
        lambda values: Conditions(**values)
    )
    nested = st.builds(
        lambda top, branches, unless: Conditions(**{**_fields_of(top), "any": branches, "unless": unless}),
        single,
        st.lists(single, max_size=2).map(tuple),
        st.one_of(st.none(), single),
    )
    return st.one_of(single, nested)


def _fields_of(conditions: Conditions) -> dict[str, Any]:
    return {key: getattr(conditions, key) for key in TEXT_KEYS}


@settings(max_examples=200, deadline=None)
@given(text_tables(), st.sampled_from(TEXTS))
@example(Conditions(mention="start", equals=("help",)), "<@U0SELF> help")
@example(Conditions(mention="start", any=(Conditions(equals=("page",)),)), "<@U0SELF>: page")
@example(Conditions(mention="start", unless=Conditions(starts_with=("<@U0SELF>",))), "<@U0SELF> help")
@example(Conditions(words=("straße",)), "STRASSE 5")
@example(Conditions(case_sensitive=True, words=("straße",)), "STRASSE 5")
@example(Conditions(raw_text=True, contains=("&lt;",)), "&lt;@U0SELF&gt;")
@example(Conditions(any=(Conditions(regex=(PATTERNS[1],)), Conditions(regex=(PATTERNS[0],)))), "hello world")
@example(Conditions(regex=(PATTERNS[0],), any=(Conditions(regex=(PATTERNS[3],)),)), "hello world")
def test_reference_agrees_on_text_conditions(rule_conditions: Conditions, text: str) -> None:
    rule = Rule("r", 0, 1, rule_conditions, ())
    event = normalise({"type": "message", "user": "U0TEST1", "channel": "C0TEST1", "ts": TIMES[0], "text": text}, OFFLINE_IDENTITY)

    matched, match = main_path(rule, event, Settings())
    reference = evaluate_rule_reference(rule, event, identity=OFFLINE_IDENTITY, names=NAMES, settings=Settings(), at=0.0)

    event_label("matched" if matched else "not matched")
    assert reference.matched == matched
    if matched:
        assert group_zero(reference.match) == group_zero(match)


PLACE_KEYS = ("channels", "not_channels", "channel_types", "users", "not_users", "thread", "has_files", "fields", "active_hours")


def place_tables() -> st.SearchStrategy[Conditions]:
    """Tables of conditions on the channel, the author and the time."""
    return tables(nested=True, names=PLACE_KEYS, min_size=1).map(lambda values: Conditions(**values))


place_events = st.fixed_dictionaries(
    {
        "type": st.just("message"),
        "channel": st.sampled_from(["C0TEST1", "C0TEST2", "G0TEST1", "G0OTHER", "D0TEST1", "C0PRIV"]),
        "user": st.sampled_from(["U0TEST1", "U0TEST2", "W0TEST3"]),
        "ts": st.sampled_from(TIMES),
        "text": st.just("hello"),
    },
    optional={
        "channel_type": st.sampled_from(["channel", "group", "im", "mpim"]),
        "thread_ts": st.sampled_from(TIMES),
        "files": st.sampled_from([[], [{"id": "F1"}]]),
        "reaction": st.sampled_from(["eyes", "wave"]),
        "item": st.sampled_from([{"type": "message"}, {"type": "file"}]),
        "n": st.sampled_from([1, 1.0, "1", True]),
    },
)


@settings(max_examples=300, deadline=None)
@given(place_tables(), place_events)
@example(Conditions(channel_types=("group",)), {"type": "message", "channel": "G0TEST1", "user": "U0TEST1", "ts": TIMES[0]})
@example(Conditions(channel_types=("channel",)), {"type": "message", "channel": "C0PRIV", "user": "U0TEST1", "ts": TIMES[0]})
@example(Conditions(channel_types=("im",)), {"type": "message", "channel": "G0OTHER", "channel_type": "im", "ts": TIMES[0]})
@example(Conditions(not_users=("@tester2",)), {"type": "message", "channel": "C0TEST1", "user": "U0TEST2", "ts": TIMES[0]})
@example(Conditions(active_hours=(WINDOWS[2],)), {"type": "message", "channel": "C0TEST1", "ts": TIMES[3]})
def test_reference_agrees_on_place_author_and_time(rule_conditions: Conditions, raw: dict[str, Any]) -> None:
    rule = Rule("r", 0, 1, rule_conditions, ())
    rules_settings = Settings(timezone="Europe/Berlin")
    event = normalise(raw, OFFLINE_IDENTITY)

    matched, _ = main_path(rule, event, rules_settings)
    reference = evaluate_rule_reference(rule, event, identity=OFFLINE_IDENTITY, names=NAMES, settings=rules_settings, at=float(raw["ts"]))

    event_label("matched" if matched else "not matched")
    assert reference.matched == matched


def test_reference_reports_every_condition() -> None:
    rule = Rule("r", 0, 1, Conditions(channels=("C0TEST2",), users=("U0TEST2",), words=("bye",)), ())

    result = evaluate_rule_reference(
        rule, message("hello there"), identity=OFFLINE_IDENTITY, names=NAMES, settings=Settings(), at=0.0
    )

    assert not result.matched
    assert [(check.key, check.passed, check.tested) for check in result.checks] == [
        ("channels", False, "C0TEST1"),
        ("users", False, "U0TEST1"),
        ("words", False, "hello there"),
    ]


def test_reference_names_nested_checks_by_their_place() -> None:
    nested = Conditions(
        any=(Conditions(words=("bye",)), Conditions(regex=(PATTERNS[0],))),
        unless=Conditions(users=("U0TEST2",)),
    )
    rule = Rule("r", 0, 1, nested, ())

    result = evaluate_rule_reference(
        rule, message("hello world"), identity=OFFLINE_IDENTITY, names=NAMES, settings=Settings(), at=0.0
    )

    assert result.matched
    assert [(check.key, check.passed) for check in result.checks] == [
        ("any", True),
        ("any[0].words", False),
        ("any[1].regex", True),
        ("unless", True),
        ("unless.users", False),
    ]
    assert result.match.group(1) == "world"
