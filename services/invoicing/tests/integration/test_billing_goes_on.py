"""A billing run that fails on one account bills the others and names the one it could not."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import httpx
from invoicing.settings import InvoicingSettings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from tarifa.messaging.catalogue import AccountOpened, LineActivated
from tarifa.testing.events import publish_event

from .world import EBILL, april_and_may, invoices_of, run_billing, set_clock


async def _unbillable_account(settings: InvoicingSettings, client: httpx.AsyncClient) -> str:
    """An account in a currency off the ISO 4217 list: a replica row written before invoicing
    refused such accounts (it now dead-letters their opening), so written here in the table."""
    account_id = str(uuid.uuid4())
    await publish_event(settings.amqp_url, AccountOpened(
        account_id=account_id, customer_id="c1", payment_mode="postpaid", currency="MDL",
        timezone="UTC", language="ro", bill_delivery=EBILL, customer_name="Ion"))
    await publish_event(settings.amqp_url, LineActivated(
        account_id=account_id, msisdn="37369999999", plan_code="smart",
        connected_at=datetime(2026, 4, 1, tzinfo=UTC)))
    engine = create_async_engine(settings.dsn)
    try:
        for _ in range(200):
            if await _made_unbillable(engine, account_id):
                return account_id
            await asyncio.sleep(0.05)
    finally:
        await engine.dispose()
    raise AssertionError("the account never reached invoicing")


async def _made_unbillable(engine: AsyncEngine, account_id: str) -> bool:
    """Put the account in ``ZZZ`` once both it and its line are in the replica."""
    async with engine.begin() as conn:
        changed = await conn.execute(text(
            "UPDATE accounts SET currency = 'ZZZ' WHERE account_id = :id"
            " AND EXISTS (SELECT 1 FROM lines WHERE account_id = :id)"), {"id": account_id})
    return changed.rowcount == 1


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
