"""The Web API base URL built from ``--slack-url``."""

from __future__ import annotations

import pytest

from responder.runtime import api_base_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://slack.com/api/", "https://slack.com/api/"),
        ("https://slack.com/api", "https://slack.com/api/"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765/api/"),
        ("http://127.0.0.1:8765/", "http://127.0.0.1:8765/api/"),
        ("http://127.0.0.1:8765/proxy/slack", "http://127.0.0.1:8765/proxy/slack/"),
    ],
)
def test_base_url_gets_slash_and_api_path(given: str, expected: str) -> None:
    assert api_base_url(given) == expected
