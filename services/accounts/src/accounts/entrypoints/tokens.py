"""The token endpoint: OAuth2 client credentials, no bearer token needed."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Response
from tarifa.auth import public
from tarifa.web.access import GuardedRoute

from accounts.domain.clients import ClientRegistry
from accounts.entrypoints.errors import problems
from accounts.entrypoints.schemas import TokenOut
from accounts.service.ports import TokenIssuer
from accounts.service.tokens import issue_token

__all__ = ["jwks_router", "token_router"]

FormText = Annotated[str, Form(min_length=1, max_length=200)]


def token_router(clients: ClientRegistry, issuer: TokenIssuer) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1/auth", tags=["auth"],
                       dependencies=[public("the client's credentials are in the form")])

    @router.post("/token", response_model=TokenOut,
                 responses={401: {"description": "unknown client or wrong secret"}})
    async def token(grant_type: Annotated[Literal["client_credentials"], Form()],
                    client_id: FormText, client_secret: FormText, response: Response) -> TokenOut:
        with problems():
            issued = issue_token(clients, issuer, client_id, client_secret)
        response.headers["Cache-Control"] = "no-store"
        return TokenOut(access_token=issued.access_token, expires_in=issued.expires_in)

    return router


def jwks_router(jwks: dict[str, Any]) -> APIRouter:
    """The public keys that verify accounts' tokens (RFC 7517), for the other services."""
    router = APIRouter(route_class=GuardedRoute, tags=["auth"],
                       dependencies=[public("public keys, nothing secret")])

    @router.get("/.well-known/jwks.json", summary="The public keys of the tokens (JWKS)")
    async def keys(response: Response) -> dict[str, Any]:
        response.headers["Cache-Control"] = "public, max-age=300"
        return jwks

    return router
