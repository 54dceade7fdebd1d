"""Billing runs on the real PostgreSQL and RabbitMQ: statements, numbers, payments, access."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import httpx
from invoicing.settings import InvoicingSettings
from tarifa.testing.events import publish_event, tap_events

from ..conftest import StubRenderer
from .world import (
    balance_becomes,
    eventually,
    invoices_of,
    item,
    open_account,
    operator,
    payment,
    run_billing,
    set_clock,
    subscriber,
    usage,
)

JUNE_FIRST = "2026-06-01T06:00:00+00:00"
INVOICE_KEYS = {"id", "number", "account_id", "period_start", "period_end", "issued_at",
                "due_date", "currency", "opening_balance", "lines", "total_charges", "vat_total",
                "total_paid", "closing_balance", "amount_due", "status", "vat_rates"}
LINE_KEYS = {"msisdn", "type", "description", "quantity", "unit", "net", "vat", "gross",
             "late", "usage_date"}
MONEY = ("opening_balance", "total_charges", "vat_total", "total_paid", "closing_balance",
         "amount_due")


def _amounts(invoice: dict[str, Any]) -> dict[str, Decimal]:
    return {key: Decimal(invoice[key]) for key in MONEY}


async def _may_usage(settings: InvoicingSettings, client: httpx.AsyncClient) -> tuple[str, str]:
    account_id, msisdn = await open_account(settings, client, connected=date(2026, 5, 1))
    day = date(2026, 5, 20)
    await publish_event(settings.amqp_url, usage(
        account_id, item(msisdn, "sms", 40, "20.00", "4.00", day),
        item(msisdn, "voice", 2400, "18.00", "3.60", day),
        item(msisdn, "voice", 1200, "18.00", "3.60", date(2026, 5, 21), direction="in"),
        item(msisdn, "data", 20_971_520, "2.00", "0.40", day),
        item(msisdn, "sms", 1, "0.50", "0.10", date(2026, 6, 1))))
    await balance_becomes(client, account_id, "-70.20")
    return account_id, msisdn


async def test_a_run_issues_a_statement_whose_identity_holds_exactly(
    client: httpx.AsyncClient, settings: InvoicingSettings, renderer: StubRenderer
) -> None:
    await set_clock(client, JUNE_FIRST)
    async with tap_events(settings.amqp_url, ["invoicing.invoice.issued"]) as tap:
        account_id, msisdn = await _may_usage(settings, client)
        run = await run_billing(client, "2026-05-31")
        [issued] = await tap.wait_for("invoicing.invoice.issued", account_id=account_id)
    assert (run["status"], run["accounts"], run["issued"], run["skipped"]) == (
        "completed", 1, 1, 0)
    [listed] = await invoices_of(client, account_id)
    invoice = (await client.get(f"/v1/invoices/{listed['id']}", headers=operator())).json()
    assert set(invoice) == INVOICE_KEYS and all(set(line) == LINE_KEYS for line in invoice["lines"])
    assert (invoice["number"], invoice["period_start"], invoice["period_end"],
            invoice["due_date"], invoice["status"]) == (
        "TRF-2026-000001", "2026-05-01", "2026-05-31", "2026-06-16", "issued")
    amounts = _amounts(invoice)
    assert amounts["closing_balance"] == (
        amounts["opening_balance"] + amounts["total_charges"] - amounts["total_paid"])
    assert (invoice["total_charges"], invoice["vat_total"], invoice["amount_due"]) == (
        "69.60", "11.60", "69.60")
    assert [(line["msisdn"], line["type"], line["quantity"], line["gross"])
            for line in invoice["lines"]] == [
        (msisdn, "data", "20971520", "2.40"), (msisdn, "sms", "40", "24.00"),
        (msisdn, "voice", "3600", "43.20")]
    assert issued.data["number"] == "TRF-2026-000001" and issued.data["amount_due"] == "69.60"
    assert issued.data["invoice_id"] == invoice["id"] and issued.data["due_date"] == "2026-06-16"
    assert renderer.rendered == [invoice["id"]]


async def test_the_stored_document_is_served_the_same_every_time(
    client: httpx.AsyncClient, settings: InvoicingSettings, renderer: StubRenderer
) -> None:
    await set_clock(client, JUNE_FIRST)
    account_id, _ = await _may_usage(settings, client)
    await run_billing(client, "2026-05-31")
    [invoice] = await invoices_of(client, account_id)
    path = f"/v1/invoices/{invoice['id']}/pdf"
    first = await client.get(path, headers=operator())
    again = await client.get(path, headers=subscriber(account_id))
    assert first.status_code == 200 and first.headers["content-type"] == "application/pdf"
    assert first.content == again.content and invoice["number"].encode() in first.content
    await run_billing(client, "2026-05-31")
    assert (await client.get(path, headers=operator())).content == first.content
    assert len(renderer.rendered) == 1
    for other in (f"/v1/invoices/{invoice['id']}", path):
        response = await client.get(other, headers=subscriber("someone-else"))
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert (await client.get(other)).status_code == 401
    assert (await client.get("/v1/invoices/nope/pdf", headers=operator())).status_code == 404


async def _april_and_may(settings: InvoicingSettings, client: httpx.AsyncClient) -> str:
    account_id, msisdn = await open_account(settings, client, connected=date(2026, 4, 1))
    await publish_event(settings.amqp_url, usage(
        account_id, item(msisdn, "sms", 20, "10.00", "2.00", date(2026, 4, 15)),
        item(msisdn, "sms", 40, "20.00", "4.00", date(2026, 5, 15))))
    await balance_becomes(client, account_id, "-36.00")
    return account_id


async def test_numbers_are_gapless_across_accounts_and_runs_and_a_rerun_issues_nothing(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    await set_clock(client, JUNE_FIRST)
    first, second = [await _april_and_may(settings, client) for _ in range(2)]
    april = await run_billing(client, "2026-04-30")
    may = await run_billing(client, "2026-05-31")
    rerun = await run_billing(client, "2026-05-31")
    chosen = await run_billing(client, "2026-05-31", account_ids=[first, "unknown"])
    assert [(r["issued"], r["skipped"]) for r in (april, may, rerun, chosen)] == [
        (2, 0), (2, 0), (0, 2), (0, 2)]
    invoices = [*await invoices_of(client, first), *await invoices_of(client, second)]
    assert sorted(i["number"] for i in invoices) == [f"TRF-2026-{n:06d}" for n in range(1, 5)]
    for account_id in (first, second):
        newest, oldest = await invoices_of(client, account_id)
        assert (oldest["period_start"], newest["period_start"]) == ("2026-04-01", "2026-05-01")
        assert newest["opening_balance"] == oldest["closing_balance"] == "12.00"
        assert (newest["total_charges"], newest["amount_due"]) == ("24.00", "36.00")


async def test_payments_settle_the_oldest_invoice_first(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    await set_clock(client, JUNE_FIRST)
    account_id = await _april_and_may(settings, client)
    await run_billing(client, "2026-04-30")
    await run_billing(client, "2026-05-31")
    may, april = await invoices_of(client, account_id)
    async with tap_events(settings.amqp_url, ["invoicing.invoice.paid"]) as tap:
        await publish_event(settings.amqp_url, payment(account_id, "20.00"))
        await balance_becomes(client, account_id, "-16.00")
        [paid] = await tap.wait_for("invoicing.invoice.paid", account_id=account_id)
        assert paid.data["invoice_id"] == april["id"]
        assert [i["status"] for i in await invoices_of(client, account_id)] == [
            "partially_paid", "paid"]
        await publish_event(settings.amqp_url, payment(account_id, "16.00"))
        events = await tap.wait_for("invoicing.invoice.paid", count=2, account_id=account_id)
    assert [e.data["invoice_id"] for e in events] == [april["id"], may["id"]]
    await balance_becomes(client, account_id, "0.00")
    assert [i["status"] for i in await invoices_of(client, account_id)] == ["paid", "paid"]


async def test_an_unpaid_invoice_becomes_overdue_when_the_clock_passes_its_due_date(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    await set_clock(client, JUNE_FIRST)
    account_id = await _april_and_may(settings, client)
    await run_billing(client, "2026-05-31")
    async with tap_events(settings.amqp_url, ["invoicing.invoice.overdue"]) as tap:
        await set_clock(client, "2026-06-16T12:00:00+00:00")
        [invoice] = await invoices_of(client, account_id)
        assert invoice["status"] == "issued"
        await set_clock(client, "2026-06-17T00:30:00+00:00")
        [event] = await tap.wait_for("invoicing.invoice.overdue", account_id=account_id)
    assert event.data["invoice_id"] == invoice["id"]
    await eventually(lambda: client.get(f"/v1/invoices/{invoice['id']}", headers=operator()),
                     lambda r: r.json()["status"] == "overdue")


async def test_a_run_needs_an_operator_and_the_end_of_a_past_month(
    client: httpx.AsyncClient,
) -> None:
    await set_clock(client, JUNE_FIRST)
    for period_end in ("2026-05-30", "2026-06-30", "2026-02-29", "31.05.2026", ""):
        response = await client.post("/v1/billing-runs", json={"period_end": period_end},
                                     headers=operator())
        assert response.status_code == 422, period_end
        assert response.headers["content-type"] == "application/problem+json"
        assert "period_end" in response.text
    extra = await client.post("/v1/billing-runs", headers=operator(),
                              json={"period_end": "2026-05-31", "account_ids": []})
    assert extra.status_code == 422
    body = {"period_end": "2026-05-31"}
    assert (await client.post("/v1/billing-runs", json=body)).status_code == 401
    refused = await client.post("/v1/billing-runs", json=body, headers=subscriber("a"))
    assert refused.status_code == 403
    assert (await client.get("/v1/billing-runs/nope", headers=operator())).status_code == 404
