"""Routes declare their callers: checked before the body, documented in OpenAPI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
import pytest
import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import APIRouter, FastAPI, Form, Header
from pydantic import BaseModel
from tarifa.auth import Role, allow, public
from tarifa.problems import PROBLEM_JSON, install_problem_handlers
from tarifa.testing.apps import bearer
from tarifa.tokens import TokenSigner
from tarifa.web.access import GuardedRoute, undeclared
from tarifa.web.openapi import document_answers, document_problems

SIGNER = TokenSigner(Ed25519PrivateKey.generate())
MALFORMED = {"content": b'{"amount": ', "headers": {"content-type": "application/json"}}


class Body(BaseModel):
    amount: str


def _router() -> APIRouter:
    router = APIRouter(route_class=GuardedRoute)

    @router.post("/accounts/{account_id}/things", status_code=201,
                 dependencies=[allow(Role.OPERATOR, Role.SUBSCRIBER, own_account="account_id")])
    async def post_thing(account_id: str, body: Body,
                         key: Annotated[str | None, Header(alias="Idempotency-Key")] = None
                         ) -> dict[str, str]:
        return {"account_id": account_id, "amount": body.amount}

    @router.post("/usage", dependencies=[allow(Role.OPERATOR, Role.MEDIATION)])
    async def post_usage(body: Body) -> dict[str, str]:
        return {"amount": body.amount}

    @router.post("/token", dependencies=[public("credentials in the form")])
    async def token(client_id: Annotated[str, Form()]) -> dict[str, str]:
        return {"client_id": client_id}

    @router.get("/forgotten")
    async def forgotten() -> dict[str, str]:
        return {}

    return router


def _app(router: APIRouter) -> FastAPI:
    app = FastAPI()
    app.state.token_verifier = SIGNER.verifier()
    install_problem_handlers(app)
    document_answers(router)
    app.include_router(router)
    document_problems(app)
    return app


@pytest_asyncio.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=_app(_router()))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@pytest.mark.parametrize(("headers", "status"), [
    ({}, 401),
    (bearer(SIGNER, Role.PARTNER), 403),
    (bearer(SIGNER, Role.MEDIATION), 403),
    (bearer(SIGNER, Role.SUBSCRIBER, account_id="acc-2"), 404),
    (bearer(SIGNER, Role.SUBSCRIBER, account_id="acc-1"), 422),
    (bearer(SIGNER, Role.OPERATOR), 422),
])
async def test_the_declaration_answers_before_the_body_is_read(
        client: httpx.AsyncClient, headers: dict[str, str], status: int) -> None:
    response = await client.post("/accounts/acc-1/things", **MALFORMED | {
        "headers": MALFORMED["headers"] | headers})
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM_JSON


async def test_allowed_callers_reach_the_handler(client: httpx.AsyncClient) -> None:
    own = bearer(SIGNER, Role.SUBSCRIBER, account_id="acc-1")
    made = await client.post("/accounts/acc-1/things", json={"amount": "1.00"}, headers=own)
    assert made.status_code == 201 and made.json() == {"account_id": "acc-1", "amount": "1.00"}
    rated = await client.post("/usage", json={"amount": "2"},
                              headers=bearer(SIGNER, Role.MEDIATION))
    assert rated.status_code == 200 and rated.json() == {"amount": "2"}


async def test_an_undeclared_route_admits_operators_only(client: httpx.AsyncClient) -> None:
    assert (await client.get("/forgotten", headers=bearer(SIGNER))).status_code == 200
    refused = await client.get("/forgotten", headers=bearer(SIGNER, Role.SUBSCRIBER, "a"))
    assert refused.status_code == 403
    assert undeclared([_router()]) == ["GET /forgotten"]


async def test_a_public_route_needs_no_token_and_a_broken_form_is_422(
        client: httpx.AsyncClient) -> None:
    assert (await client.post("/token", data={"client_id": "c"})).json() == {"client_id": "c"}
    broken = await client.post("/token", content=b"--x\r\nbroken",
                               headers={"content-type": "multipart/form-data; boundary=x"})
    assert broken.status_code == 422
    assert broken.headers["content-type"] == PROBLEM_JSON


def _operation(document: dict[str, Any], path: str) -> dict[str, Any]:
    operation: dict[str, Any] = document["paths"][path]["post"]
    return operation


def test_openapi_names_the_scheme_the_roles_and_every_problem() -> None:
    document = _app(_router()).openapi()
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
        "description": document["components"]["securitySchemes"]["bearer"]["description"]}
    things = _operation(document, "/accounts/{account_id}/things")
    assert things["security"] == [{"bearer": ["operator", "subscriber"]}]
    assert sorted(things["responses"]) == ["201", "401", "403", "404", "409", "422"]
    for status in ("401", "403", "404", "409", "422"):
        assert things["responses"][status]["content"] == {
            PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    assert "Problem" in document["components"]["schemas"]
    assert "HTTPValidationError" not in document["components"]["schemas"]
    token = _operation(document, "/token")
    assert "security" not in token and sorted(token["responses"]) == ["200", "422"]
