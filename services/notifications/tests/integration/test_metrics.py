"""``/metrics`` of the notifications service after real work (PostgreSQL, RabbitMQ, SMTP): the
e-bill attempts by status, the consumers' time per queue, the outbox backlog, the request
latency of a route."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
from notifications.bootstrap import MIGRATIONS, build_app
from notifications.settings import NotificationsSettings
from tarifa.db import prepare_database
from tarifa.messaging.catalogue import AccountOpened, InvoiceIssued
from tarifa.messaging.envelope import CloudEvent
from tarifa.testing.apps import bearer, running_client
from tarifa.testing.events import publish_event
from tarifa.testing.metrics import Scrape, scrape
from tarifa.tokens import TokenSigner

PDF = b"%PDF-1.7\n% signed invoice\n%%EOF\n"
EBILL = {"event": "invoicing.invoice.issued", "channel": "email"}


async def _issue(settings: NotificationsSettings) -> CloudEvent:
    account_id, invoice_id = str(uuid.uuid4()), str(uuid.uuid4())
    await publish_event(settings.amqp_url, AccountOpened(
        account_id=account_id, customer_id="c1", payment_mode="postpaid", currency="MDL",
        timezone="Europe/Chisinau", language="en", email="customer@example.md",
        customer_name="Ion Popescu",
        bill_delivery={"medium": "ebill", "email": f"{uuid.uuid4().hex[:8]}@example.md"}))
    return await publish_event(settings.amqp_url, InvoiceIssued(
        invoice_id=invoice_id, number=f"TF-2026/{invoice_id[:6]}", account_id=account_id,
        period_start=date(2026, 5, 1), period_end=date(2026, 5, 31),
        total_charges=Decimal("69.60"), amount_due=Decimal("69.60"),
        due_date=date(2026, 6, 16), currency="MDL"), subject=account_id)


async def _status(client: httpx.AsyncClient, signer: TokenSigner, event: CloudEvent) -> str:
    answer = await client.get("/v1/notifications", params={"account_id": event.subject},
                              headers=bearer(signer))
    rows = [row for row in answer.json() if row["channel"] == "email"]
    return str(rows[0]["status"]) if rows else "none"


async def _until(client: httpx.AsyncClient, signer: TokenSigner, event: CloudEvent,
                 status: str) -> None:
    for _ in range(300):
        if await _status(client, signer, event) == status:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the e-bill of {event.id} never became {status}")


def _grew(before: Scrape, after: Scrape, name: str, **labels: str) -> float:
    return after.total(name, **labels) - before.total(name, **labels)


async def _until_attempted(client: httpx.AsyncClient, before: Scrape) -> None:
    """Until an attempt without the document was counted: a delivery is listed as pending from
    the moment it is planned, before its first attempt."""
    for _ in range(300):
        if _grew(before, await scrape(client), "tarifa_notification_attempts_total", **EBILL,
                 status="pending") >= 1:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("no e-bill attempt was counted pending")


async def test_an_ebill_retried_then_sent_shows_in_the_metrics(
    client: httpx.AsyncClient, settings: NotificationsSettings, token_signer: TokenSigner,
    mailbox: Any, invoicing: Any,
) -> None:
    before = await scrape(client)
    issued = await _issue(settings)
    await _until(client, token_signer, issued, "pending")
    await _until_attempted(client, before)
    invoicing.documents[issued.data["invoice_id"]] = PDF
    await _until(client, token_signer, issued, "sent")
    after = await scrape(client)
    assert _grew(before, after, "tarifa_notification_attempts_total", **EBILL, status="sent") == 1
    assert _grew(before, after, "tarifa_notification_attempts_total", **EBILL,
                 status="pending") >= 1
    assert _grew(before, after, "tarifa_consumer_seconds_count",
                 queue="notifications.account-opened", outcome="handled") >= 1
    assert _grew(before, after, "tarifa_consumer_seconds_count", outcome="handled") >= 3
    assert after.total("tarifa_outbox_pending_events", service="notifications") >= 0
    assert _grew(before, after, "tarifa_http_request_seconds_count", service="notifications",
                 route="/v1/notifications") >= 2


async def test_an_ebill_given_up_counts_as_failed(
    settings: NotificationsSettings, token_signer: TokenSigner, mailbox: Any,
) -> None:
    await prepare_database(MIGRATIONS, settings.dsn)
    limited = settings.model_copy(update={"send_max_attempts": 1})
    async with running_client(build_app(limited)) as client:
        before = await scrape(client)
        issued = await _issue(settings)
        await _until(client, token_signer, issued, "failed")
        after = await scrape(client)
    assert _grew(before, after, "tarifa_notification_attempts_total", **EBILL, status="failed") == 1
    assert _grew(before, after, "tarifa_notification_attempts_total", **EBILL, status="sent") == 0
