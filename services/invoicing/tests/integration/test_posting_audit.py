"""Ledger postings of charges are audited: one row per account of each usage batch, re-rating
difference or fee, by its consumer, under the event's correlation id, with what was posted per
currency; a refused or repeated event leaves none."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
from invoicing.settings import InvoicingSettings
from tarifa.messaging.catalogue import (
    AccountUsage,
    FeeCharged,
    RerateItem,
    UsageRated,
    UsageRerated,
    UsageTotals,
)
from tarifa.messaging.dead_letters import dead_letter_depths
from tarifa.testing.audit import audit_rows
from tarifa.testing.events import publish_event

from .world import balance_becomes, eventually, item, open_account, operator, usage

D = Decimal
MAY = date(2026, 5, 10)


def _consumer(queue: str) -> dict[str, str]:
    return {"subject": queue, "role": "system"}


def _totals(net: str, vat: str, gross: str, entries: int) -> dict[str, Any]:
    return {"MDL": {"entries": entries, "net": net, "vat": vat, "gross": gross,
                    "amount": f"-{gross}"}}


async def _rows(client: httpx.AsyncClient, account_id: str) -> list[dict[str, Any]]:
    return await audit_rows(client, "account", account_id)


async def _dead_lettered(settings: InvoicingSettings, queue: str, before: int) -> None:
    async def depth() -> int:
        return (await dead_letter_depths(settings.amqp_url, [queue]))[queue]

    for _ in range(200):
        if await depth() > before:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"nothing was dead-lettered from {queue}")


async def test_a_usage_batch_leaves_one_row_per_account_and_a_repeat_none(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    first, one = await open_account(settings, client)
    second, two = await open_account(settings, client)
    assert await _rows(client, first) == [], "opening an account posts nothing"
    alone = usage(first, item(one, "sms", 3, "1.50", "0.30", MAY))
    batch = UsageRated(batch_id=str(uuid.uuid4()), accounts=[*alone.accounts, AccountUsage(
        account_id=second, currency="MDL", totals=UsageTotals(net=D("2.25"), vat=D("0.45"),
                                                               gross=D("2.70")),
        items=[item(two, "voice", 60, "1.00", "0.20", MAY),
               item(two, "sms", 2, "1.25", "0.25", MAY)])])
    event = await publish_event(settings.amqp_url, batch)
    await balance_becomes(client, second, "-2.70")
    await balance_becomes(client, first, "-1.80")
    await publish_event(settings.amqp_url, batch, event_id=event.id)
    await publish_event(settings.amqp_url, usage(second, item(two, "sms", 1, "0.50", "0.10",
                                                              MAY)))
    await balance_becomes(client, second, "-3.30")
    [row] = await _rows(client, first)
    assert (row["action"], row["actor"], row["target_id"]) == (
        "usage.posted", _consumer("invoicing.usage-rated"), first)
    assert row["correlation_id"] == event.correlation_id
    assert row["before"] is None
    assert row["after"] == {"event_id": event.id, "reference": batch.batch_id,
                            "totals": _totals("1.50", "0.30", "1.80", 1)}
    posted, later = await _rows(client, second)
    assert posted["after"]["totals"] == _totals("2.25", "0.45", "2.70", 2)
    assert posted["correlation_id"] == event.correlation_id != later["correlation_id"]


async def test_a_fee_and_a_rerating_difference_are_audited(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    account_id, msisdn = await open_account(settings, client)
    fee = await publish_event(settings.amqp_url, FeeCharged(
        account_id=account_id, msisdn=msisdn, kind="monthly", period_date=date(2026, 5, 1),
        net=D("100.00"), vat=D("20.00"), gross=D("120.00"), currency="MDL",
        vat_rate=D("0.20")))
    await balance_becomes(client, account_id, "-120.00")
    run_id = str(uuid.uuid4())
    rerated = await publish_event(settings.amqp_url, UsageRerated(
        account_id=account_id, run_id=run_id, currency="MDL", difference_net=D("-0.50"),
        difference_gross=D("-0.60"), items=[RerateItem(
            msisdn=msisdn, type="sms", direction="out", quantity=1, net=D("-0.50"),
            vat=D("-0.10"), gross=D("-0.60"), usage_date=MAY, vat_rate=D("0.20"),
            old_net=D("0.50"), new_net=D("0"), old_gross=D("0.60"), new_gross=D("0"))]))
    await balance_becomes(client, account_id, "-119.40")
    charged, difference = await _rows(client, account_id)
    assert (charged["action"], charged["actor"], charged["correlation_id"]) == (
        "fee.posted", _consumer("invoicing.fee-charged"), fee.correlation_id)
    assert charged["after"]["totals"] == _totals("100.00", "20.00", "120.00", 1)
    assert charged["after"]["reference"] == f"{msisdn}:monthly:2026-05-01"
    assert (difference["action"], difference["actor"], difference["correlation_id"]) == (
        "rerating.posted", _consumer("invoicing.usage-rerated"), rerated.correlation_id)
    assert difference["after"]["reference"] == run_id
    assert difference["after"]["totals"]["MDL"]["amount"] == "0.60"


async def test_a_refused_posting_leaves_no_row(
    client: httpx.AsyncClient, settings: InvoicingSettings
) -> None:
    account_id, msisdn = await open_account(settings, client)
    queue = "invoicing.usage-rated"
    before = (await dead_letter_depths(settings.amqp_url, [queue]))[queue]
    refused = usage(account_id, item(msisdn, "sms", 1, "0.50", "0.10", MAY))
    refused.accounts[0].currency = "EUR"
    await publish_event(settings.amqp_url, refused)
    await _dead_lettered(settings, queue, before)
    assert await _rows(client, account_id) == []
    response = await eventually(
        lambda: client.get(f"/v1/accounts/{account_id}/balance", headers=operator()),
        lambda r: r.status_code == 200)
    assert response.json()["balance"] == "0.00"
