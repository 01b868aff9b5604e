"""The rule index: which rules are candidates for an event, and what a decision then holds."""

from __future__ import annotations

import random
from zoneinfo import ZoneInfo

import pytest
import re2  # type: ignore[import-untyped]

from responder.engine import Engine, text_index
from responder.engine.compiled import compile_rules
from responder.engine.context import EventContext
from responder.engine.index import RuleIndex
from responder.engine.names import NameIndex
from responder.rules.model import Conditions, RuleSet
from responder.slack.identity import OFFLINE_IDENTITY
from tests.engine.helpers import action, message, rule, ruleset

REPLY = action("reply", "ok")


def candidate_names(rules: RuleSet, text: str = "hello", names: NameIndex | None = None, **fields: object) -> list[str]:
    """Return the names of the rules that the index picks for a message."""
    names = names or NameIndex()
    compiled = compile_rules(rules, names, ZoneInfo("UTC"))
    index = RuleIndex(compiled, names)
    event = message(text, **fields)
    sees = index.seeing(event)
    if sees is None:
        return []
    return [compiled[position].rule.name for position in index.candidates(EventContext(event, OFFLINE_IDENTITY), sees)]


def sparse_engine(*rules_: object, **engine_options: object) -> Engine:
    return Engine(ruleset(*rules_), OFFLINE_IDENTITY, clock=lambda: 1700000000.0, rng=random.Random(7), every_rule=False, **engine_options)  # type: ignore[arg-type]


def test_rules_of_other_event_types_are_left_out() -> None:
    rules = ruleset(rule("reaction", REPLY, event="reaction_added"), rule("any-message", REPLY))

    assert candidate_names(rules) == ["any-message"]


def test_channel_lists_pick_their_channels() -> None:
    rules = ruleset(
        rule("everywhere", REPLY),
        rule("first", REPLY, channels="C0TEST1"),
        rule("second", REPLY, channels=["C0TEST2", "C0TEST3"]),
        rule("second-words", REPLY, channels="C0TEST2", words="hello"),
    )

    assert candidate_names(rules, channel="C0TEST1") == ["everywhere", "first"]
    assert candidate_names(rules, channel="C0TEST2") == ["everywhere", "second", "second-words"]
    assert candidate_names(rules, channel="C0OTHER") == ["everywhere"]


def test_channel_names_resolve_through_the_directory() -> None:
    rules = ruleset(rule("ops", REPLY, channels="#ops"), rule("ops-words", REPLY, channels="#ops", words="hello"))

    assert candidate_names(rules, channel="C0OPS") == []
    assert candidate_names(rules, channel="C0OPS", names=NameIndex({"#ops": "C0OPS"})) == ["ops", "ops-words"]


def test_subtypes_and_bots_pick_rules() -> None:
    rules = ruleset(
        rule("plain", REPLY),
        rule("edits", REPLY, subtypes="message_changed"),
        rule("bots", REPLY, bots=True),
    )

    assert candidate_names(rules) == ["plain", "bots"]
    assert candidate_names(rules, subtype="bot_message", bot_id="B0OTHER1") == ["bots"]


def test_text_conditions_pick_rules_by_the_text() -> None:
    rules = ruleset(
        rule("word", REPLY, words="deploy"),
        rule("phrase", REPLY, contains="disk is full"),
        rule("exact", REPLY, equals="help"),
        rule("prefix", REPLY, starts_with="!ticket"),
        rule("pattern", REPLY, regex=r"\bOPS-\d+"),
    )

    assert candidate_names(rules, "nothing to see") == []
    assert candidate_names(rules, "Deploy now") == ["word"]
    assert candidate_names(rules, "the DISK IS FULL again") == ["phrase"]
    assert candidate_names(rules, "HELP") == ["exact"]
    assert candidate_names(rules, "help me") == []
    assert candidate_names(rules, "!ticket 42") == ["prefix"]
    assert candidate_names(rules, "see !ticket") == []
    assert candidate_names(rules, "see OPS-12") == ["pattern"]
    assert candidate_names(rules, "see ops-12") == []


