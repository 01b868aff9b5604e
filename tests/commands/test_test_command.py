"""``responder test``: the [[test]] tables of a rules file, run offline from the command line."""

from __future__ import annotations

import re
from pathlib import Path

from tests.commands.helpers import EXAMPLE, GREET, line_of, responder, write


def test_example_file_passes() -> None:
    result = responder("test", str(EXAMPLE))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASS greets in a thread" in result.stdout
    assert re.fullmatch(r"\d+ passed, 0 failed", result.stdout.splitlines()[-1])


def test_failure_names_line_and_diff(tmp_path: Path) -> None:
    rules = write(tmp_path, "rules.toml", GREET, """
        [[test]]
        name = "greets"
        text = "hello"
        fires = ["greet"]

        [[test]]
        name = "wrong reply"
        text = "hello"
        replies = ["Hello <@U0TEST1>!"]
    """)

    header = line_of(rules, '"wrong reply"') - 1

    result = responder("test", str(rules))

    lines = result.stdout.splitlines()
    assert result.returncode == 1
    assert lines[0] == "PASS greets"
    assert lines[1] == f"FAIL wrong reply ({rules}:{header})"
    assert lines[2] == "    replies (- expected, + actual):"
    assert lines[3] == '      - "Hello <@U0TEST1>!"'
    assert lines[4] == '      + "Hi <@U0TEST1>!"'
    assert lines[-1] == "1 passed, 1 failed"


def test_fires_diff_keeps_common_rules(tmp_path: Path) -> None:
    rules = write(tmp_path, "rules.toml", GREET, """
        [[rule]]
        name = "eyes"
        contains = "hello"
        [[rule.action]]
        react = "eyes"

        [[test]]
        name = "both fire"
        text = "hello"
        fires = ["eyes"]
    """)

    result = responder("test", str(rules))

    assert result.returncode == 1
    assert "      + greet\n        eyes\n" in result.stdout


def test_not_fired_rule_gets_reason(tmp_path: Path) -> None:
    rules = write(tmp_path, "rules.toml", GREET, """
        [[test]]
        name = "no greeting"
        text = "good morning"
        fires = ["greet"]
    """)

    result = responder("test", str(rules))

    assert result.returncode == 1
    assert "      - greet\n" in result.stdout
    assert "rule greet did not fire on the event: words: no listed word in the text" in result.stdout


def test_unreadable_file_exits_2(tmp_path: Path) -> None:
    result = responder("test", str(tmp_path / "missing.toml"))

    assert result.returncode == 2
    assert "cannot read the rules file" in result.stderr


def test_broken_rules_exit_1_like_check(tmp_path: Path) -> None:
    rules = write(tmp_path, "rules.toml", """
        [[rule]]
        name = "greet"
        wrds = ["hello"]
        [[rule.action]]
        reply = "Hi"
    """)

    result = responder("test", str(rules))

    assert result.returncode == 1
    assert f"{rules}:3:1: rule \"greet\": wrds: unknown key (did you mean 'words'?)" in result.stderr
    assert "the file was not loaded" in result.stderr
    assert "passed" not in result.stdout


def test_file_without_tests_exits_0(tmp_path: Path) -> None:
    rules = write(tmp_path, "rules.toml", GREET)

    result = responder("test", str(rules))

    assert result.returncode == 0
    assert "no [[test]] tables" in result.stdout


def test_invalid_tables_reported_at_their_keys(tmp_path: Path) -> None:
    rules = write(tmp_path, "rules.toml", GREET, """
        [[test]]
        name = "typo"
        text = "hello"
        firse = ["greet"]

        [[test]]
        name = "wrong types"
        text = 3
        fires = "greet"

        [[test]]
        name = "unknown rule"
        text = "hello"
        fires = ["gret"]

        [[test]]
        name = "two inputs"
        text = "hello"
        event = { type = "message" }
        fires = []

        [[test]]
        name = "no input"
        fires = []

        [[test]]
        name = "no expectation"
        text = "hello"

        [[test]]
        name = "still runs"
        text = "hello"
        fires = ["greet"]
    """)

    fires_line = line_of(rules, 'fires = "greet"')

    result = responder("test", str(rules))
    err = result.stderr

    assert result.returncode == 1
    assert f"{rules}:{line_of(rules, 'firse')}:1: test \"typo\": firse: unknown key (did you mean 'fires'?)" in err
    assert f"{rules}:{line_of(rules, 'text = 3')}:8: test \"wrong types\": text: expected a string, got integer" in err
    assert f'{rules}:{fires_line}:9: test "wrong types": fires: expected an array' in err
    assert f"test \"unknown rule\": fires: rule 'gret' not found in this file (did you mean 'greet'?)" in err
    assert f"{rules}:{line_of(rules, 'event = {')}:1: test \"two inputs\": event: a test has one input" in err
    assert 'test "no input": text: missing input' in err
    assert 'test "no expectation": fires: missing; a test needs at least one of fires, replies or actions' in err
    assert "PASS still runs" in result.stdout
    assert "FAIL typo (" in result.stdout
    assert result.stdout.splitlines()[-1] == "1 passed, 6 failed"


