"""Standard Webhooks signatures: ``v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">``.

A secret is ``whsec_`` followed by the base64 of its random key. During a rotation an endpoint
has two secrets and every message carries a signature by each, separated by a space, so a
receiver holding either one accepts it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable

__all__ = ["SECRET_PREFIX", "new_secret", "sign", "signature_header"]

SECRET_PREFIX = "whsec_"
_KEY_BYTES = 32


def new_secret() -> str:
    """A fresh signing secret: 32 random bytes, base64, ``whsec_``-prefixed."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(_KEY_BYTES)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def sign(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """One ``v1,`` signature of a message by ``secret``."""
    signed = f"{message_id}.{timestamp}.{body}".encode()
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(keys: Iterable[str], message_id: str, timestamp: int, body: str) -> str:
    """The ``webhook-signature`` header: a signature by each secret, space-separated."""
    return " ".join(sign(secret, message_id, timestamp, body) for secret in keys)
