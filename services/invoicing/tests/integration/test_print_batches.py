"""Print batches (SPEC I8): a billing run collects its paper statements into one PDF."""

from __future__ import annotations

import asyncio

import httpx
from invoicing.settings import InvoicingSettings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from tarifa.messaging.catalogue import AccountUpdated
from tarifa.testing.events import publish_event

from ..conftest import StubRenderer
from .world import april_and_may, invoices_of, is_problem, operator, run_billing, set_clock, subscriber

PAPER = {"medium": "paper", "address": "str. Florilor 3, Bălți MD-3100"}


async def _delivery_becomes(settings: InvoicingSettings, account_id: str, medium: str) -> None:
    """Wait until invoicing's replica holds ``medium`` for the account (no API shows it)."""
    engine = create_async_engine(settings.dsn)
    try:
        for _ in range(150):
            async with engine.connect() as conn:
                found = await conn.scalar(text("SELECT delivery_medium FROM accounts "
                                               "WHERE account_id = :id"), {"id": account_id})
            if found == medium:
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"the delivery of {account_id} is still {found}")
    finally:
        await engine.dispose()


async def test_a_run_keeps_one_print_batch_of_its_paper_statements(
    client: httpx.AsyncClient, settings: InvoicingSettings, renderer: StubRenderer
) -> None:
    await set_clock(client, "2026-06-01T06:00:00+00:00")
    paper, _ = await april_and_may(settings, client, delivery=PAPER)
    ebill, _ = await april_and_may(settings, client)
    run = await run_billing(client, "2026-05-31")
    [paper_invoice] = await invoices_of(client, paper)
    [ebill_invoice] = await invoices_of(client, ebill)
    path = f"/v1/billing-runs/{run['id']}/print-batch"
    batch = await client.get(path, headers=operator())
    assert batch.status_code == 200 and batch.headers["content-type"] == "application/pdf"
    assert f"{paper_invoice['number']}@{PAPER['address']}".encode() in batch.content
    assert ebill_invoice["number"].encode() not in batch.content
    assert renderer.batches == [[paper_invoice["number"]]]
    assert is_problem(await client.get(path, headers=subscriber(paper)), 403)
    assert is_problem(await client.get(path), 401)


async def test_a_switch_to_paper_after_opening_puts_the_next_statement_in_the_print_batch(
    client: httpx.AsyncClient, settings: InvoicingSettings, renderer: StubRenderer
) -> None:
    await set_clock(client, "2026-06-01T06:00:00+00:00")
    switched, _ = await april_and_may(settings, client)
    update = AccountUpdated(account_id=switched, bill_delivery=PAPER)
    event = await publish_event(settings.amqp_url, update, subject=switched)
    await _delivery_becomes(settings, switched, "paper")
    await publish_event(settings.amqp_url, AccountUpdated(account_id=switched, bill_delivery={
        "medium": "ebill", "email": "a@b.md"}), subject=switched, event_id=event.id)
    await asyncio.sleep(0.5)  # the redelivered id must change nothing: the account stays on paper
    await _delivery_becomes(settings, switched, "paper")
    run = await run_billing(client, "2026-05-31")
    [invoice] = await invoices_of(client, switched)
    batch = await client.get(f"/v1/billing-runs/{run['id']}/print-batch", headers=operator())
    assert f"{invoice['number']}@{PAPER['address']}".encode() in batch.content
    assert renderer.batches == [[invoice["number"]]]


async def test_a_run_without_paper_statements_has_no_print_batch(
    client: httpx.AsyncClient, settings: InvoicingSettings, renderer: StubRenderer
) -> None:
    await set_clock(client, "2026-06-01T06:00:00+00:00")
    await april_and_may(settings, client)
    run = await run_billing(client, "2026-05-31")
    assert run["issued"] == 1
    path = f"/v1/billing-runs/{run['id']}/print-batch"
    assert is_problem(await client.get(path, headers=operator()), 404)
    assert is_problem(await client.get("/v1/billing-runs/nope/print-batch",
                                       headers=operator()), 404)
    assert renderer.batches == []
