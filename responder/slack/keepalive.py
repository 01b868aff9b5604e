"""Web API calls over persistent HTTP connections, one connection per calling thread.

slack_sdk's ``WebClient`` opens a new connection (and, over HTTPS, a new TLS session)
for every call. The outbox makes many small calls from a few threads, so it keeps one
``http.client`` connection open per thread instead. Replies come back as slack_sdk
``SlackResponse`` objects, and an error reply raises ``SlackApiError`` as
``WebClient`` does, so ``classify_failure`` reads both paths the same way.
"""

from __future__ import annotations

import http.client
import json
import logging
import platform
import select
import ssl
import threading
from typing import Any, Mapping
from urllib.parse import urlsplit

from slack_sdk.web import SlackResponse

from responder import __version__

logger = logging.getLogger(__name__)

USER_AGENT = f"responder/{__version__} Python/{platform.python_version()} http.client"


class KeepAliveApi:
    """Calls Web API methods with a JSON body and the bot token, reusing connections.

    ``base_url`` is the API root, such as ``https://slack.com/api/``. HTTPS connections
    verify the server with ``ssl_context`` (the system's trust store when None). Errors
    are raised as they come: ``SlackApiError`` for an error reply or an HTTP error
    status, ``OSError`` or ``http.client.HTTPException`` when the server cannot be
    reached or closes the connection. After any error the thread's connection is
    closed, and its next call opens a new one.
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = 30.0,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"invalid Web API URL {base_url!r}: expected http:// or https:// and a host name")
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._path = parts.path if parts.path.endswith("/") else parts.path + "/"
        self._ssl_context = ssl_context
        self._timeout = timeout
        self._headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json;charset=utf-8",
            "User-Agent": USER_AGENT,
        }
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: set[http.client.HTTPConnection] = set()

    def __repr__(self) -> str:
        return f"KeepAliveApi({self.base_url!r})"

    def call(self, method: str, arguments: Mapping[str, Any]) -> SlackResponse:
        """Call ``method`` with ``arguments`` as its JSON body and return Slack's reply."""
        body = json.dumps(arguments, ensure_ascii=False).encode("utf-8")
        connection = self._connection()
        try:
            connection.request("POST", self._path + method, body=body, headers=self._headers)
            reply = connection.getresponse()
            payload = reply.read()
        except BaseException:
            self._discard(connection)
            raise

        headers = dict(reply.getheaders())
        response = SlackResponse(
            client=None,
            http_verb="POST",
            api_url=self.base_url + method,
            req_args={"json": dict(arguments)},
            data=_parse_body(payload),
            headers=headers,
            status_code=reply.status,
        )
        response.validate()  # type: ignore[no-untyped-call]
        return response

    def close(self) -> None:
        """Close every open connection; a later call opens a new one."""
        with self._lock:
            connections = list(self._connections)
            self._connections.clear()
        for connection in connections:
            connection.close()

    def _connection(self) -> http.client.HTTPConnection:
        connection: http.client.HTTPConnection | None = getattr(self._local, "connection", None)
        if connection is not None and _closed_by_server(connection):
            logger.debug("the server closed the idle connection to %s; opening a new one", self._host)
            connection.close()
        if connection is None:
            connection = self._open()
            self._local.connection = connection
            with self._lock:
                self._connections.add(connection)
        return connection

    def _open(self) -> http.client.HTTPConnection:
        if self._https:
            context = self._ssl_context or ssl.create_default_context()
            return http.client.HTTPSConnection(self._host, self._port, timeout=self._timeout, context=context)
        return http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)

    def _discard(self, connection: http.client.HTTPConnection) -> None:
        connection.close()
        self._local.connection = None
        with self._lock:
            self._connections.discard(connection)


def _closed_by_server(connection: http.client.HTTPConnection) -> bool:
    """Return whether an idle connection has something to read, which means the server closed it.

    Between calls the server has nothing to send, so a readable socket carries an end of
    file (or a TLS close). Sending on such a connection would fail after the request had
    left, and the outbox could not tell whether Slack had received it.
    """
    sock = connection.sock
    if sock is None:
        return False
    if not hasattr(select, "poll"):
        readable, _, _ = select.select([sock], [], [], 0)
        return bool(readable)
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(0))


def _parse_body(payload: bytes) -> dict[str, Any]:
    """Return the reply's JSON object, or an empty dict for a body that is not one."""
    try:
        data = json.loads(payload)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
