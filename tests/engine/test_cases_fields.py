"""Events with missing or oddly shaped fields, from faults in other Slack bots."""

from __future__ import annotations

from responder.engine.engine import NOT_AN_EDIT
from tests.engine.replay import calls, expected_calls, fired, replay

GREET = """
    [[rule]]
    name = "greet"
    words = ["hello"]
    [[rule.action]]
    reply = "Hi {user}!"
"""


def test_bot_post_without_text() -> None:
    decisions = replay(
        GREET,
        """
        {"type":"message","subtype":"bot_message","bot_id":"B0OTHER1","username":"ci-bot","channel":"C0TEST1","ts":"1700000000.000100","attachments":[{"fallback":"Build 12 passed","text":"Build 12 passed"}]}
        {"type":"message","user":"U0TEST1","channel":"C0TEST1","ts":"1700000000.000150","blocks":[{"type":"rich_text","elements":[]}]}
        {"type":"message","user":"U0TEST1","text":"hello","channel":"C0TEST1","ts":"1700000000.000200"}
        """,
    )

    assert decisions[0].ignored == "bot message"
    assert decisions[1].event.text == ""
    assert decisions[1].results[0].reason == "words: no listed word in the text"
    assert fired(decisions) == [(), (), ("greet",)]
    assert calls(decisions) == expected_calls(
        """
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000000.000200","text":"Hi <@U0TEST1>!"}
        """
    )


WEBHOOK_RULES = """
    [[rule]]
    name = "greet"
    words = ["hello"]
    [[rule.action]]
    reply = "Hi {user}!"

    [[rule]]
    name = "deploy-ack"
    contains = "finished"
    users = ["U0TEST1"]
    bots = true
    [[rule.action]]
    reply = "Noted, {user}"

    [[rule]]
    name = "deploy-thanks"
    contains = "finished"
    bots = true
    [[rule.action]]
    reply = "Thanks {user}"
    [[rule.action]]
    react = "white_check_mark"
"""

WEBHOOK_POST = """
    {"type":"message","subtype":"bot_message","bot_id":"B0HOOK1","text":"Deploy of api finished","channel":"C0TEST1","ts":"1700000000.000300"}
"""


def test_webhook_post_without_author() -> None:
    [decision] = replay(WEBHOOK_RULES, WEBHOOK_POST)
    greet, ack, thanks = decision.results

    assert decision.fired == ("deploy-thanks",)
    assert greet.reason == "bot message"
    assert ack.reason == "users: the event has no author"
    assert [(skip.rule, skip.number, skip.reason) for skip in thanks.skipped] == [
        ("deploy-thanks", 1, "missing field 'user'")
    ]
    assert calls([decision]) == expected_calls(
        """
        {"method":"reactions.add","channel":"C0TEST1","timestamp":"1700000000.000300","name":"white_check_mark"}
        """
    )


def test_webhook_post_sends_no_placeholder_text() -> None:
    [decision] = replay(WEBHOOK_RULES, WEBHOOK_POST)

    for action in decision.actions:
        assert action.text is None or "None" not in action.text
        assert action.text is None or "<@>" not in action.text


def test_integration_post_with_empty_text() -> None:
    rules = """
        [[rule]]
        name = "any-text"
        regex = '.+'
        bots = true
        [[rule.action]]
        reply = "Seen text in {channel}"

        [[rule]]
        name = "anything"
        regex = '.*'
        bots = true
        [[rule.action]]
        reply = "Seen a post in {channel}"

        [[rule]]
        name = "pr-title"
        contains = "Pull request"
        bots = true
        [[rule.action]]
        react = "eyes"
    """
    decisions = replay(
        rules,
        """
        {"type":"message","subtype":"bot_message","bot_id":"B0OTHER1","text":"","channel":"C0TEST1","ts":"1700000000.000400","attachments":[{"fallback":"[org/repo] Pull request submitted: #123","title":"#123 WIP","title_link":"https://example.invalid/pr/123"}]}
        """,
    )

    assert fired(decisions) == [("anything",)]
    assert calls(decisions) == expected_calls(
        """
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000000.000400","text":"Seen a post in <#C0TEST1>"}
        """
    )


