"""JWT bearer auth shared by the services, the four roles of the contract, and who may call a route.

Accounts signs the tokens; every service verifies them (``tarifa.tokens``) with accounts' public key.

Every route says who may call it in its decorator, and only there::

    @router.post("/usage", dependencies=[allow(Role.OPERATOR, Role.MEDIATION)])
    @router.get("/accounts/{account_id}", dependencies=[allow(Role.OPERATOR, Role.SUBSCRIBER,
                                                                own_account="account_id")])
    @router.post("/auth/token", dependencies=[public("client credentials in the form")])

``own_account`` names the path parameter that holds the account: a subscriber of another
account gets 404, as if it did not exist. ``tarifa.web.access`` runs the declaration before the
body is read, so a caller that may not call a route gets 401/403 whatever it sends.
"""

# No ``from __future__ import annotations``: FastAPI reads the signature of ``Access.__call__``
# at run time, and an instance has no module globals to resolve string annotations against.

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Protocol

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from tarifa.problems import Forbidden, NotFound, Unauthorized

__all__ = [
    "BEARER",
    "Access",
    "CurrentPrincipal",
    "Principal",
    "Public",
    "Role",
    "Verifier",
    "allow",
    "current_principal",
    "public",
]

class Role(StrEnum):
    OPERATOR = "operator"
    SUBSCRIBER = "subscriber"
    PARTNER = "partner"
    MEDIATION = "mediation"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who calls: a back-office operator, a partner channel, mediation, or one subscriber's
    account."""

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


class Verifier(Protocol):
    """Turns a bearer token into its principal, or raises ``Unauthorized``."""

    async def verify(self, token: str) -> Principal: ...


_SCOPE_KEY = "tarifa.principal"


async def current_principal(request: Request) -> Principal:
    """The caller of the request, verified once and kept in the request scope."""
    known = request.scope.get(_SCOPE_KEY)
    if isinstance(known, Principal):
        return known
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("a bearer token is required")
    verifier: Verifier = request.app.state.token_verifier
    principal = await verifier.verify(token.strip())
    request.scope[_SCOPE_KEY] = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]

BEARER = HTTPBearer(scheme_name="bearer", bearerFormat="JWT", auto_error=False,
                    description="A token from accounts: POST /v1/auth/token (API clients) or "
                                "POST /v1/auth/otp/verify (subscribers).")
_Token = Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]


@dataclass(frozen=True, slots=True)
class Access:
    """The roles that may call a route; a subscriber only for the account in ``own_account``."""

    roles: frozenset[Role]
    own_account: str | None = None

    async def check(self, request: Request) -> Principal:
        principal = await current_principal(request)
        if principal.role not in self.roles:
            raise Forbidden(f"role {principal.role} may not call this route")
        if self.own_account and principal.role is Role.SUBSCRIBER:
            account_id = str(request.path_params.get(self.own_account, ""))
            if account_id != principal.account_id:
                raise NotFound(f"account {account_id} not found")
        return principal

    async def __call__(self, request: Request, _token: _Token) -> None:
        await self.check(request)


@dataclass(frozen=True, slots=True)
class Public:
    """A route without a bearer token: ``why`` says what stands in for it."""

    why: str

    async def __call__(self) -> None:
        return None


def allow(*roles: Role, own_account: str | None = None) -> Any:
    """The declaration of a route's callers, for the decorator's ``dependencies``."""
    if not roles:
        raise ValueError("a route allows at least one role; use public() for none")
    access = Access(frozenset(roles), own_account)
    return Security(access, scopes=sorted(str(role) for role in roles))


def public(why: str) -> Any:
    """The declaration of a route that takes no bearer token, for ``dependencies``."""
    return Depends(Public(why))
