"""The JSON Schema of rules files: valid files pass, invalid ones fail, and every loader key is in it."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped, unused-ignore]

from responder.commands.schema import schema_path
from responder.rules import schema as loader_keys
from responder.rules.loader import check_rules_text
from responder.testing.cases import TEST_KEYS
from responder.testing.expected import ACTION_KEYS
from responder.testing.workspace import WORKSPACE_KEYS
from tests.commands.helpers import EXAMPLE, ROOT, responder

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib  # type: ignore[import-not-found, no-redef, unused-ignore]

SCHEMA: dict[str, Any] = json.loads(schema_path().read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA)
DEFS = SCHEMA["$defs"]

EVERY_KEY = """
    [settings]
    ignore_bots = false
    reply_limit = "5 / 1m30s"
    dedupe_window = "1h"
    max_text_length = 4000
    dry_run = false
    timezone = "Europe/Berlin"

    [[rule]]
    name = "everything"
    event = "message"
    bots = true
    channels = ["#ops", "C0TEST1"]
    not_channels = "G0PRIVATE"
    channel_types = ["channel", "group"]
    users = ["@dana", "U0TEST1", "W0TEST3"]
    not_users = ["U0TEST2"]
    subtypes = ["", "message_changed"]
    thread = "top"
    mention = "anywhere"
    has_files = false
    active_hours = ["Mon-Fri 09:00-17:30", "Sat,Sun 10:00-12:00", "22:00-06:00"]
    fields = { "item.type" = "message", hidden = [true, false], channel_type = ["channel", "group"] }
    equals = ["deploy"]
    starts_with = "deploy"
    contains = ["deploy"]
    words = ["deploy", "rollout"]
    regex = ['(?i)deploy (?P<service>\\w+)', 'ship it']
    case_sensitive = false
    raw_text = false
    any = [{ words = "now" }, { mention = "start", unless = { words = "later" } }]
    unless = { any = [{ users = ["@bot"] }, { has_files = true }] }
    cooldown = "10m"
    cooldown_per = "user"
    once_per_thread = true
    enabled = true
    stop = false
    dry_run = false
    [[rule.action]]
    reply = ["On it, {user}.", "Deploying {service}."]
    in_thread = true
    broadcast = false
    [[rule.action]]
    react = ["rocket", "thumbsup::skin-tone-3"]
    [[rule.action]]
    post = "{user} deploys {service}"
    channel = "#release-notes"
    [[rule.action]]
    dm = "Good luck"
    to = "@dana"
    [[rule.action]]
    ephemeral = "Only you can see this"

    [[rule]]
    name = "silence"
    equals = "shh"
    stop = true

    [[rule]]
    name = "eyes"
    event = "reaction_added"
    fields = { reaction = "eyes", item = { type = "message" } }
    [[rule.action]]
    reply = "Someone is looking."

    [test_workspace]
    bot_user = "U0SELF"
    bot_id = "B0SELF"
    app_id = "A0SELF"
    team = "T0TEST"
    channels = { "#ops" = "C0OPS", "#release-notes" = "C0NOTES" }
    users = { "@dana" = "U0DANA", "@bot" = "U0BOT" }

    [[test]]
    name = "by text"
    text = "shh"
    fires = ["silence"]

    [[test]]
    name = "by event"
    event = { type = "message", channel = "C0TEST1", user = "U0TEST1", text = "shh", ts = "1700000000.000100" }
    replies = []

    [[test]]
    name = "by events"
    events = ["shh", { type = "message", channel = "C0TEST1", user = "U0TEST1", text = "shh", ts = "1700000000.000300" }]
    actions = [{ reply = "x", channel = "#ops", thread_ts = false, broadcast = false, rule = "eyes" }, { react = "eyes" }, { dm = "x", to = "@dana" }]
