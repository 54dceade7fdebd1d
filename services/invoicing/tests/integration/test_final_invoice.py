"""The final invoice of a closed account on the real PostgreSQL and RabbitMQ: issued at once up
to the closing day, a fee credit arriving later stated once on the closing month's invoice,
then no invoice any more."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import httpx
from invoicing.settings import InvoicingSettings
from tarifa.messaging.catalogue import AccountClosed, FeeCharged
from tarifa.testing.events import publish_event, tap_events

from .world import (
    balance_becomes,
    invoices_of,
    item,
    open_account,
    operator,
    run_billing,
    set_clock,
    usage,
)

D = Decimal


def _fee(account_id: str, msisdn: str, kind: str, day: date, net: str, vat: str) -> FeeCharged:
    return FeeCharged(account_id=account_id, msisdn=msisdn, kind=kind, period_date=day,
                      net=D(net), vat=D(vat), gross=D(net) + D(vat), currency="MDL",
                      vat_rate=D("0.20"))


async def test_a_closed_account_gets_its_final_invoice_at_once_and_nothing_after_its_month(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    await set_clock(client, "2026-06-10T09:00:00+00:00")
    account_id, msisdn = await open_account(settings, client, connected=date(2026, 5, 1))
    await publish_event(settings.amqp_url, usage(
        account_id, item(msisdn, "sms", 20, "10.00", "2.00", date(2026, 5, 15))))
    await publish_event(settings.amqp_url, _fee(account_id, msisdn, "monthly", date(2026, 6, 1),
                                                "100.00", "20.00"))
    await balance_becomes(client, account_id, "-132.00")
    sim = await client.post(f"/v1/accounts/{account_id}/charges", headers=operator(), json={
        "description": "SIM card not returned", "amount": "50.00", "vat_rate": "0.20"})
    assert sim.status_code == 201, sim.text
    async with tap_events(settings.amqp_url, ["invoicing.invoice.issued"]) as tap:
        await publish_event(settings.amqp_url, AccountClosed(
            account_id=account_id, closed_at=datetime(2026, 6, 10, 8, tzinfo=UTC),
            closed_on=date(2026, 6, 10), reason="contract ended"))
        [issued] = await tap.wait_for("invoicing.invoice.issued", account_id=account_id)
    [final] = await invoices_of(client, account_id)
    assert (final["period_start"], final["period_end"], final["due_date"]) == (
        "2026-05-01", "2026-06-10", "2026-07-16")
    assert (final["total_charges"], final["vat_total"], final["amount_due"]) == (
        "192.00", "32.00", "192.00")
    assert sorted((line["type"], line["gross"]) for line in final["lines"]) == [
        ("fee", "120.00"), ("one_off", "60.00"), ("sms", "12.00")]
    assert (issued.data["number"], issued.data["period_end"]) == (final["number"], "2026-06-10")
    # rating credits the days after the closing day of the June fee charged ahead
    await publish_event(settings.amqp_url, _fee(account_id, msisdn, "monthly_adjustment",
                                                date(2026, 6, 10), "-66.67", "-13.334"))
    await balance_becomes(client, account_id, "-112.00")
    await set_clock(client, "2026-07-01T06:00:00+00:00")
    await run_billing(client, "2026-06-30")
    june, _ = await invoices_of(client, account_id)
    assert (june["period_start"], june["period_end"], june["total_charges"]) == (
        "2026-06-11", "2026-06-30", "-80.00")
    assert [(line["gross"], line["late"], line["usage_date"]) for line in june["lines"]] == [
        ("-80.00", True, "2026-06-10")]
    await set_clock(client, "2026-08-01T06:00:00+00:00")
    await run_billing(client, "2026-07-31")
    assert len(await invoices_of(client, account_id)) == 2
