"""Message subtypes: edits, link previews, thread broadcasts and file shares."""

from __future__ import annotations

from responder.engine.engine import NOT_AN_EDIT
from tests.engine.replay import calls, expected_calls, fired, replay

TICKET_EDITS = """
    {"type":"message","user":"U0TEST1","text":"ticket 1234","channel":"C0TEST1","ts":"1700000001.000100"}
    {"type":"message","subtype":"message_changed","hidden":true,"channel":"C0TEST1","ts":"1700000001.000300","message":{"type":"message","user":"U0TEST1","text":"ticket 1234 (typo fixed)","ts":"1700000001.000100","edited":{"user":"U0TEST1","ts":"1700000001.000300"}},"previous_message":{"type":"message","user":"U0TEST1","text":"ticket 1234","ts":"1700000001.000100"}}
    {"type":"message","subtype":"message_changed","hidden":true,"channel":"C0TEST1","ts":"1700000001.000400","message":{"type":"message","user":"U0TEST1","text":"ticket 1235 (second fix)","ts":"1700000001.000100","edited":{"user":"U0TEST1","ts":"1700000001.000400"}},"previous_message":{"type":"message","user":"U0TEST1","text":"ticket 1234 (typo fixed)","ts":"1700000001.000100"}}
"""


def test_edits_do_not_repeat_replies() -> None:
    rules = """
        [[rule]]
        name = "ticket"
        regex = 'ticket (\\d+)'
        [[rule.action]]
        reply = "Ticket {1} is open"
    """
    decisions = replay(rules, TICKET_EDITS)

    assert fired(decisions) == [("ticket",), (), ()]
    assert decisions[1].ignored is not None
    assert decisions[2].ignored is not None
    assert calls(decisions) == expected_calls(
        """
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000001.000100","text":"Ticket 1234 is open"}
        """
    )


def test_edit_rule_answers_a_message_once() -> None:
    rules = """
        [[rule]]
        name = "ticket-edits"
        subtypes = ["message_changed"]
        regex = 'ticket (\\d+)'
        [[rule.action]]
        reply = "Ticket {1} is open (after edit)"
    """
    decisions = replay(rules, TICKET_EDITS)

    assert fired(decisions) == [(), ("ticket-edits",), ()]
    assert decisions[0].ignored == "plain message: no rule sees it"
    assert decisions[2].results[0].reason == "already answered 1700000001.000100"
    assert calls(decisions) == expected_calls(
        """
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000001.000100","text":"Ticket 1234 is open (after edit)"}
        """
    )


def test_rule_for_messages_and_edits_answers_once() -> None:
    rules = """
        [[rule]]
        name = "ticket"
        subtypes = ["", "message_changed"]
        regex = 'ticket (\\d+)'
        [[rule.action]]
        reply = "Ticket {1}"
    """
    decisions = replay(rules, TICKET_EDITS)

    assert fired(decisions) == [("ticket",), (), ()]
    assert decisions[1].results[0].reason == "already answered 1700000001.000100"


PREVIEW_FRAMES = """
    {"type":"message","user":"U0TEST1","text":"hello, see <https://example.invalid/page>","channel":"C0TEST1","ts":"1700000001.000500"}
    {"type":"message","subtype":"message_changed","hidden":true,"channel":"C0TEST1","ts":"1700000001.000600","message":{"type":"message","user":"U0TEST1","text":"hello, see <https://example.invalid/page>","ts":"1700000001.000500","attachments":[{"from_url":"https://example.invalid/page","title":"Page"}]},"previous_message":{"type":"message","user":"U0TEST1","text":"hello, see <https://example.invalid/page>","ts":"1700000001.000500"}}
    {"type":"message","subtype":"message_changed","hidden":true,"channel":"C0TEST1","ts":"1700000001.000650","message":{"type":"message","user":"U0TEST1","text":"hello, see <https://example.invalid/page> (updated)","ts":"1700000001.000500","edited":{"user":"U0TEST1","ts":"1700000001.000650"}},"previous_message":{"type":"message","user":"U0TEST1","text":"hello, see <https://example.invalid/page>","ts":"1700000001.000500"}}
"""

GREET = """
    [[rule]]
    name = "greet"
    words = ["hello"]
    [[rule.action]]
    reply = "Hi {user}!"
"""


def test_link_preview_is_not_an_edit() -> None:
    decisions = replay(GREET, PREVIEW_FRAMES)

    assert fired(decisions) == [("greet",), (), ()]
    assert decisions[1].ignored == NOT_AN_EDIT
    assert calls(decisions) == expected_calls(
        """
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000001.000500","text":"Hi <@U0TEST1>!"}
        """
    )


