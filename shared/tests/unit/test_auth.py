"""Bearer tokens: verified with the shared secret; anything else is 401 problem+json."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from tarifa.auth import Authenticator, CurrentPrincipal, Principal, Role
from tarifa.problems import PROBLEM_JSON, Forbidden, NotFound, Unauthorized, install_problem_handlers
from tarifa.testing.apps import bearer

SECRET = "unit-test-secret-0123456789abcdefghij"


def _app() -> FastAPI:
    app = FastAPI()
    app.state.authenticator = Authenticator(SECRET)
    install_problem_handlers(app)

    @app.get("/operators-only")
    async def operators_only(principal: CurrentPrincipal) -> dict[str, str]:
        principal.require(Role.OPERATOR)
        return {"subject": principal.subject}

    @app.get("/accounts/{account_id}")
    async def account(account_id: str, principal: CurrentPrincipal) -> dict[str, str]:
        principal.require_account(account_id)
        return {"account_id": account_id}

    return app


@pytest_asyncio.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def test_a_token_round_trips_its_principal() -> None:
    authenticator = Authenticator(SECRET)
    principal = Principal("sub-1", Role.SUBSCRIBER, "acc-1")
    assert authenticator.verify(authenticator.issue(principal)) == principal


@pytest.mark.parametrize("token", [
    "garbled", "a.b.c", "",
    Authenticator("another-secret-0123456789abcdefghijkl").issue(Principal("x", Role.OPERATOR)),
    Authenticator(SECRET, ttl=timedelta(seconds=-120)).issue(Principal("x", Role.OPERATOR)),
])
def test_garbled_foreign_and_expired_tokens_are_refused(token: str) -> None:
    with pytest.raises(Unauthorized):
        Authenticator(SECRET).verify(token)


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer"},
    {"Authorization": "Basic dXNlcjpwYXNz"},
    {"Authorization": "Bearer not-a-jwt"},
    {"Authorization": "Bearer " + Authenticator(SECRET, ttl=timedelta(seconds=-120)).issue(
        Principal("x", Role.OPERATOR))},
])
async def test_requests_without_a_valid_token_get_401_problem_json(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.get("/operators-only", headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["status"] == 401


async def test_roles_decide_what_a_principal_may_do(client: httpx.AsyncClient) -> None:
    operator = await client.get("/operators-only", headers=bearer(SECRET, Role.OPERATOR))
    partner = await client.get("/operators-only", headers=bearer(SECRET, Role.PARTNER))
    assert operator.status_code == 200 and operator.json() == {"subject": "test-operator"}
    assert partner.status_code == 403
    assert partner.headers["content-type"] == PROBLEM_JSON


async def test_a_subscriber_reaches_only_its_own_account(client: httpx.AsyncClient) -> None:
    mine = bearer(SECRET, Role.SUBSCRIBER, account_id="acc-1")
    assert (await client.get("/accounts/acc-1", headers=mine)).status_code == 200
    assert (await client.get("/accounts/acc-2", headers=mine)).status_code == 404
    assert (await client.get("/accounts/acc-2", headers=bearer(SECRET))).status_code == 200
    assert (await client.get("/accounts/acc-1",
                             headers=bearer(SECRET, Role.PARTNER))).status_code == 403


def test_principal_checks_raise_the_problem_types() -> None:
    with pytest.raises(Forbidden):
        Principal("p", Role.PARTNER).require(Role.OPERATOR)
    with pytest.raises(NotFound):
        Principal("s", Role.SUBSCRIBER, "a").require_account("b")
