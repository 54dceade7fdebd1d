"""Payments posted in batches (``record_payments``) on the real PostgreSQL and RabbitMQ: each
payment once, allocated oldest invoice first, one ``balance.changed`` per account with the
balance the batch leaves; a redelivery inside or across batches posts nothing twice; a payment
the ledger refuses is refused by itself through the consumer, and the others of its batch post."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest_asyncio
from invoicing.adapters.uow import InvoicingUnitOfWork
from invoicing.entrypoints.consumers import register_consumers
from invoicing.service.payments import record_payments
from invoicing.settings import InvoicingSettings
from tarifa.clock import ControllableClock
from tarifa.db import create_engine, sessionmaker_for
from tarifa.messaging.envelope import CloudEvent, PoisonMessage, new_event
from tarifa.testing.audit import audit_rows

from .world import (
    april_and_may,
    balance_becomes,
    invoices_of,
    open_account,
    payment,
    run_billing,
    set_clock,
)

QUEUE = "invoicing.payment-succeeded"
JUNE_FIRST = "2026-06-01T06:00:00+00:00"
NewUow = Callable[[], InvoicingUnitOfWork]
Handle = Callable[[CloudEvent], Any]


@pytest_asyncio.fixture
async def new_uow(settings: InvoicingSettings, client: httpx.AsyncClient) -> AsyncIterator[NewUow]:
    """Units of work on the app's database (migrated by ``client``), beside the app."""
    engine, clock = create_engine(settings.dsn), ControllableClock()
    sessions = sessionmaker_for(engine)
    yield lambda: InvoicingUnitOfWork(sessions, service="invoicing", clock=clock)
    await engine.dispose()


class _Subscriptions:
    """What ``register_consumers`` subscribes, by queue, instead of a broker."""

    def __init__(self) -> None:
        self.handlers: dict[str, Handle] = {}

    def subscribe(self, queue: str, routing_key: str, handler: Handle) -> None:
        self.handlers[queue] = handler


def _paid(account_id: str, amount: str, **changed: Any) -> CloudEvent:
    data = payment(account_id, amount).model_copy(update=changed)
    return new_event("payments", "payments.payment.succeeded", data, now=datetime.now(UTC),
                     subject=account_id)


async def _fetch(settings: InvoicingSettings, sql: str, *args: Any) -> list[Any]:
    conn = await asyncpg.connect(settings.dsn.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        return [row[0] for row in await conn.fetch(sql, *args)]
    finally:
        await conn.close()


async def _staged(settings: InvoicingSettings, key: str, account_id: str) -> list[dict[str, Any]]:
    """The data of the events of ``key`` about the account staged in the outbox, in order."""
    found = await _fetch(settings, "SELECT (body -> 'data')::text FROM outbox WHERE "
                         "routing_key = $1 AND body -> 'data' ->> 'account_id' = $2 ORDER BY seq",
                         key, account_id)
    return [json.loads(data) for data in found]


async def _balances_by_payments(settings: InvoicingSettings,
                                account_id: str) -> list[str]:
    """The balances announced for the account's payments, in order."""
    return [data["balance"] for data in await _staged(settings, "invoicing.balance.changed",
                                                      account_id) if data["cause"] == "payment"]


async def _payments(settings: InvoicingSettings, account_id: str) -> list[str]:
    """The amounts of the account's payment entries, smallest first."""
    return [str(amount) for amount in await _fetch(
        settings, "SELECT amount FROM ledger WHERE account_id = $1 AND kind = 'payment' "
        "ORDER BY amount", account_id)]


async def test_a_batch_posts_each_payment_allocates_and_announces_each_account_once(
    client: httpx.AsyncClient, settings: InvoicingSettings, new_uow: NewUow
) -> None:
    await set_clock(client, JUNE_FIRST)
    owing, _ = await april_and_may(settings, client)
    await run_billing(client, "2026-04-30")
    await run_billing(client, "2026-05-31")
    may, april = await invoices_of(client, owing)
    other, _ = await open_account(settings, client)
    await record_payments(new_uow(), QUEUE, [
        _paid(owing, "20.00"), _paid(other, "5.00"), _paid(owing, "16.00"), _paid(other, "2.50")])
    assert await _payments(settings, owing) == ["16.00", "20.00"]
    assert await _payments(settings, other) == ["2.50", "5.00"]
    assert [i["status"] for i in await invoices_of(client, owing)] == ["paid", "paid"]
    settled = await _staged(settings, "invoicing.invoice.paid", owing)
    assert [data["invoice_id"] for data in settled] == [april["id"], may["id"]]
    assert await _balances_by_payments(settings, owing) == ["0.00"]
    assert await _balances_by_payments(settings, other) == ["7.50"]
    await balance_becomes(client, other, "7.50")
    rows = await audit_rows(client, "account", other)
    assert sorted(r["after"]["amount"] for r in rows if r["action"] == "payment.posted") == [
        "2.50", "5.00"]


async def test_a_redelivery_inside_or_across_batches_posts_nothing_twice(
    client: httpx.AsyncClient, settings: InvoicingSettings, new_uow: NewUow
) -> None:
    account_id, _ = await open_account(settings, client)
    one, two, four = (_paid(account_id, amount) for amount in ("1.00", "2.00", "4.00"))
    await record_payments(new_uow(), QUEUE, [one, two, one])
    await record_payments(new_uow(), QUEUE, [two, four, four])
    await record_payments(new_uow(), QUEUE, [one, two, four])
    assert await _payments(settings, account_id) == ["1.00", "2.00", "4.00"]
    assert await _balances_by_payments(settings, account_id) == ["3.00", "7.00"]
    await balance_becomes(client, account_id, "7.00")


async def test_a_refused_payment_is_refused_alone_and_the_others_of_its_batch_post(
    client: httpx.AsyncClient, settings: InvoicingSettings, new_uow: NewUow
) -> None:
    first, _ = await open_account(settings, client)
    second, _ = await open_account(settings, client)
    consumers = _Subscriptions()
    register_consumers(consumers, new_uow)  # type: ignore[arg-type]
    handle = consumers.handlers[QUEUE]
    deliveries = [_paid(first, "3.00"), _paid(second, "1.00", currency="EUR"),
                  _paid(second, "0.00"), _paid(second, "4.00")]
    results = await asyncio.gather(*(handle(event) for event in deliveries),
                                   return_exceptions=True)
    assert [type(result).__name__ for result in results] == [
        "NoneType", "PoisonMessage", "PoisonMessage", "NoneType"]
    assert "kept in MDL, not EUR" in str(results[1])
    assert isinstance(results[2], PoisonMessage) and "no positive amount" in str(results[2])
    assert await _payments(settings, first) == ["3.00"]
    assert await _payments(settings, second) == ["4.00"]
    refused = await _fetch(settings, "SELECT event_id FROM inbox WHERE consumer = $1 AND "
                           "event_id = ANY($2::text[])", QUEUE, [deliveries[1].id,
                                                                 deliveries[2].id])
    assert refused == []
    await balance_becomes(client, second, "4.00")