EDIT_FRAMES = """
    {"type":"message","subtype":"message_changed","hidden":true,"channel":"C0TEST1","ts":"1700000000.000600","event_ts":"1700000000.000600","message":{"type":"message","bot_id":"B0OTHER1","text":"<https://example.invalid/video>","ts":"1700000000.000100","attachments":[{"from_url":"https://example.invalid/video","title":"A video"}]},"previous_message":{"type":"message","bot_id":"B0OTHER1","text":"<https://example.invalid/video>","ts":"1700000000.000100"}}
    {"type":"message","subtype":"message_changed","hidden":true,"channel":"C0TEST1","ts":"1700000000.000650","event_ts":"1700000000.000650","message":{"type":"message","bot_id":"B0OTHER1","text":"<https://example.invalid/video>","ts":"1700000000.000100","edited":{"user":"U0TEST2","ts":"1700000000.000650"}},"previous_message":{"type":"message","bot_id":"B0OTHER1","text":"<https://example.invalid/old-video>","ts":"1700000000.000100"}}
"""


def test_edit_text_under_message_is_ignored_by_default() -> None:
    decisions = replay(GREET, EDIT_FRAMES)

    assert decisions[0].ignored == NOT_AN_EDIT
    assert decisions[1].ignored == "hidden message_changed event: no rule lists that subtype"
    assert calls(decisions) == []


def test_edit_text_under_message_reaches_edit_rules() -> None:
    rules = """
        [[rule]]
        name = "greet"
        words = ["hello"]
        [[rule.action]]
        reply = "Hi {user}!"

        [[rule]]
        name = "edit-link-bots"
        subtypes = ["message_changed"]
        bots = true
        contains = "example.invalid/video"
        [[rule.action]]
        react = "eyes"

        [[rule]]
        name = "edit-link"
        subtypes = ["message_changed"]
        contains = "example.invalid/video"
        [[rule.action]]
        react = "tv"

        [[rule]]
        name = "edit-by-tester"
        subtypes = ["message_changed"]
        users = ["U0TEST1"]
        [[rule.action]]
        reply = "Edited by {user}"
    """
    decisions = replay(rules, EDIT_FRAMES)
    greet, link_bots, link, by_tester = decisions[1].results

    assert decisions[0].ignored == NOT_AN_EDIT
    assert decisions[1].event.text == "https://example.invalid/video"
    assert fired(decisions) == [(), ("edit-link-bots",)]
    assert greet.reason == "subtypes: hidden message_changed not listed"
    assert link.reason == "bot message"
    assert by_tester.reason == "bot message"
    assert calls(decisions) == expected_calls(
        """
        {"method":"reactions.add","channel":"C0TEST1","timestamp":"1700000000.000100","name":"eyes"}
        """
    )


def test_frames_without_type_and_unknown_types() -> None:
    decisions = replay(
        GREET,
        """
        {"type":"hello"}
        {}
        {"reply_to":1,"ok":true,"ts":"1700000000.000700","text":"Hi"}
        {"type":"error","error":{"code":2,"msg":"made-up test error"}}
        {"type":"some_future_event","foo":1}
        {"type":null}
        {"type":"message"}
        {"type":"message","user":"U0TEST1","text":"hello","channel":"C0TEST1","ts":"1700000000.000800"}
        """,
    )

    assert fired(decisions) == [(), (), (), (), (), (), (), ("greet",)]
    assert decisions[6].ignored is None
    assert decisions[6].event.text == ""
    assert decisions[6].event.user is None
    assert calls(decisions) == expected_calls(
        """
        {"method":"chat.postMessage","channel":"C0TEST1","thread_ts":"1700000000.000800","text":"Hi <@U0TEST1>!"}
        """
    )
