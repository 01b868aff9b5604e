"""The Web API endpoint ``/api/<method>``: read the request, record it, check the token, reply.

Like Slack, every failure is HTTP 200 with ``{"ok": false, "error": …}``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from responder.emulator.core import Core
from responder.emulator.faults import Fault
from responder.emulator.methods import METHODS, Body, error

logger = logging.getLogger(__name__)

APP_TOKEN_METHODS = frozenset({"apps.connections.open"})
"""Methods that take an app-level (``xapp-``) token; every other method needs a bot token."""

POST_ONLY_METHODS = frozenset({"apps.connections.open"})
"""Methods that Slack documents as POST only; other HTTP methods get ``insecure_request``."""


class BadRequest(Exception):
    """A request body that cannot be read; its message is the Slack error code."""


async def read_request(request: web.Request) -> tuple[str | None, dict[str, Any]]:
    """Return the token and the arguments of a request, the token removed from them.

    Arguments come from the query string and a JSON, form or multipart body; the token
    from ``Authorization: Bearer`` or else a ``token`` argument.
    """
    arguments: dict[str, Any] = dict(request.query)
    arguments.update(await read_body(request))
    token = arguments.pop("token", None)

    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        token = credentials.strip()
    return (str(token) if token else None), arguments


async def read_body(request: web.Request) -> dict[str, Any]:
    """Return the arguments in a request body; an empty body gives none, whatever its type."""
    if request.content_type.startswith("multipart/"):
        form = await request.post()
        # An uploaded file is recorded by its file name.
        return {
            key: value if isinstance(value, str) else getattr(value, "filename", "")
            for key, value in form.items()
        }

    raw = await request.read()
    if not raw.strip():
        return {}
    text = raw.decode("utf-8", errors="replace")

    looks_like_json = request.content_type == "application/json" or (
        request.content_type != "application/x-www-form-urlencoded"
        and text.lstrip().startswith("{")
    )
    if not looks_like_json:
        return dict(parse_qsl(text, keep_blank_values=True))
    try:
        body = json.loads(text)
    except ValueError as exc:
        raise BadRequest("invalid_json") from exc
    if not isinstance(body, dict):
        raise BadRequest("invalid_json")
    return body


def check_token(method: str, token: str | None, core: Core) -> Body | None:
    """Return the error body for a missing, unknown or wrong kind of token, else ``None``."""
    if token is None:
        # apps.connections.open documents missing_args for a missing app-level token.
        return error("missing_args" if method in APP_TOKEN_METHODS else "not_authed")
    kind = core.workspace.token_kind(token)
    if kind is None:
        return error("invalid_auth")
    expected = "app" if method in APP_TOKEN_METHODS else "bot"
    if kind != expected:
        return error("not_allowed_token_type")
    return None


def make_handler(core: Core) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """Return the aiohttp handler that serves every Web API method."""

    async def handle(request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        try:
            token, arguments = await read_request(request)
        except BadRequest as exc:
            arguments = {key: value for key, value in request.query.items() if key != "token"}
            core.calls.append(method, arguments)
            logger.warning("Web API %s: unreadable body (%s)", method, exc)
            return reply(error(str(exc)))

        core.calls.append(method, arguments)
        fault = core.faults.take(method, arguments)
        if fault is not None:
            logger.info(
                "Web API %s: injected fault (status %d, error %s, delay %g s)",
                method,
                fault.status,
                fault.error,
                fault.delay,
            )
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.replaces_reply:
                return fault_reply(fault)

        body = answer(core, method, token, arguments, request.method)
        if not body.get("ok"):
            logger.info("Web API %s: %s", method, body.get("error"))
        return reply(body)

    return handle


def answer(
    core: Core, method: str, token: str | None, arguments: dict[str, Any], http_method: str = "POST"
) -> Body:
    """Return the body for one call: an error, or what the method's handler returns."""
    handler = METHODS.get(method)
    if handler is None:
        return error("unknown_method")
    problem = check_token(method, token, core)
    if problem is not None:
        return problem
    if method in POST_ONLY_METHODS and http_method != "POST":
        return error("insecure_request")
    return handler(core, arguments)


def reply(body: Body, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """Return a JSON response with Slack's content type."""
    return web.Response(
        text=json.dumps(body, ensure_ascii=False),
        status=status,
        headers=headers,
        content_type="application/json",
        charset="utf-8",
    )


def fault_reply(fault: Fault) -> web.Response:
    """Return the response an injected fault prescribes."""
    headers = fault.retry_after_header()
    if fault.error is not None:
        return reply(error(fault.error), fault.status, headers)
    if fault.status == 429:
        return reply(error("ratelimited"), 429, headers)
    return web.Response(
        text=fault.reason_phrase(), status=fault.status, headers=headers, content_type="text/plain"
    )
