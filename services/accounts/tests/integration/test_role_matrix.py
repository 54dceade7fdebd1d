"""Every accounts route × every kind of caller: who may call it, before any body is read."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest_asyncio
from accounts.bootstrap import MIGRATIONS, build_app
from accounts.settings import AccountsSettings
from fastapi import FastAPI
from tarifa.auth import Role
from tarifa.db import prepare_database
from tarifa.testing.apps import bearer, running_client
from tarifa.testing.roles import ACCOUNT, ANYONE, OPERATOR, SUBSCRIBERS, Caller, Row, Walk
from tarifa.tokens import TokenSigner

OWN = frozenset({Caller.OWN})
TABLE = {
    "GET /health/live": Row(ANYONE, 200),
    "GET /health/ready": Row(ANYONE, 200),
    "GET /metrics": Row(ANYONE, 200),
    "GET /v1/audit": Row(OPERATOR, 200),
    "GET /v1/test/clock": Row(ANYONE, 200),
    "PUT /v1/test/clock": Row(ANYONE, 422),
    "POST /v1/auth/token": Row(ANYONE, 422),
    "GET /.well-known/jwks.json": Row(ANYONE, 200),
    "POST /v1/auth/otp": Row(ANYONE, 422),
    "POST /v1/auth/otp/verify": Row(ANYONE, 422),
    "POST /v1/auth/login": Row(ANYONE, 422),
    "POST /v1/auth/password": Row(ANYONE, 422),
    "POST /v1/accounts/{account_id}/login": Row(OPERATOR, 422),
    "POST /v1/accounts/{account_id}/login/reset": Row(OPERATOR, 404),
    "GET /v1/accounts/{account_id}/login": Row(ACCOUNT, 404),
    "PUT /v1/accounts/{account_id}/password": Row(OWN, 422),
    "POST /v1/customers": Row(OPERATOR, 422),
    "GET /v1/customers/{customer_id}": Row(OPERATOR, 200),
    "PATCH /v1/customers/{customer_id}": Row(OPERATOR, 422),
    "GET /v1/accounts/{account_id}/profile": Row(ACCOUNT, 200),
    "PATCH /v1/accounts/{account_id}/profile": Row(ACCOUNT, 422),
    "POST /v1/accounts": Row(OPERATOR, 422),
    "GET /v1/accounts/{account_id}": Row(ACCOUNT, 200),
    "GET /v1/account-search": Row(OPERATOR, 422),
    "POST /v1/accounts/{account_id}/lines": Row(OPERATOR, 422),
    "GET /v1/accounts/{account_id}/lines": Row(ACCOUNT, 200),
    "POST /v1/accounts/{account_id}/suspension": Row(ACCOUNT, 422),
    "DELETE /v1/accounts/{account_id}/suspension": Row(ACCOUNT, 409),
    "POST /v1/accounts/{account_id}/promised-payment": Row(ACCOUNT, 409),
    "PUT /v1/accounts/{account_id}/bill-delivery": Row(ACCOUNT, 422),
    "GET /v1/accounts/{account_id}/bonus": Row(ACCOUNT, 200),
    "POST /v1/accounts/{account_id}/bonus/redemptions": Row(ACCOUNT, 422),
    "POST /v1/lines/{msisdn}/plan-change": Row(SUBSCRIBERS, 422),
    "POST /v1/lines/{msisdn}/closure": Row(OPERATOR, 422),
    "POST /v1/accounts/{account_id}/closure": Row(OPERATOR, 422),
    "PUT /v1/accounts/{account_id}/payment-mode": Row(OPERATOR, 422),
}


@pytest_asyncio.fixture
async def app(settings: AccountsSettings) -> FastAPI:
    await prepare_database(MIGRATIONS, settings.dsn)
    return build_app(settings)


@pytest_asyncio.fixture
async def served(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with running_client(app) as client:
        yield client


async def _open(client: httpx.AsyncClient, secret: str) -> tuple[str, str]:
    """A customer and its account; returns both ids."""
    operator = bearer(secret, Role.OPERATOR)
    customer = await client.post("/v1/customers", headers=operator, json={
        "kind": "person", "name": "Ion Popescu", "email": "ion@example.md",
        "phone": "+37369000001", "language": "ro", "address": "str. Ștefan cel Mare 1"})
    assert customer.status_code == 201, customer.text
    account = await client.post("/v1/accounts", headers=operator, json={
        "customer_id": customer.json()["id"], "payment_mode": "postpaid", "currency": "MDL",
        "timezone": "Europe/Chisinau", "bill_delivery": {"medium": "ebill"}})
    assert account.status_code == 201, account.text
    return customer.json()["id"], account.json()["id"]


async def test_every_route_answers_each_caller_as_its_row_says(
        app: FastAPI, served: httpx.AsyncClient, token_signer: TokenSigner) -> None:
    customer_id, account_id = await _open(served, token_signer)
    walk = Walk(token_signer, account_id, "another-account",
                {"customer_id": customer_id, "msisdn": "37369000001"})
    wrong = await walk.mismatches(app, served, TABLE)
    assert not wrong, "\n".join(wrong)
