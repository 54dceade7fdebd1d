"""Packages, one-off charges and closing across the five services, through their HTTP APIs only.

plan and package in rating → postpaid account and line in accounts → package switched on →
a one-off charge in invoicing → usage → the account closed in accounts: its line closed in
rating (the June fees credited for the days after the closing, usage after it refused), its
final invoice issued at once in invoicing, the rest of June stated once on the month's run and
nothing after → the number quarantined in accounts.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from .drive import Subscriber, eventually, move_clocks, open_account, token
from .processes import Suite

PLAN = {"name": "Close 90", "payment_mode": "postpaid", "currency": "MDL", "monthly_fee": "90.00",
        "vat_rate": "0.20", "prices_include_vat": False, "effective_from": "2026-01-01",
        "allowances": [],
        "prices": [{"type": "sms", "direction": "out", "zone": "*", "unit_price": "0.50"}]}
TV = {"name": "TV", "payment_mode": "postpaid", "currency": "MDL", "monthly_fee": "30.00",
      "vat_rate": "0.20", "prices_include_vat": False, "allowances": []}
MSISDN = "37369000077"


def _sms(record_id: str, at: str) -> dict[str, Any]:
    return {"id": record_id, "msisdn": MSISDN, "type": "sms", "direction": "out",
            "started_at": at, "quantity": 1}


async def _catalogue(http: httpx.AsyncClient, suite: Suite, op: dict[str, str]) -> None:
    rating = suite.url("rating")
    assert (await http.put(f"{rating}/v1/plans/close-90", headers=op, json=PLAN)).status_code == 201
    assert (await http.put(f"{rating}/v1/packages/tv", headers=op, json=TV)).status_code == 200


async def _june(http: httpx.AsyncClient, suite: Suite, op: dict[str, str], account_id: str) -> None:
    """The package on, a one-off charge, ten SMS: 90.00 + 30.00 + 50.00 + 5.00 net in June."""
    on = await http.post(f"{suite.url('rating')}/v1/lines/{MSISDN}/packages", headers=op,
                         json={"code": "tv"})
    assert on.status_code == 201, on.text
    charge = await http.post(f"{suite.url('invoicing')}/v1/accounts/{account_id}/charges",
                             headers=op | {"Idempotency-Key": "sim-1"},
                             json={"description": "SIM card", "amount": "50.00",
                                   "vat_rate": "0.20"})
    assert charge.status_code == 201, charge.text
    records = [_sms(f"sms-{i}", f"2026-06-05T10:0{i}:00+00:00") for i in range(10)]
    rated = await http.post(f"{suite.url('rating')}/v1/usage", headers=op,
                            json={"records": records})
    assert rated.json()["accepted"] == 10, rated.text


async def _invoices(http: httpx.AsyncClient, suite: Suite, op: dict[str, str],
                    account_id: str, count: int) -> list[dict[str, Any]]:
    listed = await eventually(
        lambda: http.get(f"{suite.url('invoicing')}/v1/accounts/{account_id}/invoices",
                         headers=op), lambda r: len(r.json()) == count)
    found: list[dict[str, Any]] = listed.json()
    return found


async def _run(http: httpx.AsyncClient, suite: Suite, op: dict[str, str], period_end: str) -> None:
    invoicing = suite.url("invoicing")
    run = await http.post(f"{invoicing}/v1/billing-runs", headers=op,
                          json={"period_end": period_end})
    assert run.status_code == 202, run.text
    await eventually(lambda: http.get(f"{invoicing}/v1/billing-runs/{run.json()['id']}",
                                      headers=op), lambda r: r.json().get("status") == "completed")


async def test_a_package_a_one_off_charge_and_closing_across_the_suite(suite: Suite) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        await move_clocks(http, suite, "2026-06-01T06:00:00+00:00")
        op = await token(http, suite, "operator")
        await _catalogue(http, suite, op)
        account_id = await open_account(http, suite, op, Subscriber(
            MSISDN, "close-90", connected_at="2026-06-01T00:00:00+03:00"))
        await _june(http, suite, op, account_id)
        await move_clocks(http, suite, "2026-06-10T09:00:00+00:00")
        closed = await http.post(f"{suite.url('accounts')}/v1/accounts/{account_id}/closure",
                                 headers=op, json={"reason": "contract ended"})
        assert (closed.status_code, closed.json()["status"]) == (200, "closed"), closed.text
        [final] = await _invoices(http, suite, op, account_id, 1)
        assert (final["period_start"], final["period_end"]) == ("2026-06-01", "2026-06-10")
        # June: 10 of 30 days of the plan (30.00) and of the package (10.00), 50.00, 5.00 net
        balance = await eventually(
            lambda: http.get(f"{suite.url('invoicing')}/v1/accounts/{account_id}/balance",
                             headers=op), lambda r: r.json().get("balance") == "-114.00")
        assert balance.json()["currency"] == "MDL"
        late = await http.post(f"{suite.url('rating')}/v1/usage", headers=op,
                               json={"records": [_sms("after", "2026-06-10T09:30:00+00:00")]})
        [refused] = late.json()["rejected"]
        assert refused["reason"].startswith("the line was closed at 2026-06-10 09:0"), refused
        await move_clocks(http, suite, "2026-07-01T06:00:00+00:00")
        await _run(http, suite, op, "2026-06-30")
        june = await _invoices(http, suite, op, account_id, 2)
        assert sum(Decimal(i["total_charges"]) for i in june) == Decimal("114.00")
        assert sorted(i["period_end"] for i in june) == ["2026-06-10", "2026-06-30"]
        await move_clocks(http, suite, "2026-08-01T06:00:00+00:00")
        await _run(http, suite, op, "2026-07-31")
        assert len(await _invoices(http, suite, op, account_id, 2)) == 2
        again = await open_account_refused(http, suite, op)
        assert again.status_code == 409, again.text


async def open_account_refused(http: httpx.AsyncClient, suite: Suite,
                               op: dict[str, str]) -> httpx.Response:
    """A new account asking for the closed line's number while it is quarantined."""
    accounts = suite.url("accounts")
    customer = await http.post(f"{accounts}/v1/customers", headers=op, json={
        "kind": "person", "name": "Ana Rusu", "email": "ana@example.md", "phone": "+37369000078",
        "language": "ro", "address": "str. Pușkin 2, Chișinău"})
    account = await http.post(f"{accounts}/v1/accounts", headers=op, json={
        "customer_id": customer.json()["id"], "payment_mode": "postpaid", "currency": "MDL",
        "timezone": "Europe/Chisinau", "bill_delivery": {"medium": "ebill"}})
    return await http.post(f"{accounts}/v1/accounts/{account.json()['id']}/lines", headers=op,
                           json={"msisdn": MSISDN, "plan_code": "close-90"})
