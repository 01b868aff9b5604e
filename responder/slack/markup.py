"""Slack's message markup: ``<…>`` tokens, the three escaped characters, and mentions.

Slack escapes exactly ``&``, ``<`` and ``>`` in message text (as ``&amp;``, ``&lt;``
and ``&gt;``). So every ``<`` left in a text opens a control token: a user mention
(``<@U123|ann>``), a channel (``<#C123|general>``), a special mention (``<!here>``), a
user group (``<!subteam^S123|@team>``), a date (``<!date^…|fallback>``) or a link
(``<https://x|label>``). Tokens are split out before entities are decoded, so text
that a person typed as ``&lt;@U123&gt;`` never reads as a mention.
"""

from __future__ import annotations

import re

TOKEN = re.compile(r"<([^<>]*)>")
LEADING_MENTION = re.compile(r"\s*<@([^|>]+)(?:\|[^>]*)?>")

SPECIAL_MENTIONS = frozenset({"here", "channel", "everyone", "group"})


def escape(text: str) -> str:
    """Escape ``&``, ``<`` and ``>`` so that Slack shows ``text`` as typed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def decode_entities(text: str) -> str:
    """Decode ``&lt;``, ``&gt;`` and then ``&amp;``, once: ``&amp;lt;`` becomes ``&lt;``."""
    if "&" not in text:
        return text
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def normalise_text(text: str) -> str:
    """Return ``text`` as rules read it: tokens rendered, entities decoded once.

    Links read as their label or their URL, channels as ``#name`` (or ``#C123``),
    user groups and dates as their label. User mentions stay ``<@U123>`` with any
    label dropped, and ``<!here>``, ``<!channel>``, ``<!everyone>`` stay tokens.
    """
    if "<" not in text:
        return decode_entities(text)

    pieces: list[str] = []
    position = 0
    for token in TOKEN.finditer(text):
        pieces.append(decode_entities(text[position : token.start()]))
        pieces.append(render_token(token.group(1), token.group(0)))
        position = token.end()
    pieces.append(decode_entities(text[position:]))

    return "".join(pieces)


def render_token(body: str, original: str) -> str:
    """Render one token's ``body`` (the text between ``<`` and ``>``) for matching."""
    target, _, label = body.partition("|")

    if target.startswith("@"):
        return f"<{target}>"

    if target.startswith("#"):
        return "#" + decode_entities(label or target[1:])

    if target.startswith("!"):
        name = target[1:]
        if name in SPECIAL_MENTIONS:
            return f"<!{name}>"
        if label:
            return decode_entities(label)
        # A user group or date without a label has no readable form, so it stays a token.
        return original

    if not target:
        return original
    return decode_entities(label or target)


def mentioned_users(text: str) -> tuple[str, ...]:
    """List the user ids of the ``<@U…>`` tokens in Slack's ``text``, first mention first."""
    if "<@" not in text:
        return ()

    users: list[str] = []
    for token in TOKEN.finditer(text):
        target = token.group(1).partition("|")[0]
        if target.startswith("@") and len(target) > 1 and target[1:] not in users:
            users.append(target[1:])
    return tuple(users)


def leading_mention(text: str) -> str | None:
    """Return the user id of a mention token at the start of Slack's ``text``, if any.

    Whitespace before the token is allowed, and the legacy ``<@U123|name>`` form counts.
    """
    match = LEADING_MENTION.match(text)
    if match is None:
        return None
    return match.group(1)


def strip_leading_mention(text: str) -> str:
    """Remove a leading mention token, then spaces, one optional ``:`` or ``,``, and spaces.

    ``text`` may be Slack's text or the normalised text, because both start with the token.
    """
    match = LEADING_MENTION.match(text)
    if match is None:
        return text

    rest = text[match.end() :].lstrip()
    if rest[:1] in (":", ","):
        rest = rest[1:].lstrip()
    return rest
