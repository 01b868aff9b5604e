"""TLS trust settings shared by the Web API client and the websocket.

Verification is always on. A CA file comes from ``--ca-bundle`` or, when that is
not given, from ``SSL_CERT_FILE`` (which Python's default context also reads).
"""

from __future__ import annotations

import os
import ssl
from typing import Any

CA_BUNDLE_HINT = "point --ca-bundle (or SSL_CERT_FILE) at the CA file that signed the server's certificate"


def ca_file(ca_bundle: str | None) -> str | None:
    """Return the CA file to trust, or None to use the system store."""
    return ca_bundle or os.environ.get("SSL_CERT_FILE") or None


def ssl_context(ca_bundle: str | None) -> ssl.SSLContext:
    """Build a verifying client context that trusts ``ca_bundle`` when given."""
    return ssl.create_default_context(cafile=ca_file(ca_bundle))


def websocket_sslopt(ca_bundle: str | None) -> dict[str, Any]:
    """websocket-client ``sslopt`` with verification on and the same trust."""
    options: dict[str, Any] = {"cert_reqs": ssl.CERT_REQUIRED, "check_hostname": True}
    path = ca_file(ca_bundle)
    if path is not None:
        options["ca_certs"] = path
    return options
