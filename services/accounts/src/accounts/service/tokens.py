"""Issuing bearer tokens to API clients (OAuth2 client credentials)."""

from __future__ import annotations

from dataclasses import dataclass

from tarifa.auth import Principal, Role

from accounts.domain.clients import ClientRegistry
from accounts.service.ports import TokenIssuer

__all__ = ["IssuedToken", "issue_token"]


@dataclass(frozen=True, slots=True)
class IssuedToken:
    access_token: str
    expires_in: int


def issue_token(clients: ClientRegistry, issuer: TokenIssuer, client_id: str,
                secret: str) -> IssuedToken:
    """A token for the client's role; ``BadCredentials`` for an unknown client or secret."""
    client = clients.authenticate(client_id, secret)
    token = issuer.issue(Principal(client.client_id, Role(client.role)))
    return IssuedToken(token, int(issuer.ttl.total_seconds()))