def test_words_are_a_prefilter_that_the_rule_confirms() -> None:
    rules = ruleset(rule("word", REPLY, words="deploy"))
    engine = sparse_engine(rule("word", REPLY, words="deploy"))

    assert candidate_names(rules, "redeploy") == ["word"]
    assert engine.decide(message("redeploy")).results[0].reason == "words: no listed word in the text"
    assert engine.decide(message("deploy!", ts="1700000000.000200")).fired == ("word",)


def test_case_folding_follows_casefold() -> None:
    rules = ruleset(
        rule("folded", REPLY, words="straße"),
        rule("exact", REPLY, words="straße", case_sensitive=True),
    )

    assert candidate_names(rules, "STRASSE 5") == ["folded"]
    assert candidate_names(rules, "straße 5") == ["folded", "exact"]


def test_ascii_text_skips_the_folded_scan_exactly() -> None:
    rules = ruleset(
        rule("kelvin", REPLY, contains="\u212a"),
        rule("accent", REPLY, words="café"),
        rule("plain", REPLY, equals="HELP"),
    )

    assert candidate_names(rules, "k") == ["kelvin"]
    assert candidate_names(rules, "cafe") == []
    assert candidate_names(rules, "CAFÉ au lait") == ["accent"]
    assert candidate_names(rules, "help") == ["plain"]
    assert candidate_names(rules, "hElP") == ["plain"]
    assert candidate_names(rules, "help!") == []


def test_every_text_key_must_find_a_pattern() -> None:
    rules = ruleset(rule("both", REPLY, words="deploy", contains="prod"))

    assert candidate_names(rules, "deploy to staging") == []
    assert candidate_names(rules, "deploy to prod") == ["both"]


def test_nested_tables_keep_their_rules_as_candidates() -> None:
    rules = ruleset(
        rule("any", REPLY, any=(Conditions(words=("deploy",)), Conditions(words=("rollback",)))),
        rule("unless", REPLY, unless=Conditions(words=("deploy",))),
    )

    assert candidate_names(rules, "nothing") == ["any", "unless"]


def test_empty_words_never_match() -> None:
    rules = ruleset(rule("empty", REPLY, words=""))

    assert candidate_names(rules, "anything") == []


def test_regex_with_own_options_stays_candidate() -> None:
    options = re2.Options()
    options.case_sensitive = False
    rules = ruleset(rule("folded-regex", REPLY, regex=(re2.compile("deploy", options),)), rule("plain", REPLY, words="x"))

    assert candidate_names(rules, "DEPLOY") == ["folded-regex"]
    assert candidate_names(rules, "nothing") == ["folded-regex"]
    assert Engine(rules, OFFLINE_IDENTITY).decide(message("DEPLOY")).fired == ("folded-regex",)


def test_lone_surrogates_do_not_break_the_index() -> None:
    # A value with a lone surrogate has no UTF-8 form, so its rule is always a candidate.
    rules = ruleset(rule("word", REPLY, words="deploy"), rule("phrase", REPLY, contains="\udc80x"))
    engine = Engine(rules, OFFLINE_IDENTITY, every_rule=False)

    assert candidate_names(rules, "\ud800 deploy") == ["word", "phrase"]
    assert candidate_names(rules, "a\udc80x") == ["phrase"]
    assert engine.decide(message("a\udc80x")).fired == ("phrase",)


def test_uncompiled_set_leaves_rules_candidates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_index, "SET_MEMORY_BUDGETS", (1,))
    rules = ruleset(rule("word", REPLY, words="deploy"), rule("other", REPLY, words="rollback"))
    engine = Engine(rules, OFFLINE_IDENTITY, every_rule=False)

    assert candidate_names(rules, "nothing") == ["word", "other"]
    assert engine.decide(message("deploy now")).fired == ("word",)


