"""The periodic overdue check: it marks what no clock move announced, once."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import httpx
import pytest_asyncio
from invoicing.settings import InvoicingSettings
from tarifa.testing.events import publish_event, tap_events
from tarifa.tokens import TokenSigner

from .world import april_and_may, eventually, invoices_of, operator, payment, run_billing, set_clock

INTERVAL = 0.2


@pytest_asyncio.fixture
async def settings(make_database: Callable[[str], Awaitable[str]], amqp_url: str,
                   token_signer: TokenSigner) -> InvoicingSettings:
    url = await make_database("invoicing")
    return InvoicingSettings(database_url=url, amqp_url=amqp_url, jwt_public_key=token_signer.public_pem(),
                             test_mode=True, relay_interval=0.05, overdue_interval=INTERVAL)


async def test_an_invoice_issued_after_its_due_date_becomes_overdue_once(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    await set_clock(client, "2026-07-01T06:00:00+00:00")
    account_id, _ = await april_and_may(settings, client)
    keys = ["invoicing.invoice.overdue", "invoicing.balance.changed"]
    async with tap_events(settings.amqp_url, keys) as tap:
        await run_billing(client, "2026-05-31")
        [invoice] = await invoices_of(client, account_id)
        [event] = await tap.wait_for("invoicing.invoice.overdue", account_id=account_id)
        await asyncio.sleep(5 * INTERVAL)  # several more passes of the job
        await set_clock(client, "2026-07-02T06:00:00+00:00")
        await publish_event(settings.amqp_url, payment(account_id, "1.00"))
        await tap.wait_for("invoicing.balance.changed", account_id=account_id, cause="payment")
    assert event.data["invoice_id"] == invoice["id"]
    overdue = [e for e in tap.events if e.routing_key == "invoicing.invoice.overdue"]
    assert len(overdue) == 1
    await eventually(lambda: client.get(f"/v1/invoices/{invoice['id']}", headers=operator()),
                     lambda r: r.json()["status"] == "overdue")
