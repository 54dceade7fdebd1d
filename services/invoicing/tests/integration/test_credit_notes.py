"""Credit notes over HTTP on the real PostgreSQL and RabbitMQ: series, ledger, allocation,
invoice status, documents, refusals and Idempotency-Key."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
from invoicing.adapters.tables import credit_notes
from invoicing.settings import InvoicingSettings
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine
from tarifa.testing.events import publish_event, tap_events

from ..conftest import StubRenderer
from .world import (
    april_and_may,
    balance_becomes,
    eventually,
    invoices_of,
    is_problem,
    operator,
    payment,
    run_billing,
    set_clock,
    subscriber,
)

JUNE_FIRST = "2026-06-01T06:00:00+00:00"
NOTE_KEYS = {"id", "number", "invoice_id", "amount", "currency", "reason", "issued_at"}


async def _billed(settings: InvoicingSettings, client: httpx.AsyncClient) -> tuple[str, dict[
        str, Any], dict[str, Any]]:
    """An account with its April (12.00) and May (24.00) invoices, both open."""
    await set_clock(client, JUNE_FIRST)
    account_id, _ = await april_and_may(settings, client)
    await run_billing(client, "2026-04-30")
    await run_billing(client, "2026-05-31")
    may, april = await invoices_of(client, account_id)
    return account_id, april, may


async def _credit(client: httpx.AsyncClient, invoice_id: str, amount: str, reason: str = "outage",
                  **headers: str) -> httpx.Response:
    return await client.post(f"/v1/invoices/{invoice_id}/credit-notes",
                             json={"amount": amount, "reason": reason},
                             headers=operator() | headers)


async def test_credit_notes_credit_the_ledger_and_the_invoice_in_their_own_series(
    client: httpx.AsyncClient, settings: InvoicingSettings, renderer: StubRenderer
) -> None:
    account_id, _april, may = await _billed(settings, client)
    async with tap_events(settings.amqp_url, ["invoicing.balance.changed"]) as tap:
        first = await _credit(client, may["id"], "10.00", "network outage 12-14 May")
        assert first.status_code == 201, first.text
        [change] = await tap.wait_for("invoicing.balance.changed", account_id=account_id,
                                      cause="credit_note")
    note = first.json()
    assert set(note) == NOTE_KEYS
    assert (note["number"], note["invoice_id"], note["amount"], note["currency"]) == (
        "TRC-2026-000001", may["id"], "10.00", "MDL")
    assert change.data["balance"] == "-26.00"
    assert [i["status"] for i in await invoices_of(client, account_id)] == [
        "partially_paid", "issued"]
    second = await _credit(client, may["id"], "14.00")
    assert second.json()["number"] == "TRC-2026-000002"
    await balance_becomes(client, account_id, "-12.00")
    assert [i["status"] for i in await invoices_of(client, account_id)] == ["credited", "issued"]
    ledger = (await client.get(f"/v1/accounts/{account_id}/ledger", headers=operator())).json()
    credits = [(r["kind"], r["type"], r["amount"], r["reference"]) for r in ledger
               if r["kind"] == "credit"]
    assert credits == [("credit", "credit_note", "10.00", "TRC-2026-000001"),
                       ("credit", "credit_note", "14.00", "TRC-2026-000002")]
    fetched = await client.get(f"/v1/credit-notes/{note['id']}", headers=subscriber(account_id))
    assert fetched.json() == note
    pdf = await eventually(
        lambda: client.get(f"/v1/credit-notes/{note['id']}/pdf", headers=operator()),
        lambda r: r.status_code == 200)
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-1.7 credit_note TRC-2026-000001")
    [document] = [s for s in renderer.statements if s.invoice_id == note["id"]]
    # VAT in the invoice's proportion: 10.00 × 4.00 / 24.00, rounded half up.
    assert (document.total_charges, document.vat_total, document.amount_due) == (
        Decimal("-10.00"), Decimal("-1.67"), 0)
    assert document.lines[0].vat == document.vat_total
    assert document.lines[0].description == f"{may['number']}: network outage 12-14 May"


async def test_a_credit_of_a_paid_invoice_goes_to_the_other_open_invoices(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    account_id, april, _may = await _billed(settings, client)
    await publish_event(settings.amqp_url, payment(account_id, "12.00"))
    await balance_becomes(client, account_id, "-24.00")
    assert [i["status"] for i in await invoices_of(client, account_id)] == ["issued", "paid"]
    assert (await _credit(client, april["id"], "12.00")).status_code == 201
    await balance_becomes(client, account_id, "-12.00")
    assert [i["status"] for i in await invoices_of(client, account_id)] == [
        "partially_paid", "credited"]


async def test_refused_credits_change_nothing_and_take_no_number(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    account_id, april, may = await _billed(settings, client)
    path = f"/v1/invoices/{may['id']}/credit-notes"
    for amount in ("24.01", "0", "0.00", "-1.00", "1.234", "abc", "", "1e3"):
        assert is_problem(await _credit(client, may["id"], amount), 422), amount
    for body in ({"amount": "1.00"}, {"amount": "1.00", "reason": " "},
                 {"amount": 1, "reason": "x"}, {"amount": "1.00", "reason": "x", "extra": 1}):
        assert is_problem(await client.post(path, json=body, headers=operator()), 422), body
    assert is_problem(await _credit(client, "no-such-invoice", "1.00"), 404)
    body = {"amount": "1.00", "reason": "x"}
    assert is_problem(await client.post(path, json=body, headers=subscriber(account_id)), 403)
    assert is_problem(await client.post(path, json=body), 401)
    assert is_problem(await client.get("/v1/credit-notes/nope", headers=operator()), 404)
    await balance_becomes(client, account_id, "-36.00")
    assert [i["status"] for i in await invoices_of(client, account_id)] == ["issued", "issued"]
    taken = await _credit(client, may["id"], "24.00")
    assert taken.json()["number"] == "TRC-2026-000001"
    assert is_problem(await _credit(client, may["id"], "0.01"), 422)
    other = await client.get(f"/v1/credit-notes/{taken.json()['id']}",
                             headers=subscriber("someone-else"))
    assert is_problem(other, 404)
    assert (await _credit(client, april["id"], "12.00")).json()["number"] == "TRC-2026-000002"


async def _credit_notes_of(settings: InvoicingSettings, invoice_id: str) -> int:
    engine = create_async_engine(settings.dsn)
    try:
        async with engine.connect() as conn:
            return int(await conn.scalar(select(func.count()).select_from(credit_notes).where(
                credit_notes.c.invoice_id == invoice_id)) or 0)
    finally:
        await engine.dispose()


async def test_an_idempotency_key_gives_the_first_answer_again_and_refuses_another_body(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    account_id, _april, may = await _billed(settings, client)
    key = {"Idempotency-Key": "credit-may-1"}
    first, again = [await _credit(client, may["id"], "5.00", **key) for _ in range(2)]
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert is_problem(await _credit(client, may["id"], "6.00", **key), 422)
    assert await _credit_notes_of(settings, may["id"]) == 1
    await balance_becomes(client, account_id, "-31.00")


async def test_a_request_in_flight_with_the_same_key_is_refused(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    _account_id, _april, may = await _billed(settings, client)
    engine = create_async_engine(settings.dsn)
    scope_key = f"credit:{may['id']}\nheld-key"
    try:
        async with engine.connect() as holder:
            await holder.execute(select(func.pg_advisory_lock(func.hashtext(scope_key))))
            held = await _credit(client, may["id"], "5.00", **{"Idempotency-Key": "held-key"})
            await holder.execute(select(func.pg_advisory_unlock(func.hashtext(scope_key))))
    finally:
        await engine.dispose()
    assert is_problem(held, 409)
    assert await _credit_notes_of(settings, may["id"]) == 0
    released = await _credit(client, may["id"], "5.00", **{"Idempotency-Key": "held-key"})
    assert released.status_code == 201
