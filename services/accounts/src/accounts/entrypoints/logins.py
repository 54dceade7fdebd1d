"""Subscriber logins: an operator issues and resets them, a subscriber sets and changes its
password and signs in with it. Wrong logins, passwords and setup codes, and locked logins, all
answer the same 401."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Response
from tarifa.auth import CurrentPrincipal, Role, allow, public
from tarifa.web.access import GuardedRoute

from accounts.domain.logins import IssuedLogin
from accounts.entrypoints.errors import problems
from accounts.entrypoints.http import OPERATOR, OWN_ACCOUNT, actor
from accounts.entrypoints.login_schemas import (
    LoginBody,
    LoginIssueBody,
    LoginIssuedOut,
    LoginOut,
    PasswordChangeBody,
    PasswordSetupBody,
)
from accounts.entrypoints.schemas import TokenOut
from accounts.service.logins import (
    ChangePassword,
    LoginServices,
    change_password,
    get_login,
    issue_login,
    password_login,
    reset_login,
    set_password,
)
from accounts.service.ports import UnitOfWork
from accounts.service.tokens import IssuedToken

__all__ = ["login_router"]

SUBSCRIBER = [allow(Role.SUBSCRIBER, own_account="account_id")]
PUBLIC = [public("the login and password (or setup code) stand in for a token")]


def _issued(issued: IssuedLogin, response: Response) -> LoginIssuedOut:
    response.headers["Cache-Control"] = "no-store"
    return LoginIssuedOut(login=issued.login, setup_code=issued.setup_code,
                          setup_expires_at=issued.setup_expires_at)


def _token(issued: IssuedToken, response: Response) -> TokenOut:
    response.headers["Cache-Control"] = "no-store"
    return TokenOut(access_token=issued.access_token, expires_in=issued.expires_in)


def _operator_routes(router: APIRouter, new_uow: Callable[[], UnitOfWork],
                     services: LoginServices) -> None:
    @router.post("/accounts/{account_id}/login", status_code=201, response_model=LoginIssuedOut,
                 dependencies=OPERATOR, responses={404: {}, 409: {}, 422: {}})
    async def post_login(account_id: str, body: LoginIssueBody, principal: CurrentPrincipal,
                         response: Response) -> LoginIssuedOut:
        with problems():
            issued = await issue_login(new_uow(), services, account_id, body.login,
                                       actor(principal))
        return _issued(issued, response)

    @router.post("/accounts/{account_id}/login/reset", response_model=LoginIssuedOut,
                 dependencies=OPERATOR, responses={404: {}})
    async def post_login_reset(account_id: str, principal: CurrentPrincipal,
                               response: Response) -> LoginIssuedOut:
        with problems():
            issued = await reset_login(new_uow(), services, account_id, actor(principal))
        return _issued(issued, response)

    @router.get("/accounts/{account_id}/login", response_model=LoginOut,
                dependencies=OWN_ACCOUNT, responses={404: {}})
    async def read_login(account_id: str) -> LoginOut:
        with problems():
            login = await get_login(new_uow(), account_id)
        return LoginOut(login=login.login, issued_at=login.issued_at,
                        password_set=login.password_hash is not None,
                        password_set_at=login.password_set_at, locked_until=login.locked_until)


def _subscriber_routes(router: APIRouter, new_uow: Callable[[], UnitOfWork],
                       services: LoginServices) -> None:
    @router.put("/accounts/{account_id}/password", status_code=204, dependencies=SUBSCRIBER,
                responses={404: {}, 409: {}, 422: {}})
    async def put_password(account_id: str, body: PasswordChangeBody,
                           principal: CurrentPrincipal) -> Response:
        command = ChangePassword(account_id, body.current_password, body.new_password,
                                 actor(principal))
        with problems():
            await change_password(new_uow(), services, command)
        return Response(status_code=204)

    @router.post("/auth/login", response_model=TokenOut, dependencies=PUBLIC,
                 tags=["auth"], responses={401: {}, 422: {}})
    async def post_auth_login(body: LoginBody, response: Response) -> TokenOut:
        with problems():
            issued = await password_login(new_uow(), services, body.login, body.password)
        return _token(issued, response)

    @router.post("/auth/password", response_model=TokenOut, dependencies=PUBLIC,
                 tags=["auth"], responses={401: {}, 422: {}})
    async def post_auth_password(body: PasswordSetupBody, response: Response) -> TokenOut:
        with problems():
            issued = await set_password(new_uow(), services, body.login, body.setup_code,
                                        body.password)
        return _token(issued, response)


def login_router(new_uow: Callable[[], UnitOfWork], services: LoginServices) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1", tags=["logins"])
    _operator_routes(router, new_uow, services)
    _subscriber_routes(router, new_uow, services)
    return router