"""

INVALID = {
    "unknown top-level table": '[rules]\nname = "x"\n',
    "single [rule] table": '[rule]\nname = "x"\n[rule.action]\nreply = "x"\n',
    "unknown setting": '[settings]\nignore_bot = true\n',
    "rate without a count": '[settings]\nreply_limit = "ten per minute"\n',
    "duration in words": '[settings]\ndedupe_window = "10 minutes"\n',
    "text length zero": "[settings]\nmax_text_length = 0\n",
    "rule without a name": '[[rule]]\nwords = "x"\n[[rule.action]]\nreply = "x"\n',
    "rule without an action": '[[rule]]\nname = "x"\nwords = "x"\n',
    "unknown rule key": '[[rule]]\nname = "x"\nwrds = "x"\n[[rule.action]]\nreply = "x"\n',
    "two verbs": '[[rule]]\nname = "x"\n[[rule.action]]\nreply = "x"\nreact = "eyes"\n',
    "post without a channel": '[[rule]]\nname = "x"\n[[rule.action]]\npost = "x"\n',
    "in_thread on a reaction": '[[rule]]\nname = "x"\n[[rule.action]]\nreact = "eyes"\nin_thread = false\n',
    "emoji with colons": '[[rule]]\nname = "x"\n[[rule.action]]\nreact = ":eyes:"\n',
    "unknown thread scope": '[[rule]]\nname = "x"\nthread = "top-level"\n[[rule.action]]\nreply = "x"\n',
    "channel name without #": '[[rule]]\nname = "x"\nchannels = ["general"]\n[[rule.action]]\nreply = "x"\n',
    "cooldown as a number": '[[rule]]\nname = "x"\ncooldown = 30\n[[rule.action]]\nreply = "x"\n',
    "any as one table": '[[rule]]\nname = "x"\nany = { words = "x" }\n[[rule.action]]\nreply = "x"\n',
    "rule key inside unless": '[[rule]]\nname = "x"\nunless = { stop = true }\n[[rule.action]]\nreply = "x"\n',
    "active hours in words": '[[rule]]\nname = "x"\nactive_hours = "office hours"\n[[rule.action]]\nreply = "x"\n',
}

INVALID_TESTS = {
    "test with two inputs": '[[test]]\nname = "t"\ntext = "x"\nevent = { type = "message" }\nfires = []\n',
    "test without expectation": '[[test]]\nname = "t"\ntext = "x"\n',
    "test with unknown key": '[[test]]\nname = "t"\ntext = "x"\nfirse = []\n',
    "expected action without verb": '[[test]]\nname = "t"\ntext = "x"\nactions = [{ channel = "C0TEST1" }]\n',
    "thread_ts true": '[[test]]\nname = "t"\ntext = "x"\nactions = [{ reply = "x", thread_ts = true }]\n',
    "workspace bot id of a user": '[test_workspace]\nbot_id = "U0BOT"\n',
    "workspace channel without #": '[test_workspace]\nchannels = { ops = "C0OPS" }\n',
}

VALID_RULE = '[[rule]]\nname = "ok"\nwords = "x"\n[[rule.action]]\nreply = "x"\n'


def errors_of(text: str) -> list[str]:
    document = tomllib.loads(textwrap.dedent(text))
    return [error.message for error in VALIDATOR.iter_errors(document)]


def test_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(SCHEMA)

    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize(
    "path",
    [EXAMPLE, *sorted((ROOT / "tests" / "cases").glob("*/rules.toml"))],
    ids=lambda path: path.parent.name if path.name == "rules.toml" else path.name,
)
def test_shipped_rules_files_are_valid(path: Path) -> None:
    assert errors_of(path.read_text(encoding="utf-8")) == []


def test_file_with_every_key_is_valid() -> None:
    assert errors_of(EVERY_KEY) == []


def test_file_with_every_key_loads() -> None:
    rules, problems = check_rules_text(textwrap.dedent(EVERY_KEY))

    assert [problem.format() for problem in problems if problem.severity == "error"] == []
    assert rules is not None


@pytest.mark.parametrize("text", INVALID.values(), ids=INVALID.keys())
def test_invalid_rules_are_rejected_by_schema_and_loader(text: str) -> None:
    full = text if text.startswith("[[rule]]") or text.startswith("[rule") else text + VALID_RULE

    assert errors_of(full) != []
    assert check_rules_text(full)[0] is None


@pytest.mark.parametrize("text", INVALID_TESTS.values(), ids=INVALID_TESTS.keys())
def test_invalid_tests_are_rejected(text: str) -> None:
    assert errors_of(VALID_RULE + text) != []


def test_stop_rule_needs_no_action() -> None:
    assert errors_of('[[rule]]\nname = "quiet"\nwords = "x"\nstop = true\n') == []
    assert errors_of('[[rule]]\nname = "quiet"\nwords = "x"\nstop = false\n') != []


def test_every_loader_key_is_in_the_schema() -> None:
    rule_keys = set(loader_keys.RULE_KEYS) | set(getattr(loader_keys, "RULE_KEYS_NOT_SUPPORTED", ()))
    verbs = set(loader_keys.ACTION_VERBS) | set(getattr(loader_keys, "ACTION_VERBS_NOT_SUPPORTED", ()))

    assert set(loader_keys.TOP_LEVEL_KEYS) == set(SCHEMA["properties"])
    assert set(loader_keys.SETTINGS_KEYS) == set(DEFS["settings"]["properties"])
    assert rule_keys == set(DEFS["rule"]["properties"])
    assert verbs | set(loader_keys.ACTION_MODIFIERS) == set(DEFS["action"]["properties"])
    assert set(getattr(loader_keys, "CONDITION_KEYS", ())) <= set(DEFS["conditionTable"]["properties"])
    assert set(TEST_KEYS) == set(DEFS["test"]["properties"])
    assert set(ACTION_KEYS) == set(DEFS["expectedAction"]["properties"])
    assert set(WORKSPACE_KEYS) == set(DEFS["testWorkspace"]["properties"])


def test_choices_match_the_loader() -> None:
    properties = DEFS["rule"]["properties"]

    assert properties["thread"]["enum"] == list(loader_keys.THREAD_SCOPES)
    assert properties["mention"]["enum"] == list(loader_keys.MENTION_MODES)
    assert properties["cooldown_per"]["enum"] == list(getattr(loader_keys, "COOLDOWN_SCOPES", properties["cooldown_per"]["enum"]))
    assert properties["channel_types"]["anyOf"][0]["enum"] == list(getattr(loader_keys, "CHANNEL_TYPES", ("channel", "group", "im", "mpim")))
    for modifier, verb in loader_keys.ACTION_MODIFIERS.items():
        assert DEFS["action"]["dependentRequired"][modifier] == [verb]


def test_nested_tables_take_the_rule_conditions() -> None:
    rule_only = {"name", "event", "bots", "cooldown", "cooldown_per", "once_per_thread", "enabled", "stop", "dry_run", "action"}

    assert set(DEFS["conditionTable"]["properties"]) == set(DEFS["rule"]["properties"]) - rule_only
    for key, value in DEFS["conditionTable"]["properties"].items():
        assert value == DEFS["rule"]["properties"][key]


def test_every_property_has_a_description() -> None:
    for name in ("settings", "rule", "action", "conditionTable", "test", "expectedAction", "testWorkspace"):
        for key, value in DEFS[name]["properties"].items():
            assert value.get("description"), f"{name}.{key}"


def test_schema_command_prints_path_and_schema() -> None:
    path = responder("schema")
    printed = responder("schema", "--print")

    assert path.returncode == 0
    assert Path(path.stdout.strip()) == schema_path()
    assert Path(path.stdout.strip()).is_file()
    assert json.loads(printed.stdout) == SCHEMA


def test_schema_is_package_data() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

    assert "schema/*.json" in project["tool"]["setuptools"]["package-data"]["responder"]
    assert "jsonschema>=4.18" in project["project"]["optional-dependencies"]["test"]
