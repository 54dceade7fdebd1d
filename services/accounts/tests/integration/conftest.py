"""Helpers of the accounts integration tests: operator calls and published plans."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from accounts.settings import AccountsSettings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from tarifa.auth import Role
from tarifa.messaging.catalogue import BalanceChanged, PlanPublished
from tarifa.testing.apps import bearer
from tarifa.testing.events import publish_event
from tarifa.tokens import TokenSigner

CUSTOMER = {"kind": "person", "name": "Ion Popescu", "email": "ion@example.md",
            "phone": "+37369000001", "language": "ro",
            "address": "str. Ștefan cel Mare 1, Chișinău"}

Post = Callable[..., Awaitable[httpx.Response]]


@pytest.fixture
def person() -> dict[str, str]:
    return dict(CUSTOMER)


@pytest.fixture
def operator(token_signer: TokenSigner) -> dict[str, str]:
    return bearer(token_signer, Role.OPERATOR)


@pytest.fixture
def new_account(client: httpx.AsyncClient, operator: dict[str, str]) -> Callable[..., Awaitable[str]]:
    """Create a customer and an account; return the account id."""

    async def create(**account: Any) -> str:
        customer = await client.post("/v1/customers", json=CUSTOMER, headers=operator)
        assert customer.status_code == 201, customer.text
        body = {"customer_id": customer.json()["id"], "payment_mode": "postpaid",
                "currency": "MDL", "timezone": "Europe/Chisinau",
                "bill_delivery": {"medium": "ebill"}} | account
        response = await client.post("/v1/accounts", json=body, headers=operator)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    return create


@pytest.fixture
def publish_plan(settings: AccountsSettings) -> Callable[..., Awaitable[str]]:
    """Publish a plan as rating would; return its code."""

    async def publish(payment_mode: str = "postpaid", currency: str = "MDL",
                      monthly_fee: str = "100.00") -> str:
        code = f"plan-{uuid.uuid4().hex[:8]}"
        await publish_event(settings.amqp_url, PlanPublished(
            code=code, version=1, payment_mode=payment_mode, monthly_fee=Decimal(monthly_fee),
            currency=currency, vat_rate=Decimal("0.20"), effective_from=date(2026, 1, 1)))
        return code

    return publish


@pytest.fixture
def add_line(client: httpx.AsyncClient, operator: dict[str, str]) -> Post:
    """Add a line, waiting while the plan has not reached the replica yet."""

    async def add(account_id: str, **body: Any) -> httpx.Response:
        for _ in range(100):
            response = await client.post(f"/v1/accounts/{account_id}/lines", json=body,
                                         headers=operator)
            if "unknown plan" not in response.text:
                return response
            await asyncio.sleep(0.1)
        return response

    return add


def new_msisdn() -> str:
    return f"3736{uuid.uuid4().int % 10**7:07d}"


@pytest.fixture
def set_balance(client: httpx.AsyncClient, operator: dict[str, str],
                settings: AccountsSettings) -> Callable[[str, str], Awaitable[dict[str, Any]]]:
    """Announce a balance as invoicing would; return the account once the replica holds it."""

    async def announce(account_id: str, amount: str) -> dict[str, Any]:
        account = (await client.get(f"/v1/accounts/{account_id}", headers=operator)).json()
        await publish_event(settings.amqp_url, BalanceChanged(
            account_id=account_id, balance=Decimal(amount), currency=account["currency"],
            cause="test"), subject=account_id)
        expected = str(Decimal(amount).quantize(Decimal("0.01")))
        for _ in range(100):
            account = (await client.get(f"/v1/accounts/{account_id}", headers=operator)).json()
            if account["balance"] == expected:
                return dict(account)
            await asyncio.sleep(0.1)
        raise AssertionError(f"balance of {account_id} stays {account['balance']}")

    return announce


@pytest.fixture
def move_clock(client: httpx.AsyncClient) -> Callable[[datetime], Awaitable[None]]:
    """Move the service's test clock; the due jobs have run when it answers."""

    async def move(instant: datetime) -> None:
        response = await client.put("/v1/test/clock?wait=true", json={"now": instant.isoformat()})
        assert response.status_code == 200, response.text

    return move


@pytest.fixture
def audit_actions(settings: AccountsSettings) -> Callable[[str], Awaitable[list[str]]]:
    """The audit log's actions about one entity, oldest first."""

    async def actions(entity_id: str) -> list[str]:
        engine = create_async_engine(settings.dsn)
        try:
            async with engine.connect() as conn:
                rows = await conn.execute(text(
                    "SELECT action FROM audit WHERE target_id = :id ORDER BY id"),
                    {"id": entity_id})
                return [row[0] for row in rows]
        finally:
            await engine.dispose()

    return actions


def _problem_slug(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return str(response.json()["type"]).rsplit("/", 1)[-1]


@pytest.fixture
def problem() -> Callable[[httpx.Response, int], str]:
    """Check a problem+json answer with that status; return its type's slug."""
    return _problem_slug