def test_problem_shows_source_line_and_caret(tmp_path: Path) -> None:
    rules = write(tmp_path, "rules.toml", GREET, """
        [[test]]
        name = "bad ts"
        event = { type = "message", channel = "C0TEST1", user = "U0TEST1", text = "hello", ts = 1700000000.0001 }
        fires = ["greet"]
    """)

    result = responder("test", str(rules))

    assert result.returncode == 1
    assert 'event: ts: expected a string such as "1700000000.000100", got float' in result.stderr
    assert "    event = { type" in result.stderr
    assert "^" in result.stderr


def test_duplicate_test_name_rejected(tmp_path: Path) -> None:
    rules = write(tmp_path, "rules.toml", GREET, """
        [[test]]
        name = "same"
        text = "hello"
        fires = ["greet"]

        [[test]]
        name = "same"
        text = "hello"
        fires = ["greet"]
    """)

    result = responder("test", str(rules))

    assert result.returncode == 1
    assert f"duplicate test name (first used on line {line_of(rules, '[[test]]')})" in result.stderr


def test_random_reply_matches_any_text(tmp_path: Path) -> None:
    rules = write(tmp_path, "rules.toml", """
        [[rule]]
        name = "greet"
        words = ["hello"]
        [[rule.action]]
        reply = ["Hi {user}!", "Hello {user}!", "Hey {user}!"]

        [[test]]
        name = "second text"
        text = "hello"
        replies = ["Hello <@U0TEST1>!"]

        [[test]]
        name = "third text as an action"
        text = "hello"
        actions = [{ reply = "Hey <@U0TEST1>!" }]

        [[test]]
        name = "no such text"
        text = "hello"
        replies = ["Howdy <@U0TEST1>!"]
    """)

    result = responder("test", str(rules))

    assert "PASS second text" in result.stdout
    assert "PASS third text as an action" in result.stdout
    assert '      + "Hi <@U0TEST1>!" (or "Hello <@U0TEST1>!", "Hey <@U0TEST1>!")' in result.stdout
    assert result.stdout.splitlines()[-1] == "2 passed, 1 failed"


def test_events_sequence_covers_all_events(tmp_path: Path) -> None:
    rules = write(tmp_path, "rules.toml", GREET, """
        [[test]]
        name = "two greetings, a duplicate and an own message"
        events = [
            "hello",
            "hello again",
            { type = "message", channel = "C0TEST1", user = "U0TEST1", text = "hello", ts = "1700000000.000100" },
            { type = "message", channel = "C0TEST1", user = "U0SELF", text = "hello", ts = "1700000001.000100" },
        ]
        fires = ["greet", "greet"]
        actions = [
            { reply = "Hi <@U0TEST1>!", thread_ts = "1700000000.000100" },
            { reply = "Hi <@U0TEST1>!", thread_ts = "1700000000.000200" },
        ]
    """)

    result = responder("test", str(rules))

    assert result.returncode == 0, result.stdout
    assert "PASS two greetings" in result.stdout


def test_failure_notes_ignored_events(tmp_path: Path) -> None:
    rules = write(tmp_path, "rules.toml", GREET, """
        [[test]]
        name = "own message"
        event = { type = "message", channel = "C0TEST1", user = "U0SELF", text = "hello", ts = "1700000000.000100" }
        fires = ["greet"]
    """)

    result = responder("test", str(rules))

    assert result.returncode == 1
    assert "the event was ignored: own message" in result.stdout


def test_actions_compare_only_given_keys(tmp_path: Path) -> None:
    rules = write(tmp_path, "rules.toml", """
        [[rule]]
        name = "relay"
        words = "incident"
        [[rule.action]]
        post = "Incident: {text}"
        channel = "#ops"
        [[rule.action]]
        react = "rotating_light"
        [[rule.action]]
        reply = "Noted."
        in_thread = false

        [test_workspace]
        channels = { "#ops" = "C0OPS42" }

        [[test]]
        name = "loose"
        text = "incident in prod"
        actions = [{ post = "Incident: incident in prod" }, { react = "rotating_light" }, { reply = "Noted." }]

        [[test]]
        name = "exact"
        text = "incident in prod"
        actions = [
            { post = "Incident: incident in prod", channel = "#ops", thread_ts = false, rule = "relay" },
            { react = "rotating_light", channel = "C0TEST1" },
            { reply = "Noted.", channel = "C0TEST1", thread_ts = false },
        ]

        [[test]]
        name = "by id"
        text = "incident in prod"
        actions = [{ post = "Incident: incident in prod", channel = "C0OPS42" }, { react = "rotating_light" }, { reply = "Noted." }]

        [[test]]
        name = "wrong thread"
        text = "incident in prod"
        actions = [{ post = "Incident: incident in prod" }, { react = "rotating_light" }, { reply = "Noted.", thread_ts = "1700000000.000100" }]

        [[test]]
        name = "missing action"
        text = "incident in prod"
        actions = [{ post = "Incident: incident in prod" }, { reply = "Noted." }]
    """)

    result = responder("test", str(rules))
    out = result.stdout

    assert "PASS loose" in out
    assert "PASS exact" in out
    assert "PASS by id" in out
    assert "FAIL wrong thread" in out
    assert '      - reply "Noted." thread_ts=1700000000.000100' in out
    assert '      + reply "Noted." channel=C0TEST1 thread_ts=none rule=relay' in out
    assert "FAIL missing action" in out
    assert '      + react "rotating_light" channel=C0TEST1 timestamp=1700000000.000100 rule=relay' in out
    assert out.splitlines()[-1] == "3 passed, 2 failed"


