"""Refunds from payments into the ledger: a debit that names its payment, never more than the
payment, once per event, and never left to settle an invoice afterwards."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
from invoicing.settings import InvoicingSettings
from tarifa.messaging.catalogue import RefundSucceeded
from tarifa.testing.events import publish_event, tap_events

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
    usage,
)


def _refund(account_id: str, payment_id: str, amount: str) -> RefundSucceeded:
    return RefundSucceeded(payment_id=payment_id, refund_id=str(uuid.uuid4()),
                           account_id=account_id, amount=Decimal(amount), currency="MDL")


async def _ledger(client: httpx.AsyncClient, account_id: str) -> list[dict[str, Any]]:
    response = await client.get(f"/v1/accounts/{account_id}/ledger", headers=operator())
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()
    return rows


async def test_a_refund_debits_the_account_and_names_its_payment(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    account_id, _ = await open_account(settings, client)
    paid = payment(account_id, "100.00")
    async with tap_events(settings.amqp_url, ["invoicing.balance.changed"]) as tap:
        await publish_event(settings.amqp_url, paid)
        await balance_becomes(client, account_id, "100.00")
        refund = _refund(account_id, paid.payment_id, "40.00")
        await publish_event(settings.amqp_url, refund)
        await balance_becomes(client, account_id, "60.00")
        changes = await tap.wait_for("invoicing.balance.changed", count=2, account_id=account_id)
    assert [(c.data["balance"], c.data["cause"]) for c in changes] == [
        ("100.00", "payment"), ("60.00", "refund")]
    rows = {r["kind"]: r for r in await _ledger(client, account_id)}
    assert (rows["refund"]["amount"], rows["refund"]["reference"]) == ("-40.00", refund.refund_id)
    assert rows["refund"]["reverses"] == rows["payment"]["id"]
    assert rows["refund"]["channel"] == rows["payment"]["channel"] == "cash"


async def test_a_redelivered_refund_counts_once_and_one_beyond_the_payment_is_refused(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    account_id, _ = await open_account(settings, client)
    paid = payment(account_id, "50.00")
    await publish_event(settings.amqp_url, paid)
    first = await publish_event(settings.amqp_url, _refund(account_id, paid.payment_id, "30.00"))
    await publish_event(settings.amqp_url, _refund(account_id, paid.payment_id, "30.00"),
                        event_id=first.id)
    await publish_event(settings.amqp_url, _refund(account_id, paid.payment_id, "30.00"))
    await publish_event(settings.amqp_url, _refund(account_id, paid.payment_id, "20.00"))
    # Had the second 30.00 been taken, 20.00 would exceed what is left and the balance stay -10.00.
    await balance_becomes(client, account_id, "0.00")
    refunds = [r["amount"] for r in await _ledger(client, account_id) if r["kind"] == "refund"]
    assert sorted(refunds) == ["-20.00", "-30.00"]


async def test_a_refunded_advance_does_not_settle_the_next_invoice(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    await set_clock(client, "2026-06-01T06:00:00+00:00")
    account_id, msisdn = await open_account(settings, client)
    await publish_event(settings.amqp_url, usage(
        account_id, item(msisdn, "sms", 60, "30.00", "6.00", date(2026, 5, 15))))
    await balance_becomes(client, account_id, "-36.00")
    paid = payment(account_id, "100.00")  # dated today: after May, an advance for later invoices
    await publish_event(settings.amqp_url, paid)
    await publish_event(settings.amqp_url, _refund(account_id, paid.payment_id, "100.00"))
    await balance_becomes(client, account_id, "-36.00")
    await run_billing(client, "2026-05-31")
    [invoice] = await invoices_of(client, account_id)
    await eventually(lambda: client.get(f"/v1/invoices/{invoice['id']}/pdf", headers=operator()),
                     lambda r: r.status_code == 200)
    again = (await client.get(f"/v1/invoices/{invoice['id']}", headers=operator())).json()
    assert (again["amount_due"], again["status"]) == ("36.00", "issued")
