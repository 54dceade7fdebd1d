"""A billing run that fails on one account bills the others and names the one it could not."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import httpx
from invoicing.settings import InvoicingSettings
from tarifa.messaging.catalogue import AccountOpened, LineActivated
from tarifa.testing.events import publish_event
from tarifa.testing.rows import row_counts

from .world import EBILL, april_and_may, invoices_of, run_billing, set_clock


async def _unbillable_account(settings: InvoicingSettings, client: httpx.AsyncClient) -> str:
    """An account in a currency off the ISO 4217 list (a replica written before the check)."""
    account_id, lines = str(uuid.uuid4()), (await row_counts(settings.dsn))["lines"]
    await publish_event(settings.amqp_url, AccountOpened(
        account_id=account_id, customer_id="c1", payment_mode="postpaid", currency="ZZZ",
        timezone="UTC", language="ro", bill_delivery=EBILL, customer_name="Ion"))
    await publish_event(settings.amqp_url, LineActivated(
        account_id=account_id, msisdn="37369999999", plan_code="smart",
        connected_at=datetime(2026, 4, 1, tzinfo=UTC)))
    for _ in range(200):
        if (await row_counts(settings.dsn))["lines"] > lines:
            return account_id
        await asyncio.sleep(0.05)
    raise AssertionError("the account never reached invoicing")


async def test_one_account_that_cannot_be_billed_leaves_the_others_billed(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    good, _ = await april_and_may(settings, client)
    bad = await _unbillable_account(settings, client)
    await set_clock(client, "2026-05-01T06:00:00+00:00")
    run = await run_billing(client, "2026-04-30", account_ids=[bad, good])
    assert run["status"] == "failed", run
    assert bad in run["error"] and good not in run["error"]
    assert [invoice["period_end"] for invoice in await invoices_of(client, good)] == ["2026-04-30"]
    assert await invoices_of(client, bad) == []
