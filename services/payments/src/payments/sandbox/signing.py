"""Webhook signatures of the sandbox: ``Sandbox-Signature: t=<unix time>,v1=<hex>``.

``v1`` is HMAC-SHA256 with the shared secret over ``"<t>." + body``.
"""

from __future__ import annotations

import hashlib
import hmac

__all__ = ["SIGNATURE_HEADER", "sign"]

SIGNATURE_HEADER = "Sandbox-Signature"


def sign(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"
