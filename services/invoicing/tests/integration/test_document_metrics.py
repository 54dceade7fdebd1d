"""``/metrics`` of invoicing after a billing run through the real document engine: the documents
signed by kind, the run's progress, the consumers' time per queue and the outbox backlog."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest_asyncio
from invoicing.bootstrap import MIGRATIONS, build_app
from invoicing.settings import InvoicingSettings
from tarifa.db import prepare_database
from tarifa.testing.apps import running_client
from tarifa.testing.metrics import scrape

from .world import april_and_may, invoices_of, operator, run_billing, set_clock


@pytest_asyncio.fixture
async def engine_client(settings: InvoicingSettings,
                        tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The service with its own document engine, its credentials made under ``tmp_path``."""
    real = settings.model_copy(update={"documents_dir": tmp_path / "documents",
                                       "signing_workers": 1})
    await prepare_database(MIGRATIONS, real.dsn)
    async with running_client(build_app(real)) as client:
        yield client


async def test_a_billing_run_shows_its_signed_documents_and_progress(
    settings: InvoicingSettings, engine_client: httpx.AsyncClient,
) -> None:
    client = engine_client
    before = await scrape(client)
    await set_clock(client, "2026-06-10T06:00:00+00:00")
    account_id, _ = await april_and_may(settings, client)
    run = await run_billing(client, "2026-05-31")
    [invoice] = await invoices_of(client, account_id)
    assert (await client.get(f"/v1/invoices/{invoice['id']}/pdf",
                             headers=operator())).status_code == 200
    after = await scrape(client)
    signed = "tarifa_documents_signed_total"
    assert before.total(signed, kind="invoice") + 1 <= after.total(signed, kind="invoice")
    assert after.total("tarifa_billing_run_invoices", run_id=run["id"], stage="issued") == 1
    handled = "tarifa_consumer_seconds_count"
    assert after.total(handled, outcome="handled") > before.total(handled, outcome="handled")
    assert after.total("tarifa_outbox_pending_events", service="invoicing") >= 0
    assert "tarifa_outbox_oldest_pending_seconds" in after.names()
