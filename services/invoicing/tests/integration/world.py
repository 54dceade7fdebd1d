"""Helpers of the invoicing integration tests: accounts, usage and payments as events."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
from invoicing.settings import InvoicingSettings
from tarifa.auth import Role
from tarifa.messaging.catalogue import (
    AccountOpened,
    AccountUsage,
    LineActivated,
    PaymentSucceeded,
    RatedItem,
    UsageRated,
    UsageTotals,
)
from tarifa.testing.apps import bearer
from tarifa.testing.events import publish_event
from tarifa.testing.keys import TEST_SIGNER

SECRET = TEST_SIGNER


def operator() -> dict[str, str]:
    return bearer(SECRET, Role.OPERATOR)


def subscriber(account_id: str) -> dict[str, str]:
    return bearer(SECRET, Role.SUBSCRIBER, account_id=account_id)


def new_msisdn() -> str:
    return f"3736{uuid.uuid4().int % 10**7:07d}"


async def eventually(probe: Callable[[], Awaitable[httpx.Response]],
                     done: Callable[[httpx.Response], bool]) -> httpx.Response:
    """Events travel through the broker; poll until the API shows their effect."""
    for _ in range(200):
        response = await probe()
        if done(response):
            return response
        await asyncio.sleep(0.1)
    raise AssertionError(f"not reached: {response.status_code} {response.text}")


EBILL = {"medium": "ebill", "email": "a@b.md"}


async def open_account(settings: InvoicingSettings, client: httpx.AsyncClient, *,
                       connected: date = date(2026, 4, 1), payment_mode: str = "postpaid",
                       delivery: dict[str, str] | None = None,
                       language: str = "ro") -> tuple[str, str]:
    """An account with one line, known to invoicing; returns (account_id, msisdn)."""
    account_id, msisdn = str(uuid.uuid4()), new_msisdn()
    await publish_event(settings.amqp_url, AccountOpened(
        account_id=account_id, customer_id="c1", payment_mode=payment_mode, currency="MDL",
        timezone="UTC", language=language, bill_delivery=delivery or EBILL,
        customer_name="Ion Popescu", address="str. Ștefan cel Mare 1, Chișinău"))
    await publish_event(settings.amqp_url, LineActivated(
        account_id=account_id, msisdn=msisdn, plan_code="smart",
        connected_at=datetime(connected.year, connected.month, connected.day, tzinfo=UTC)))
    await eventually(lambda: client.get(f"/v1/accounts/{account_id}/balance",
                                        headers=operator()), lambda r: r.status_code == 200)
    return account_id, msisdn


def item(msisdn: str, kind: str, quantity: int, net: str, vat: str, day: date,
         direction: str = "out") -> RatedItem:
    return RatedItem(msisdn=msisdn, type=kind, direction=direction, quantity=quantity,
                     net=Decimal(net), vat=Decimal(vat), gross=Decimal(net) + Decimal(vat),
                     usage_date=day)


def usage(account_id: str, *items: RatedItem) -> UsageRated:
    totals = UsageTotals(net=sum((i.net for i in items), Decimal(0)),
                         vat=sum((i.vat for i in items), Decimal(0)),
                         gross=sum((i.gross for i in items), Decimal(0)))
    return UsageRated(batch_id=str(uuid.uuid4()), accounts=[AccountUsage(
        account_id=account_id, currency="MDL", items=list(items), totals=totals)])


def payment(account_id: str, amount: str, **extra: Any) -> PaymentSucceeded:
    return PaymentSucceeded(payment_id=str(uuid.uuid4()), account_id=account_id,
                            payer="partner:test", amount=Decimal(amount), currency="MDL",
                            purpose="invoice", invoice_id=None, channel="cash", **extra)


async def balance_becomes(client: httpx.AsyncClient, account_id: str, value: str) -> None:
    await eventually(lambda: client.get(f"/v1/accounts/{account_id}/balance", headers=operator()),
                     lambda r: r.json().get("balance") == value)


async def set_clock(client: httpx.AsyncClient, now: str) -> None:
    response = await client.put("/v1/test/clock?wait=true", json={"now": now})
    assert response.status_code == 200, response.text


async def run_billing(client: httpx.AsyncClient, period_end: str,
                      **body: Any) -> dict[str, Any]:
    """Start a billing run and wait for it to finish; return its final state."""
    started = await client.post("/v1/billing-runs", json={"period_end": period_end} | body,
                                headers=operator())
    assert started.status_code == 202, started.text
    assert started.json()["status"] == "running"
    done = await eventually(
        lambda: client.get(f"/v1/billing-runs/{started.json()['id']}", headers=operator()),
        lambda r: r.json()["status"] != "running")
    result: dict[str, Any] = done.json()
    return result


async def invoices_of(client: httpx.AsyncClient, account_id: str) -> list[dict[str, Any]]:
    response = await client.get(f"/v1/accounts/{account_id}/invoices", headers=operator())
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


async def april_and_may(settings: InvoicingSettings, client: httpx.AsyncClient, **account: Any
                        ) -> tuple[str, str]:
    """An account with 12.00 of SMS in April and 24.00 in May; returns (account_id, msisdn)."""
    account_id, msisdn = await open_account(settings, client, connected=date(2026, 4, 1),
                                            **account)
    await publish_event(settings.amqp_url, usage(
        account_id, item(msisdn, "sms", 20, "10.00", "2.00", date(2026, 4, 15)),
        item(msisdn, "sms", 40, "20.00", "4.00", date(2026, 5, 15))))
    await balance_becomes(client, account_id, "-36.00")
    return account_id, msisdn


def is_problem(response: httpx.Response, status: int) -> bool:
    return (response.status_code == status
            and response.headers["content-type"] == "application/problem+json")
