"""The public keys of accounts, fetched from its JWKS and kept until a token names a new one."""

from __future__ import annotations

import asyncio
import time

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tarifa.logging import get_logger

__all__ = ["RemoteKeys"]

log = get_logger(__name__)


class RemoteKeys:
    """Keys from ``url``; an unknown ``kid`` fetches again, at most once per ``min_interval`` s.

    A key accounts has published stays trusted while it is in the last answer, so a key rotation
    is a new key added to the JWKS before accounts signs with it.
    """

    def __init__(self, url: str, *, min_interval: float = 5.0, timeout: float = 3.0) -> None:
        self._url, self._min_interval, self._timeout = url, min_interval, timeout
        self._keys: dict[str, Ed25519PublicKey] = {}
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    async def key(self, kid: str) -> Ed25519PublicKey | None:
        if kid not in self._keys:
            async with self._lock:
                if kid not in self._keys and self._may_fetch():
                    await self._fetch()
        return self._keys.get(kid)

    def _may_fetch(self) -> bool:
        return time.monotonic() - self._fetched_at >= self._min_interval

    async def _fetch(self) -> None:
        self._fetched_at = time.monotonic()
        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.get(self._url)
                response.raise_for_status()
                self._keys = _ed25519_keys(response.json())
        except (httpx.HTTPError, ValueError, jwt.PyJWTError) as exc:
            log.warning("jwks_unavailable", url=self._url, error=repr(exc))


def _ed25519_keys(document: object) -> dict[str, Ed25519PublicKey]:
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise ValueError("not a JWKS document")
    found: dict[str, Ed25519PublicKey] = {}
    for entry in document["keys"]:
        jwk = jwt.PyJWK(entry)
        if isinstance(jwk.key, Ed25519PublicKey) and isinstance(entry.get("kid"), str):
            found[entry["kid"]] = jwk.key
    return found
