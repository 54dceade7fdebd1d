"""The suite's bearer tokens: EdDSA (Ed25519) JWTs that accounts signs and every service verifies.

Only accounts holds the private key (``ACCOUNTS_JWT_KEY_FILE``, made at first start when missing)
and publishes its public key as a JWKS (``GET /.well-known/jwks.json``). The other services verify
with that key set (``TARIFA_JWKS_URL``, fetched when a token names a key they do not know yet) or
with a pinned public key (``TARIFA_JWT_PUBLIC_KEY``); they cannot mint tokens. Every token carries
``iss`` and ``aud``, and both are checked.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_public_key,
)

from tarifa.auth import Principal, Role
from tarifa.problems import Unauthorized

__all__ = ["DEFAULT_AUDIENCE", "DEFAULT_ISSUER", "KeySet", "PinnedKeys", "TokenSigner",
           "TokenVerifier", "key_id"]

ALGORITHM = "EdDSA"
DEFAULT_ISSUER = "tarifa-accounts"
DEFAULT_AUDIENCE = "tarifa"
_REQUIRED = ["exp", "iat", "sub", "role", "iss", "aud"]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(public: Ed25519PublicKey) -> str:
    """The RFC 7638 thumbprint of the key: the same key always has the same ``kid``."""
    canonical = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": _b64(_raw(public))},
                           separators=(",", ":"), sort_keys=True)
    return _b64(hashlib.sha256(canonical.encode()).digest())


def public_jwk(public: Ed25519PublicKey) -> dict[str, str]:
    return {"kty": "OKP", "crv": "Ed25519", "x": _b64(_raw(public)), "kid": key_id(public),
            "alg": ALGORITHM, "use": "sig"}


@dataclass(frozen=True, slots=True)
class TokenSigner:
    """Issues the tokens (accounts only) and describes its public key."""

    key: Ed25519PrivateKey
    issuer: str = DEFAULT_ISSUER
    audience: str = DEFAULT_AUDIENCE
    ttl: timedelta = timedelta(hours=1)

    def issue(self, principal: Principal) -> str:
        # Tokens live on the wall clock, never the test clock: verification reads the wall clock.
        now = datetime.now(UTC)
        claims: dict[str, Any] = {
            "iss": self.issuer, "aud": self.audience, "sub": principal.subject,
            "role": str(principal.role), "iat": int(now.timestamp()),
            "exp": int((now + self.ttl).timestamp())}
        if principal.account_id:
            claims["account_id"] = principal.account_id
        return jwt.encode(claims, self.key, algorithm=ALGORITHM,
                          headers={"kid": key_id(self.key.public_key())})

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        return {"keys": [public_jwk(self.key.public_key())]}

    def public_pem(self) -> str:
        return self.key.public_key().public_bytes(
            Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()

    def verifier(self) -> TokenVerifier:
        return TokenVerifier(PinnedKeys.of(self.key.public_key()), self.issuer, self.audience)


class KeySet(Protocol):
    """Where a verifier finds the public key a token names."""

    async def key(self, kid: str) -> Ed25519PublicKey | None: ...


@dataclass(frozen=True, slots=True)
class PinnedKeys:
    """Public keys given in the settings, never fetched."""

    keys: dict[str, Ed25519PublicKey] = field(default_factory=dict)

    @classmethod
    def of(cls, *keys: Ed25519PublicKey) -> PinnedKeys:
        return cls({key_id(key): key for key in keys})

    @classmethod
    def from_pem(cls, pem: str) -> PinnedKeys:
        try:
            key = load_pem_public_key(pem.encode())
        except (ValueError, TypeError) as exc:
            raise ValueError("not a PEM public key") from exc
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("the token public key must be an Ed25519 key")
        return cls.of(key)

    async def key(self, kid: str) -> Ed25519PublicKey | None:
        return self.keys.get(kid)


@dataclass(frozen=True, slots=True)
class TokenVerifier:
    """Checks a token's signature, issuer, audience and lifetime and returns its principal."""

    keys: KeySet
    issuer: str = DEFAULT_ISSUER
    audience: str = DEFAULT_AUDIENCE

    async def verify(self, token: str) -> Principal:
        key = await self._key_of(token)
        try:
            claims = jwt.decode(token, key, algorithms=[ALGORITHM], issuer=self.issuer,
                                audience=self.audience, options={"require": _REQUIRED})
            return Principal(claims["sub"], Role(claims["role"]), claims.get("account_id"))
        except (jwt.PyJWTError, ValueError, TypeError) as exc:
            raise Unauthorized("the bearer token is invalid or expired") from exc

    async def _key_of(self, token: str) -> Ed25519PublicKey:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise Unauthorized("the bearer token is invalid or expired") from exc
        kid = header.get("kid")
        key = await self.keys.key(kid) if isinstance(kid, str) and kid else None
        if key is None:
            raise Unauthorized("the bearer token is signed with an unknown key")
        return key
