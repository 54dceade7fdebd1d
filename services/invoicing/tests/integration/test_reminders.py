"""A payment reminder the policy's days before the due date, once per unpaid invoice."""

from __future__ import annotations

import asyncio

import httpx
from invoicing.settings import InvoicingSettings
from tarifa.testing.events import tap_events

from .world import april_and_may, invoices_of, run_billing, set_clock

KEY = "invoicing.invoice.reminded"


async def test_an_unpaid_invoice_is_reminded_of_three_days_before_its_due_date_once(
    client: httpx.AsyncClient, settings: InvoicingSettings,
) -> None:
    await set_clock(client, "2026-06-01T06:00:00+00:00")
    account_id, _ = await april_and_may(settings, client)
    await run_billing(client, "2026-05-31")
    [invoice] = await invoices_of(client, account_id)
    assert invoice["due_date"] == "2026-06-16"
    async with tap_events(settings.amqp_url, [KEY]) as tap:
        await set_clock(client, "2026-06-12T06:00:00+00:00")  # four days before: not yet
        await set_clock(client, "2026-06-13T06:00:00+00:00")
        [event] = await tap.wait_for(KEY, account_id=account_id)
        await set_clock(client, "2026-06-14T06:00:00+00:00")
        await set_clock(client, "2026-06-15T06:00:00+00:00")
        await asyncio.sleep(0.5)  # what a second reminder would need to arrive
    assert event.time.date().isoformat() == "2026-06-13"
    assert event.data == {"invoice_id": invoice["id"], "account_id": account_id,
                          "number": invoice["number"], "due_date": "2026-06-16",
                          "amount_due": invoice["amount_due"], "currency": "MDL"}
    assert [e.data["account_id"] for e in tap.events].count(account_id) == 1