def test_unmapped_channel_names_get_made_up_ids(tmp_path: Path) -> None:
    rules = write(tmp_path, "rules.toml", """
        [[rule]]
        name = "ops-only"
        channels = ["#ops"]
        words = "deploy"
        [[rule.action]]
        post = "Deploying in {channel}"
        channel = "#release-notes"

        [[test]]
        name = "in ops"
        event = { type = "message", channel = "C0OPS", user = "U0TEST1", text = "deploy now", ts = "1700000000.000100" }
        actions = [{ post = "Deploying in <#C0OPS>", channel = "#release-notes" }]

        [[test]]
        name = "shown with its id"
        event = { type = "message", channel = "C0OPS", user = "U0TEST1", text = "deploy now", ts = "1700000000.000100" }
        actions = [{ post = "Deploying", channel = "#release-notes" }]

        [[test]]
        name = "elsewhere"
        text = "deploy now"
        fires = []
    """)

    result = responder("test", str(rules))

    assert "PASS in ops" in result.stdout
    assert "PASS elsewhere" in result.stdout
    assert 'post "Deploying in <#C0OPS>" channel=C0RELEASENOTES' in result.stdout


def test_workspace_changes_bot_identity(tmp_path: Path) -> None:
    rules = write(tmp_path, "rules.toml", GREET, """
        [test_workspace]
        bot_user = "U0BOT"
        bot_id = "B0BOT"
        app_id = "A0BOT"
        team = "T0OTHER"

        [[test]]
        name = "old self id is a person now"
        event = { type = "message", channel = "C0TEST1", user = "U0SELF", text = "hello", ts = "1700000000.000100" }
        fires = ["greet"]

        [[test]]
        name = "new self id is ignored"
        event = { type = "message", channel = "C0TEST1", user = "U0BOT", text = "hello", ts = "1700000000.000100" }
        fires = []

        [[test]]
        name = "mention of the new bot"
        text = "<@U0BOT> hello"
        fires = ["greet"]
    """)

    result = responder("test", str(rules))

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "3 passed, 0 failed"


def test_invalid_workspace_runs_no_test(tmp_path: Path) -> None:
    rules = write(tmp_path, "rules.toml", GREET, """
        [test_workspace]
        bot_usr = "U0BOT"
        bot_id = "U0BOT"
        channels = { ops = "C0OPS", "#help" = "help" }

        [[test]]
        name = "greets"
        text = "hello"
        fires = ["greet"]
    """)

    result = responder("test", str(rules))
    err = result.stderr

    assert result.returncode == 1
    assert "test_workspace.bot_usr: unknown key (did you mean 'bot_user'?)" in err
    assert "test_workspace.bot_id: invalid value 'U0BOT'; expected a bot id such as B0SELF" in err
    assert "invalid name 'ops'; write it with #" in err
    assert "invalid id 'help' for #help" in err
    assert "no test was run" in err
    assert "PASS" not in result.stdout


def test_dry_run_rule_fires_without_replies(tmp_path: Path) -> None:
    rules = write(tmp_path, "rules.toml", """
        [[rule]]
        name = "trial"
        words = "hello"
        dry_run = true
        [[rule.action]]
        reply = "Trial reply"

        [[test]]
        name = "fires only"
        text = "hello"
        fires = ["trial"]
        replies = []

        [[test]]
        name = "expects the reply"
        text = "hello"
        replies = ["Trial reply"]
    """)

    result = responder("test", str(rules))

    assert "PASS fires only" in result.stdout
    assert "FAIL expects the reply" in result.stdout
    assert "1 action(s) of dry-run rules are not counted" in result.stdout


def test_reply_limit_follows_event_times(tmp_path: Path) -> None:
    rules = write(tmp_path, "rules.toml", """
        [settings]
        reply_limit = "1/60s"

        [[rule]]
        name = "greet"
        words = "hello"
        [[rule.action]]
        reply = "Hi"

        [[test]]
        name = "second post inside the window is dropped"
        events = [
            { type = "message", channel = "C0TEST1", user = "U0TEST1", text = "hello", ts = "1700000000.000100" },
            { type = "message", channel = "C0TEST1", user = "U0TEST1", text = "hello", ts = "1700000030.000100" },
            { type = "message", channel = "C0TEST1", user = "U0TEST1", text = "hello", ts = "1700000061.000100" },
        ]
        fires = ["greet", "greet", "greet"]
        actions = [
            { reply = "Hi", thread_ts = "1700000000.000100" },
            { reply = "Hi", thread_ts = "1700000061.000100" },
        ]
    """)

    result = responder("test", str(rules))

    assert result.returncode == 0, result.stdout
