"""Recurring fees through the running service: clock moves, suspensions and plan changes."""

from __future__ import annotations

import asyncio
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx
from rating.settings import RatingSettings
from tarifa.messaging.catalogue import AccountResumed, AccountSuspended, LinePlanChanged
from tarifa.testing.apps import bearer
from tarifa.testing.events import publish_event, tap_events
from tarifa.tokens import TokenSigner

from .seed import PLAN, handled, open_line, post_usage, put_plan, record

D = Decimal


async def _clock(client: httpx.AsyncClient, now: str) -> None:
    moved = await client.put("/v1/test/clock?wait=true", json={"now": now})
    assert moved.status_code == 200, moved.text


async def _fees(client: httpx.AsyncClient, secret: str, msisdn: str,
                **params: str) -> list[dict[str, Any]]:
    response = await client.get(f"/v1/lines/{msisdn}/fees", headers=bearer(secret), params=params)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def test_postpaid_fees_are_pro_rata_first_then_monthly_and_caught_up_once(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "monthly", PLAN | {"allowances": []})
    account_id, msisdn = await open_line(settings, client, token_signer, "monthly",
                                         connected_at="2026-05-14T08:00:00+00:00")
    async with tap_events(settings.amqp_url, ["rating.fee.charged"]) as tap:
        await _clock(client, "2026-07-01T01:00:00+00:00")
        await _clock(client, "2026-07-01T01:00:00+00:00")
        await _clock(client, "2026-06-15T00:00:00+00:00")
        await asyncio.gather(*(_clock(client, "2026-07-01T02:00:00+00:00") for _ in range(3)))
        events = await tap.wait_for("rating.fee.charged", count=3, msisdn=msisdn)
    fees = await _fees(client, token_signer, msisdn)
    # May: 18 of 31 days (14th to 31st) of 100.00 = 58.0645... -> 58.06; its VAT (20 %) is left
    # exact, for the invoice to round once per rate.
    assert [(f["period_date"], f["kind"], f["net"], f["vat"], f["gross"]) for f in fees] == [
        ("2026-05-14", "monthly", "58.06", "11.612", "69.672"),
        ("2026-06-01", "monthly", "100.00", "20.00", "120.00"),
        ("2026-07-01", "monthly", "100.00", "20.00", "120.00")]
    assert sorted((e.data["period_date"], Decimal(e.data["gross"])) for e in events) == [
        (f["period_date"], Decimal(f["gross"])) for f in fees]
    assert {(e.subject, e.data["account_id"], e.data["currency"]) for e in events} == {
        (account_id, account_id, "MDL")}


async def test_prepaid_fees_are_daily_shares_and_suspended_days_are_free(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "daily", PLAN | {"payment_mode": "prepaid",
                                                        "monthly_fee": "31.00", "allowances": []})
    account_id, msisdn = await open_line(settings, client, token_signer, "daily",
                                         connected_at="2026-05-01T00:00:00+00:00",
                                         payment_mode="prepaid")
    suspended = await publish_event(settings.amqp_url, AccountSuspended(
        account_id=account_id, from_at=_at("2026-05-20T10:00:00+00:00"),
        until_at=_at("2026-05-30T10:00:00+00:00"), **{"from": "2026-05-20", "until": "2026-05-30"}))
    await handled(settings, suspended)
    resumed = await publish_event(settings.amqp_url, AccountResumed(
        account_id=account_id, from_at=_at("2026-05-20T10:00:00+00:00"),
        until_at=_at("2026-05-25T09:00:00+00:00"), **{"from": "2026-05-20", "until": "2026-05-25"}))
    await handled(settings, resumed)
    await _clock(client, "2026-06-01T00:30:00+00:00")
    await _clock(client, "2026-06-01T00:30:00+00:00")
    fees = await _fees(client, token_signer, msisdn)
    may = [f for f in fees if f["period_date"] < "2026-06-01"]
    # Suspended at the start of the 21st to the 25th: five days free.
    assert [int(f["period_date"][-2:]) for f in may] == [d for d in range(1, 32)
                                                         if not 21 <= d <= 25]
    assert {(f["kind"], f["net"]) for f in may} == {("daily", "1.00")}
    assert sum(D(f["net"]) for f in may) == D("26.00")
    # June has 30 days: its first day costs 31.00 / 30 = 1.0333... -> 1.03.
    assert [(f["period_date"], f["net"]) for f in fees[len(may):]] == [("2026-06-01", "1.03")]


async def test_a_plan_change_applies_to_fees_and_usage_from_its_effective_time(
    client: httpx.AsyncClient, settings: RatingSettings, token_signer: TokenSigner
) -> None:
    await put_plan(client, token_signer, "small", PLAN | {"monthly_fee": "31.00", "allowances": []})
    await put_plan(client, token_signer, "large", PLAN | {"monthly_fee": "62.00", "allowances": [],
                                                        "prices": [PLAN["prices"][3] | {
                                                            "unit_price": "0.10"}]})
    _, msisdn = await open_line(settings, client, token_signer, "small")
    changed = await publish_event(settings.amqp_url, LinePlanChanged(
        msisdn=msisdn, from_plan="small", to_plan="large",
        effective_at=_at("2026-05-10T00:00:00+00:00")))
    await handled(settings, changed)
    await post_usage(client, token_signer, [
        record(msisdn, "before", type="sms", quantity=1, started_at="2026-05-09T23:59:00+00:00"),
        record(msisdn, "after", type="sms", quantity=1, started_at="2026-05-10T00:00:00+00:00")])
    await _clock(client, "2026-06-01T00:30:00+00:00")
    usage = (await client.get(f"/v1/lines/{msisdn}/usage", headers=bearer(token_signer))).json()
    assert [(r["id"], r["plan_code"], r["net"]) for r in usage["items"]] == [
        ("before", "small", "0.50"), ("after", "large", "0.10")]
    fees = await _fees(client, token_signer, msisdn, **{"from": "2026-05-01"})
    # May, charged on the 1st under the plan of that day: 9 days at 31.00/31 and 22 days at
    # 62.00/31 = 9.00 + 44.00.
    assert [(f["period_date"], f["plan_code"], f["net"]) for f in fees] == [
        ("2026-05-01", "small", "53.00"), ("2026-06-01", "large", "62.00")]
    allowances = await client.get(f"/v1/lines/{msisdn}/allowances", headers=bearer(token_signer))
    assert allowances.json()["plan_code"] == "large"
