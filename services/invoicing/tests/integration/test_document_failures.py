"""A document the engine cannot make is set aside with its reason, named among its run's
failures, and holds back none of the others (the real document engine renders here)."""

from __future__ import annotations

from datetime import date

import httpx
import pytest_asyncio
from invoicing.settings import InvoicingSettings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from .world import april_and_may, operator, run_billing, set_clock


@pytest_asyncio.fixture
async def renderer() -> None:
    """No stub: the application makes its own document engine, as in production."""
    return None


async def _undo_documents(settings: InvoicingSettings, good: str, bad: str) -> None:
    """Both April invoices wait for their document again; the bad one in a currency the
    engine cannot print (a row the ledger's checks would have refused, written here)."""
    engine = create_async_engine(settings.dsn)
    try:
        async with engine.begin() as conn:
            ids = {"good": good, "bad": bad}
            await conn.execute(text(
                "DELETE FROM documents WHERE owner_id IN (SELECT id FROM invoices "
                "WHERE account_id IN (:good, :bad))"), ids)
            await conn.execute(text("UPDATE invoices SET document_ready = false "
                                    "WHERE account_id IN (:good, :bad)"), ids)
            await conn.execute(text("UPDATE invoices SET currency = 'ZZZ' WHERE account_id = :bad"),
                               ids)
    finally:
        await engine.dispose()


async def _pdf(client: httpx.AsyncClient, settings: InvoicingSettings, account_id: str,
               period_end: str) -> httpx.Response:
    engine = create_async_engine(settings.dsn)
    try:
        async with engine.connect() as conn:
            invoice_id = await conn.scalar(text(
                "SELECT id FROM invoices WHERE account_id = :a AND period_end = :p"),
                {"a": account_id, "p": date.fromisoformat(period_end)})
    finally:
        await engine.dispose()
    return await client.get(f"/v1/invoices/{invoice_id}/pdf", headers=operator())


async def test_a_document_that_cannot_be_made_holds_back_no_other(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    good, _ = await april_and_may(settings, client)
    bad, _ = await april_and_may(settings, client)
    await set_clock(client, "2026-05-01T06:00:00+00:00")
    april = await run_billing(client, "2026-04-30", account_ids=[good, bad])
    assert april["status"] == "completed", april
    await _undo_documents(settings, good, bad)
    await set_clock(client, "2026-06-01T06:00:00+00:00")
    may = await run_billing(client, "2026-05-31", account_ids=[good, bad])
    assert may["status"] == "completed", may
    for account_id, period_end in ((good, "2026-04-30"), (good, "2026-05-31"),
                                   (bad, "2026-05-31")):
        made = await _pdf(client, settings, account_id, period_end)
        assert made.status_code == 200 and made.content.startswith(b"%PDF"), made.text
    assert (await _pdf(client, settings, bad, "2026-04-30")).status_code == 404
    shown = (await client.get(f"/v1/billing-runs/{april['id']}", headers=operator())).json()
    [failure] = shown["failures"]
    assert failure["account_id"] == bad, shown
    assert failure["reason"].startswith("document not made: InvalidAmount"), failure
    assert shown["stages"]["failed"] == 1, shown
