"""Classification of failed slack_sdk ``WebClient`` calls: rate limit, transient or final."""

from __future__ import annotations

import http.client
import math
import socket
import ssl
from dataclasses import dataclass
from typing import Any, Literal
from urllib.error import URLError

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web import SlackResponse

API_CALL_ERRORS: tuple[type[Exception], ...] = (
    SlackClientError,
    URLError,
    OSError,
    http.client.HTTPException,
)
"""Exceptions a ``WebClient`` call raises when Slack returns an error or is unreachable."""

RATE_LIMIT_ERRORS = frozenset({"ratelimited", "rate_limited"})
"""Both spellings occur: ``rate_limited`` from chat.postMessage, ``ratelimited`` elsewhere."""

TRANSIENT_ERRORS = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "invalid_response"}
)

FailureKind = Literal["rate_limited", "transient", "final"]


@dataclass(frozen=True, slots=True)
class ApiFailure:
    """A failed Web API call, reduced to what decides the next step.

    ``code`` is Slack's error code, ``http_<status>`` for an error status without
    one, ``invalid_response`` for a body that is not JSON, or a few words naming a
    network error (``connection refused``).
    """

    method: str
    code: str
    kind: FailureKind
    status: int | None = None
    retry_after: float | None = None
    data: dict[str, Any] | None = None

    def describe(self) -> str:
        """Return a one-line description such as ``rtm.connect failed: http_503 (HTTP 503)``."""
        status = f" (HTTP {self.status})" if self.status not in (None, 200) else ""
        return f"{self.method} failed: {self.code}{status}"


def classify_failure(method: str, error: Exception) -> ApiFailure:
    """Describe an exception raised by a ``WebClient`` call to ``method``."""
    if isinstance(error, SlackApiError):
        return _from_response(method, error.response)
    if isinstance(error, SlackClientError):
        return ApiFailure(method, code=str(error) or "client_error", kind="final")
    return ApiFailure(method, code=describe_network_error(error), kind="transient")


def describe_network_error(error: BaseException) -> str:
    """Name a network error in a few words, such as ``connection refused``."""
    reason: object = error
    if isinstance(error, URLError):
        reason = error.reason

    if isinstance(reason, ssl.SSLCertVerificationError):
        return f"certificate verify failed ({reason.verify_message})"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, http.client.RemoteDisconnected):
        return "connection closed without a response"
    if isinstance(reason, ConnectionResetError):
        return "connection reset"
    if isinstance(reason, TimeoutError):
        return "timed out"
    if isinstance(reason, socket.gaierror):
        return "host name not resolved"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__


def _from_response(method: str, response: SlackResponse) -> ApiFailure:
    status = response.status_code
    data = response.data if isinstance(response.data, dict) else {}
    code = data.get("error")

    # slack_sdk puts a sentence ("Received a response in a non-JSON format: …") in
    # place of the code when the body is not JSON.
    if not isinstance(code, str) or not code or " " in code:
        code = f"http_{status}" if status != 200 else "invalid_response"

    if status == 429 or code in RATE_LIMIT_ERRORS:
        retry_after = _retry_after(response, data)
        return ApiFailure(method, code, "rate_limited", status, retry_after, data)
    if status >= 500 or code in TRANSIENT_ERRORS:
        return ApiFailure(method, code, "transient", status, data=data)
    return ApiFailure(method, code, "final", status, data=data)


def _retry_after(response: SlackResponse, data: dict[str, Any]) -> float | None:
    headers = response.headers or {}
    for name, value in headers.items():
        if name.lower() == "retry-after":
            seconds = _seconds(value)
            if seconds is not None:
                return seconds
    return _seconds(data.get("retry_after"))


def _seconds(value: object) -> float | None:
    if isinstance(value, list) and value:
        value = value[0]
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return seconds
