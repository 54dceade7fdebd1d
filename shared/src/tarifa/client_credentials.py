"""A service's own bearer token, asked of accounts with its client credentials and kept until
shortly before it expires."""

from __future__ import annotations

import asyncio
import time

import httpx

__all__ = ["ClientCredentials", "TokenUnavailable"]


class TokenUnavailable(Exception):
    """Accounts could not be asked, or refused the credentials."""


class ClientCredentials:
    """``POST /v1/auth/token`` with ``grant_type=client_credentials`` on ``accounts_url``."""

    def __init__(self, accounts_url: str, client_id: str, secret: str, *,
                 timeout: float = 5.0, margin: float = 60.0) -> None:
        self._url = f"{accounts_url.rstrip('/')}/v1/auth/token"
        self._form = {"grant_type": "client_credentials", "client_id": client_id,
                      "client_secret": secret}
        self._timeout, self._margin = timeout, margin
        self._token, self._until = "", 0.0
        self._lock = asyncio.Lock()

    async def token(self) -> str:
        async with self._lock:
            if time.monotonic() >= self._until:
                await self._renew()
            return self._token

    async def _renew(self) -> None:
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.post(self._url, data=self._form)
        except httpx.HTTPError as exc:
            raise TokenUnavailable(f"accounts unreachable: {exc!r}") from exc
        if response.status_code != 200:
            raise TokenUnavailable(f"accounts answered {response.status_code} for the token")
        body = response.json()
        self._token = str(body["access_token"])
        self._until = time.monotonic() + max(0.0, float(body["expires_in"]) - self._margin)