def test_link_preview_does_not_reach_edit_rules() -> None:
    rules = GREET + """
        [[rule]]
        name = "greet-edits"
        subtypes = ["message_changed"]
        words = ["hello"]
        [[rule.action]]
        reply = "Hi again {user}, I saw your edit"
    """
    decisions = replay(rules, PREVIEW_FRAMES)

    assert fired(decisions) == [("greet",), (), ("greet-edits",)]
    assert decisions[1].ignored == NOT_AN_EDIT
    assert calls(decisions) == expected_calls(
        """
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000001.000500","text":"Hi <@U0TEST1>!"}
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000001.000500","text":"Hi again <@U0TEST1>, I saw your edit"}
        """
    )


def test_thread_broadcast_and_default_subtypes() -> None:
    rules = GREET + """
        [[rule]]
        name = "top-only"
        thread = "top"
        words = ["everyone"]
        [[rule.action]]
        react = "loudspeaker"
    """
    decisions = replay(
        rules,
        """
        {"type":"message","subtype":"thread_broadcast","user":"U0TEST1","text":"hello everyone","channel":"C0TEST1","ts":"1700000002.000200","thread_ts":"1700000002.000100","root":{"type":"message","user":"U0TEST2","text":"topic","ts":"1700000002.000100"}}
        {"type":"message","subtype":"me_message","user":"U0TEST1","text":"says hello","channel":"C0TEST1","ts":"1700000002.000300"}
        {"type":"message","subtype":"channel_topic","user":"U0TEST2","topic":"hello world","text":"<@U0TEST2> set the channel topic: hello world","channel":"C0TEST1","ts":"1700000002.000400"}
        """,
    )

    assert fired(decisions) == [("greet",), ("greet",), ()]
    assert decisions[0].results[1].reason == "thread: the message is a reply"
    assert decisions[2].ignored == "subtype channel_topic: no rule sees it"
    assert calls(decisions) == expected_calls(
        """
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000002.000100","text":"Hi <@U0TEST1>!"}
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000002.000300","text":"Hi <@U0TEST1>!"}
        """
    )
    assert decisions[0].actions[0].broadcast is False


def test_file_shares() -> None:
    rules = GREET + """
        [[rule]]
        name = "got-file"
        has_files = true
        [[rule.action]]
        react = "inbox_tray"

        [[rule]]
        name = "no-file-hello"
        has_files = false
        words = ["hello"]
        [[rule.action]]
        react = "speech_balloon"
    """
    decisions = replay(
        rules,
        """
        {"type":"message","subtype":"file_share","user":"U0TEST1","text":"hello, log attached","channel":"C0TEST1","ts":"1700000003.000100","files":[{"id":"F0TEST1","name":"app.log","mimetype":"text/plain"}]}
        {"type":"message","subtype":"file_share","user":"U0TEST1","text":"","channel":"C0TEST1","ts":"1700000003.000200","files":[{"id":"F0TEST2","name":"shot.png","mimetype":"image/png"}]}
        {"type":"message","subtype":"file_share","user":"U0TEST1","text":"","channel":"C0TEST1","ts":"1700000003.000300","upload":true,"file":{"id":"F0TEST3","name":"old.txt","mimetype":"text/plain"}}
        {"type":"message","user":"U0TEST1","text":"hello","channel":"C0TEST1","ts":"1700000003.000400","files":[]}
        """,
    )

    assert fired(decisions) == [("greet", "got-file"), ("got-file",), ("got-file",), ("greet", "no-file-hello")]
    assert decisions[1].results[0].reason == "words: no listed word in the text"
    assert decisions[0].results[2].reason == "has_files: the message has files"
    assert calls(decisions) == expected_calls(
        """
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000003.000100","text":"Hi <@U0TEST1>!"}
        {"method":"reactions.add","channel":"C0TEST1","timestamp":"1700000003.000100","name":"inbox_tray"}
        {"method":"reactions.add","channel":"C0TEST1","timestamp":"1700000003.000200","name":"inbox_tray"}
        {"method":"reactions.add","channel":"C0TEST1","timestamp":"1700000003.000300","name":"inbox_tray"}
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000003.000400","text":"Hi <@U0TEST1>!"}
        {"method":"reactions.add","channel":"C0TEST1","timestamp":"1700000003.000400","name":"speech_balloon"}
        """
    )
