"""The invoicing audit trail over HTTP: billing runs, invoices and credit notes with their actor,
before and after and correlation id; a refused credit note leaves no row."""

from __future__ import annotations

import httpx
from invoicing.settings import InvoicingSettings
from tarifa.testing.audit import audit_rows, correlated

from .world import april_and_may, eventually, invoices_of, operator, set_clock

OPERATOR = {"subject": "test-operator", "role": "operator"}
RUNNER = {"subject": "invoicing.billing-run", "role": "system"}


async def _billed(client: httpx.AsyncClient, correlation: dict[str, str]) -> str:
    started = await client.post("/v1/billing-runs", json={"period_end": "2026-04-30"},
                                headers=operator() | correlation)
    assert started.status_code == 202, started.text
    run_id: str = started.json()["id"]
    await eventually(lambda: client.get(f"/v1/billing-runs/{run_id}", headers=operator()),
                     lambda r: r.json()["status"] == "completed")
    return run_id


async def test_a_billing_run_and_its_invoices_are_audited(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    await set_clock(client, "2026-05-02T06:00:00+00:00")
    account_id, _ = await april_and_may(settings, client)
    correlation_id, header = correlated()
    run_id = await _billed(client, header)
    started, finished = await audit_rows(client, "billing_run", run_id)
    assert (started["action"], started["actor"]) == ("billing_run.started", OPERATOR)
    assert started["correlation_id"] == correlation_id
    assert started["before"] is None and started["after"]["period_end"] == "2026-04-30"
    assert (finished["action"], finished["actor"]) == ("billing_run.completed", RUNNER)
    assert (finished["before"], finished["after"]["status"]) == ({"status": "running"},
                                                                 "completed")
    [invoice] = await invoices_of(client, account_id)
    [issued] = await audit_rows(client, "invoice", invoice["id"])
    assert (issued["action"], issued["actor"]) == ("invoice.issued", RUNNER)
    assert issued["after"]["total_charges"] == "12.00"


async def test_a_credit_note_is_audited_and_a_refused_one_is_not(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    await set_clock(client, "2026-05-02T06:00:00+00:00")
    account_id, _ = await april_and_may(settings, client)
    await _billed(client, {})
    [invoice] = await invoices_of(client, account_id)
    correlation_id, header = correlated()
    refused = await client.post(f"/v1/invoices/{invoice['id']}/credit-notes",
                                json={"amount": "99.00", "reason": "too much"},
                                headers=operator() | header)
    assert refused.status_code == 422, refused.text
    credited = await client.post(f"/v1/invoices/{invoice['id']}/credit-notes",
                                 json={"amount": "12.00", "reason": "outage"},
                                 headers=operator() | header)
    assert credited.status_code == 201, credited.text
    [_issued, note] = await audit_rows(client, "invoice", invoice["id"])
    assert (note["action"], note["actor"]) == ("credit_note.issued", OPERATOR)
    assert note["correlation_id"] == correlation_id
    assert note["before"] == {"status": "issued"}
    assert note["after"]["status"] == "credited"
    assert note["after"]["credit_note"]["amount"] == "12.00"
    assert note["after"]["credit_note"]["id"] == credited.json()["id"]
