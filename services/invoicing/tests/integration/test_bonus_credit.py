"""Bonus points redeemed in accounts: a credit in the ledger, allocated like a payment, once."""

from __future__ import annotations

from decimal import Decimal

import httpx
from invoicing.settings import InvoicingSettings
from tarifa.messaging.catalogue import BonusRedeemed
from tarifa.testing.events import publish_event

from .world import (
    april_and_may,
    balance_becomes,
    eventually,
    invoices_of,
    open_account,
    operator,
    run_billing,
    set_clock,
)


def _redeemed(account_id: str, credit: str | None, currency: str | None = "MDL") -> BonusRedeemed:
    return BonusRedeemed(account_id=account_id, points=300, reason="redemption",
                         credit=Decimal(credit) if credit else None, currency=currency)


async def test_a_redemption_credits_the_account_and_settles_its_open_invoice(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    await set_clock(client, "2026-06-01T06:00:00+00:00")
    account_id, _ = await april_and_may(settings, client)
    await run_billing(client, "2026-05-31")
    [invoice] = await invoices_of(client, account_id)
    event = await publish_event(settings.amqp_url, _redeemed(account_id, "36.00"))
    await publish_event(settings.amqp_url, _redeemed(account_id, "36.00"), event_id=event.id)
    await balance_becomes(client, account_id, "0.00")
    settled = await eventually(
        lambda: client.get(f"/v1/invoices/{invoice['id']}", headers=operator()),
        lambda r: r.json()["status"] == "paid")
    assert settled.json()["amount_due"] == "36.00"
    ledger = (await client.get(f"/v1/accounts/{account_id}/ledger", headers=operator())).json()
    credits = [(r["kind"], r["type"], r["amount"]) for r in ledger if r["kind"] == "credit"]
    assert credits == [("credit", "bonus", "36.00")]


async def test_a_worthless_or_foreign_redemption_moves_nothing(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    account_id, _ = await open_account(settings, client)
    await publish_event(settings.amqp_url, _redeemed(account_id, None))
    await publish_event(settings.amqp_url, _redeemed(account_id, "10.00", currency="EUR"))
    await publish_event(settings.amqp_url, _redeemed(account_id, "-5.00"))
    await publish_event(settings.amqp_url, _redeemed(account_id, "2.50"))
    await balance_becomes(client, account_id, "2.50")
    ledger = (await client.get(f"/v1/accounts/{account_id}/ledger", headers=operator())).json()
    assert [r["amount"] for r in ledger] == ["2.50"]
