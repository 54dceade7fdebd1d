"""Print batches (SPEC I8): a billing run collects its paper statements into one PDF."""

from __future__ import annotations

import httpx
from invoicing.settings import InvoicingSettings

from ..conftest import StubRenderer
from .world import april_and_may, invoices_of, is_problem, operator, run_billing, set_clock, subscriber

PAPER = {"medium": "paper", "address": "str. Florilor 3, Bălți MD-3100"}


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
