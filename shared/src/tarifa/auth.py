"""JWT bearer auth shared by the services, and the three roles of the contract.

Accounts issues the tokens; every service verifies them with the shared secret (HS256).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated

import jwt
from fastapi import Depends, Request

from tarifa.problems import Forbidden, NotFound, Unauthorized

__all__ = [
    "Authenticator",
    "CurrentPrincipal",
    "Principal",
    "Role",
]

_ALGORITHM = "HS256"


class Role(StrEnum):
    OPERATOR = "operator"
    SUBSCRIBER = "subscriber"
    PARTNER = "partner"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who calls: a back-office operator, a partner channel, or one subscriber's account."""

    subject: str
    role: Role
    account_id: str | None = None

    def require(self, *roles: Role) -> None:
        if self.role not in roles:
            raise Forbidden(f"role {self.role} may not do this")

    def require_account(self, account_id: str) -> None:
        """A subscriber reaches only its own account; another account looks unknown."""
        if self.role is Role.SUBSCRIBER and self.account_id != account_id:
            raise NotFound(f"account {account_id} not found")
        if self.role not in (Role.OPERATOR, Role.SUBSCRIBER):
            raise Forbidden(f"role {self.role} may not read accounts")


class Authenticator:
    """Issues and verifies the suite's bearer tokens."""

    def __init__(self, secret: str, *, ttl: timedelta = timedelta(hours=1)) -> None:
        self._secret = secret
        self.ttl = ttl

    def issue(self, principal: Principal) -> str:
        # Tokens live on the wall clock, never the test clock: verification reads the wall clock.
        now = datetime.now(UTC)
        claims = {"sub": principal.subject, "role": str(principal.role),
                  "iat": int(now.timestamp()), "exp": int((now + self.ttl).timestamp())}
        if principal.account_id:
            claims["account_id"] = principal.account_id
        return jwt.encode(claims, self._secret, algorithm=_ALGORITHM)

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(token, self._secret, algorithms=[_ALGORITHM],
                                options={"require": ["exp", "sub", "role"]})
            return Principal(claims["sub"], Role(claims["role"]), claims.get("account_id"))
        except (jwt.PyJWTError, ValueError) as exc:
            raise Unauthorized("the bearer token is invalid or expired") from exc


def _principal(request: Request) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("a bearer token is required")
    authenticator: Authenticator = request.app.state.authenticator
    return authenticator.verify(token)


CurrentPrincipal = Annotated[Principal, Depends(_principal)]
