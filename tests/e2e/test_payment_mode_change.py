"""A prepaid account moved to postpaid mid-month across the five services, through HTTP only.

prepaid plan (30.00 a month, charged daily) and postpaid plan (90.00 a month) in rating →
a prepaid account topped up with 100.00 and its line in accounts → ten days charged daily →
the operator moves the account to postpaid, the line onto the postpaid plan → the next daily
pass of rating charges the rest of June at once under the postpaid plan → the month's run
states the account as a postpaid one: an invoice with its due date, the daily fees and the
rest of the month on it, and July charged in advance as a postpaid month.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from .drive import Subscriber, eventually, move_clocks, open_account, token
from .processes import Suite

PREPAID = {"name": "Pre 30", "payment_mode": "prepaid", "currency": "MDL", "monthly_fee": "30.00",
           "vat_rate": "0.20", "prices_include_vat": True, "effective_from": "2026-01-01",
           "allowances": [], "prices": []}
POSTPAID = PREPAID | {"name": "Post 90", "payment_mode": "postpaid", "monthly_fee": "90.00"}
MSISDN = "37369000091"


async def _fees(http: httpx.AsyncClient, suite: Suite, op: dict[str, str]) -> list[Any]:
    response = await http.get(f"{suite.url('rating')}/v1/lines/{MSISDN}/fees", headers=op)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def _gross(fees: list[Any]) -> Decimal:
    return sum((Decimal(fee["net"]) + Decimal(fee["vat"]) for fee in fees), Decimal(0))


async def _move(http: httpx.AsyncClient, suite: Suite, op: dict[str, str],
                account_id: str) -> dict[str, Any]:
    moved = await http.put(f"{suite.url('accounts')}/v1/accounts/{account_id}/payment-mode",
                           headers=op, json={"payment_mode": "postpaid",
                                             "plans": {MSISDN: "post-90"}})
    assert moved.status_code == 200, moved.text
    account: dict[str, Any] = moved.json()
    return account


async def _run(http: httpx.AsyncClient, suite: Suite, op: dict[str, str],
               account_id: str) -> dict[str, Any]:
    invoicing = suite.url("invoicing")
    run = await http.post(f"{invoicing}/v1/billing-runs", headers=op,
                          json={"period_end": "2026-06-30"})
    assert run.status_code == 202, run.text
    await eventually(lambda: http.get(f"{invoicing}/v1/billing-runs/{run.json()['id']}",
                                      headers=op), lambda r: r.json().get("status") == "completed")
    [listed] = (await http.get(f"{invoicing}/v1/accounts/{account_id}/invoices",
                               headers=op)).json()
    invoice: dict[str, Any] = listed
    return invoice


async def test_a_prepaid_account_moves_to_postpaid_in_the_middle_of_a_month(suite: Suite) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        await move_clocks(http, suite, "2026-06-01T06:00:00+00:00")
        op = await token(http, suite, "operator")
        for code, plan in (("pre-30", PREPAID), ("post-90", POSTPAID)):
            put = await http.put(f"{suite.url('rating')}/v1/plans/{code}", headers=op, json=plan)
            assert put.status_code == 201, put.text
        account_id = await open_account(http, suite, op, Subscriber(
            MSISDN, "pre-30", payment_mode="prepaid", top_up="100.00",
            connected_at="2026-06-01T00:00:00+03:00"))
        await move_clocks(http, suite, "2026-06-10T09:00:00+00:00")
        daily = await _fees(http, suite, op)
        assert _gross(daily) == Decimal("10.00"), daily  # 1.00 a day, June 1 to 10
        assert (await _move(http, suite, op, account_id))["payment_mode"] == "postpaid"
        await move_clocks(http, suite, "2026-06-11T09:00:00+00:00")
        await move_clocks(http, suite, "2026-07-01T06:00:00+00:00")
        # every fee is in the ledger before the month is stated: 100.00 - 70.00 - July's 90.00
        balance = await eventually(
            lambda: http.get(f"{suite.url('invoicing')}/v1/accounts/{account_id}/balance",
                             headers=op), lambda r: r.json().get("balance") == "-60.00")
        assert balance.json()["currency"] == "MDL"
        invoice = await _run(http, suite, op, account_id)
        # June 11 to 30 on the postpaid plan: 20 days of 3.00. The pass of June 11 charges it at
        # once when rating has heard of the new mode by then, else the next pass does.
        fees = await _fees(http, suite, op)
        june = [fee for fee in fees if fee["period_date"] < "2026-07-01"]
        assert june[:10] == daily and _gross(june) == Decimal("70.00"), june
        [july] = [fee for fee in fees if fee["period_date"] >= "2026-07-01"]
        assert (july["period_date"], july["kind"], july["gross"]) == (
            "2026-07-01", "monthly", "90.00")  # charged in advance, as a postpaid month
        assert Decimal(invoice["total_charges"]) == Decimal("70.00"), invoice
        assert invoice["due_date"] == "2026-07-16", invoice
