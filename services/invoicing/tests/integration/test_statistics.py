"""An account's statistics: per month, charges by service type, usage and money received, as the
ledger holds them and as the invoice states them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import httpx
from invoicing.settings import InvoicingSettings
from tarifa.messaging.catalogue import EventData, FeeCharged, RefundSucceeded
from tarifa.messaging.envelope import new_event
from tarifa.testing.events import publish_event, publish_raw

from .world import (
    balance_becomes,
    invoices_of,
    is_problem,
    item,
    open_account,
    operator,
    payment,
    run_billing,
    set_clock,
    subscriber,
    usage,
)

APRIL, MAY = date(2026, 4, 15), date(2026, 5, 10)
ZERO_CHARGES = {"voice": "0.00", "sms": "0.00", "mms": "0.00", "data": "0.00", "fees": "0.00",
                "other": "0.00"}


async def _publish_at(settings: InvoicingSettings, data: EventData, at: datetime) -> None:
    """An event as payments sends it at ``at`` (the ledger dates payments by their event)."""
    event = new_event("payments", data.routing_key, data, now=at, subject=None)
    await publish_raw(settings.amqp_url, data.routing_key, event.model_dump_json().encode(),
                      event.id)


def _fee(account_id: str, msisdn: str, day: date, net: str, vat: str) -> FeeCharged:
    return FeeCharged(account_id=account_id, msisdn=msisdn, kind="monthly", period_date=day,
                      net=Decimal(net), vat=Decimal(vat), gross=Decimal(net) + Decimal(vat),
                      currency="MDL")


async def _busy_account(client: httpx.AsyncClient, settings: InvoicingSettings) -> str:
    """April: 12.00 of SMS, 7.20 of voice, a payment of 50.00; May: 24.00 of SMS, 6.00 of data,
    a 120.00 fee, a payment of 80.00 of which 30.00 refunded."""
    account_id, msisdn = await open_account(settings, client, connected=date(2026, 3, 1))
    await publish_event(settings.amqp_url, usage(
        account_id, item(msisdn, "sms", 20, "10.00", "2.00", APRIL),
        item(msisdn, "voice", 600, "6.00", "1.20", APRIL),
        item(msisdn, "sms", 40, "20.00", "4.00", MAY),
        item(msisdn, "data", 1_048_576, "5.00", "1.00", MAY)))
    await publish_event(settings.amqp_url, _fee(account_id, msisdn, date(2026, 5, 1), "100.00",
                                                "20.00"))
    await balance_becomes(client, account_id, "-169.20")
    await _publish_at(settings, payment(account_id, "50.00"), datetime(2026, 4, 20, 9, tzinfo=UTC))
    paid = payment(account_id, "80.00")
    await _publish_at(settings, paid, datetime(2026, 5, 12, 9, tzinfo=UTC))
    await balance_becomes(client, account_id, "-39.20")
    await _publish_at(settings, RefundSucceeded(
        payment_id=paid.payment_id, refund_id=str(uuid.uuid4()), account_id=account_id,
        amount=Decimal("30.00"), currency="MDL"), datetime(2026, 5, 14, 9, tzinfo=UTC))
    await balance_becomes(client, account_id, "-69.20")
    return account_id


async def _statistics(client: httpx.AsyncClient, account_id: str, **params: Any
                      ) -> dict[str, Any]:
    response = await client.get(f"/v1/accounts/{account_id}/statistics", params=params,
                                headers=operator())
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def _usage(month: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {row["type"]: (row["quantity"], row["unit"]) for row in month["usage"]}


async def test_each_month_shows_its_charges_by_type_its_usage_and_its_payments(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    await set_clock(client, "2026-05-20T12:00:00Z")
    account_id = await _busy_account(client, settings)
    found = await _statistics(client, account_id, months=3)
    assert (found["account_id"], found["currency"]) == (account_id, "MDL")
    march, april, may = found["months"]
    assert [m["month"] for m in found["months"]] == ["2026-03", "2026-04", "2026-05"]
    assert march["charges"] == ZERO_CHARGES and march["total_charges"] == "0.00"
    assert (march["payments"], march["refunds"], march["credits"]) == ("0.00", "0.00", "0.00")
    assert april["charges"] == ZERO_CHARGES | {"sms": "12.00", "voice": "7.20"}
    assert (april["total_charges"], april["payments"], april["refunds"]) == (
        "19.20", "50.00", "0.00")
    assert may["charges"] == ZERO_CHARGES | {"sms": "24.00", "data": "6.00", "fees": "120.00"}
    assert (may["total_charges"], may["payments"], may["refunds"]) == ("150.00", "80.00", "30.00")
    assert _usage(april) == {"voice": ("600", "second"), "sms": ("20", "message"),
                             "mms": ("0", "message"), "data": ("0", "byte")}
    assert _usage(may)["data"] == ("1048576", "byte") and _usage(may)["sms"] == ("40", "message")


async def test_the_figures_add_up_to_the_ledger_and_to_the_invoice(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    await set_clock(client, "2026-05-20T12:00:00Z")
    account_id = await _busy_account(client, settings)
    months = (await _statistics(client, account_id))["months"]
    ledger = (await client.get(f"/v1/accounts/{account_id}/ledger", headers=operator())).json()
    charged = -sum(Decimal(r["amount"]) for r in ledger if r["kind"] == "charge")
    received = sum(Decimal(r["amount"]) for r in ledger if r["kind"] == "payment")
    assert sum(Decimal(m["total_charges"]) for m in months) == charged == Decimal("169.20")
    assert sum(Decimal(m["payments"]) for m in months) == received == Decimal("130.00")
    await run_billing(client, "2026-04-30")
    april_invoice, = await invoices_of(client, account_id)
    april = next(m for m in months if m["month"] == "2026-04")
    assert april_invoice["total_charges"] == april["total_charges"]
    assert april_invoice["total_paid"] == april["payments"]


async def test_the_window_ends_with_the_current_month_and_defaults_to_twelve(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    await set_clock(client, "2027-02-03T12:00:00Z")
    account_id, _ = await open_account(settings, client)
    months = (await _statistics(client, account_id))["months"]
    assert [m["month"] for m in months][::11] == ["2026-03", "2027-02"] and len(months) == 12
    assert all(m["charges"] == ZERO_CHARGES and m["payments"] == "0.00" for m in months)
    assert len((await _statistics(client, account_id, months=24))["months"]) == 24


async def test_a_subscriber_reads_its_own_statistics_only(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    account_id, _ = await open_account(settings, client)
    other_id, _ = await open_account(settings, client)
    path = f"/v1/accounts/{account_id}/statistics"
    assert (await client.get(path, headers=subscriber(account_id))).status_code == 200
    assert is_problem(await client.get(path, headers=subscriber(other_id)), 404)


async def test_unknown_accounts_and_bad_windows_are_problems(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    account_id, _ = await open_account(settings, client)
    unknown = await client.get(f"/v1/accounts/{uuid.uuid4()}/statistics", headers=operator())
    assert is_problem(unknown, 404)
    for months in ("0", "25", "-1", "twelve", "1e3"):
        response = await client.get(f"/v1/accounts/{account_id}/statistics",
                                    params={"months": months}, headers=operator())
        assert is_problem(response, 422), (months, response.text)
