"""API clients that obtain tokens with OAuth2 client credentials."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass

from accounts.domain.errors import BadCredentials

__all__ = ["ApiClient", "ClientRegistry"]


@dataclass(frozen=True, slots=True)
class ApiClient:
    client_id: str
    secret: str
    role: str


def _digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


_NOBODY = ApiClient("", "\x00 no client \x00", "")


class ClientRegistry:
    """The configured clients; a secret is compared in constant time, known client or not."""

    def __init__(self, clients: Iterable[ApiClient]) -> None:
        self._clients = {client.client_id: client for client in clients}

    def authenticate(self, client_id: str, secret: str) -> ApiClient:
        client = self._clients.get(client_id, _NOBODY)
        matches = hmac.compare_digest(_digest(client.secret), _digest(secret))
        if client is _NOBODY or not matches:
            raise BadCredentials("unknown client or wrong secret")
        return client