def test_many_rules_give_few_candidates() -> None:
    rules = ruleset(*(rule(f"rule-{number}", REPLY, words=f"topic{number}", channels=f"C0{number % 20:05d}") for number in range(2000)))

    assert candidate_names(rules, "about topic1234 today", channel="C000014") == ["rule-1234"]
    assert candidate_names(rules, "about topic1234 today", channel="C000015") == []


def test_sparse_decision_holds_only_candidates() -> None:
    engine = sparse_engine(
        rule("greet", REPLY, words="hello"),
        rule("elsewhere", REPLY, channels="C0TEST2"),
        rule("bye", REPLY, words="bye"),
        rule("from-other", REPLY, users="U0TEST2"),
    )

    decision = engine.decide(message("hello"))

    assert [(result.rule, result.fired) for result in decision.results] == [("greet", True), ("from-other", False)]
    assert decision.results[1].reason == "users: U0TEST1 not listed"


def test_full_decision_holds_every_rule_with_its_reason() -> None:
    engine = Engine(
        ruleset(rule("greet", REPLY, words="hello"), rule("elsewhere", REPLY, channels="C0TEST2"), rule("bye", REPLY, words="bye")),
        OFFLINE_IDENTITY,
    )

    decision = engine.decide(message("hello"))

    assert [(result.rule, result.reason) for result in decision.results] == [
        ("greet", ""),
        ("elsewhere", "channels: C0TEST1 not listed"),
        ("bye", "words: no listed word in the text"),
    ]


def test_stop_reaches_later_candidates_only() -> None:
    engine = sparse_engine(
        rule("first", REPLY, words="hello", rule_keys={"stop": True}),
        rule("second", REPLY, words="hello"),
        rule("unrelated", REPLY, words="bye"),
    )

    decision = engine.decide(message("hello"))

    assert decision.fired == ("first",)
    assert [(result.rule, result.reason) for result in decision.results] == [("first", ""), ("second", "stopped by rule first")]


def test_disabled_candidate_says_so() -> None:
    engine = sparse_engine(rule("greet", REPLY, words="hello"))
    engine.set_enabled("greet", False)

    assert engine.decide(message("hello")).results[0].reason == "disabled"


def test_replace_rules_rebuilds_the_index() -> None:
    engine = sparse_engine(rule("greet", REPLY, words="hello"))

    engine.replace_rules(ruleset(rule("bye", REPLY, words="bye")))

    assert engine.decide(message("hello")).results == ()
    assert engine.decide(message("bye", ts="1700000000.000200")).fired == ("bye",)


def test_set_directory_rebuilds_the_index() -> None:
    engine = sparse_engine(rule("ops", REPLY, channels="#ops", words="hello"))
    assert engine.decide(message("hello", channel="C0OPS")).fired == ()

    engine.set_directory({"#ops": "C0OPS"}, {})

    assert engine.decide(message("hello", channel="C0OPS", ts="1700000000.000200")).fired == ("ops",)


def test_event_no_rule_sees_is_ignored_as_before() -> None:
    engine = sparse_engine(rule("reaction", REPLY, event="reaction_added"))

    assert engine.decide(message("hello")).ignored == "no rule listens to message events"


def test_set_under_memory_pressure_misses_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    # a[ab]{n}c needs about 2^n DFA states, so a 100 KB text of a's and b's keeps the
    # set's DFA resetting its cache within 1 MiB; RE2 sets carry on rather than fail.
    monkeypatch.setattr(text_index, "SET_MEMORY_BUDGETS", (1 << 20,))
    chooser = random.Random(3)
    lengths = [chooser.randint(6, 14) for _ in range(100)]
    rules = ruleset(*(rule(f"rule-{number}", REPLY, regex=f"a[ab]{{{length}}}c{number}") for number, length in enumerate(lengths)))
    pieces = ["".join(chooser.choice("ab") for _ in range(1000)) for _ in range(100)]
    for number in range(0, 100, 7):
        pieces[number] += "a" + "b" * lengths[number] + f"c{number}"
    text = "".join(pieces)

    found = candidate_names(rules, text)

    assert found == [item.name for item in rules.rules if item.conditions.regex[0].search(text)]
    assert len(found) >= 15
