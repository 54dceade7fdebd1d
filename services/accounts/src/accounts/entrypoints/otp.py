"""One-time code access (A10): ask for a code by phone number, exchange it for a token.

Neither endpoint needs a bearer token. Asking answers 202 whether or not the number is known;
the limits per number and per client address answer 429.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request, Response
from tarifa.auth import public
from tarifa.web.access import GuardedRoute

from accounts.entrypoints.errors import problems
from accounts.entrypoints.schemas import OtpBody, OtpRequestedOut, OtpVerifyBody, TokenOut
from accounts.service.otp import OtpServices, request_code, verify_code
from accounts.service.ports import UnitOfWork

__all__ = ["otp_router"]


def _client(request: Request) -> str:
    """The caller's address as the server sees it (a proxy in front must pass it on)."""
    return (request.client.host if request.client else "unknown")[:64]


def otp_router(new_uow: Callable[[], UnitOfWork], services: OtpServices) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1/auth", tags=["auth"],
                       dependencies=[public("the code sent by SMS stands in for a token")])

    @router.post("/otp", status_code=202, response_model=OtpRequestedOut,
                 responses={422: {}, 429: {}})
    async def post_otp(body: OtpBody, request: Request) -> OtpRequestedOut:
        with problems():
            await request_code(new_uow(), services, body.msisdn, _client(request))
        return OtpRequestedOut(expires_in=int(services.policy.validity.total_seconds()))

    @router.post("/otp/verify", response_model=TokenOut, responses={401: {}, 422: {}})
    async def post_otp_verify(body: OtpVerifyBody, response: Response) -> TokenOut:
        with problems():
            issued = await verify_code(new_uow(), services, body.msisdn, body.code)
        response.headers["Cache-Control"] = "no-store"
        return TokenOut(access_token=issued.access_token, expires_in=issued.expires_in)

    return router
