"""Two processes of every service, one billing month, and nothing done twice (issue 11).

Both replicas share the five databases and the broker; the month is walked through the
contract only (HTTP APIs, usage over AMQP), each call to one replica or the other, the clocks
of all ten processes moved at once so that every scheduler and clock-driven job races its twin,
the billing run asked of both replicas at once, and one payment sent to both with one
Idempotency-Key. Then: every event staged in an outbox reached the tap exactly once (counted
by CloudEvents id), each line was charged each month's fee once, its allowance was spent once,
each account has one invoice of the exact amounts, each notice reached the SMTP server and the
SMSC once, and every balance is exact. A second test charges a prepaid line day by day.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest
from notifications.adapters.smsc_simulator import SmscSimulator

from ..e2e.drive import Subscriber, eventually, open_account, token
from ..e2e.mail import MailBox
from ..faults.tap import EventTap
from ..faults.workload import eventually as until
from .ledgers import (
    doubled_events,
    doubled_mail,
    doubled_sms,
    outbox_ids,
    pending_deliveries,
)
from .month import (
    INCLUDED_SMS,
    INVOICE,
    JUNE_FEE,
    LINES,
    PREPAID,
    PREPAID_CODE,
    PREPAID_DAYS,
    PREPAID_FEES,
    msisdn,
)
from .replicas import Replicas
from .walk import balance, balances_reach, bill, open_lines, pay_twice, rate_usage

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]
Headers = dict[str, str]


async def _allowances_spent_once(http: httpx.AsyncClient, replicas: Replicas, op: Headers) -> None:
    for n in range(LINES):
        found = await http.get(f"{replicas.url('rating', n)}/v1/lines/{msisdn(n)}/allowances",
                               headers=op)
        [sms] = [a for a in found.json()["allowances"] if a["type"] == "sms"]
        assert (sms["used"], sms["remaining"]) == (INCLUDED_SMS, 0), found.text


async def _fees_once(http: httpx.AsyncClient, replicas: Replicas, op: Headers) -> None:
    for n in range(LINES):
        found = await http.get(f"{replicas.url('rating', n + 1)}/v1/lines/{msisdn(n)}/fees",
                               headers=op)
        assert found.status_code == 200, found.text
        months = [(f["kind"], f["period_date"][:7], Decimal(f["gross"]))
                  for f in found.json()["items"]]
        assert sorted(months) == [("monthly", "2026-05", Decimal("60.00")),
                                  ("monthly", "2026-06", JUNE_FEE)], found.text


async def _one_invoice_each(http: httpx.AsyncClient, replicas: Replicas, op: Headers,
                            accounts: list[str]) -> list[dict[str, Any]]:
    invoices = []
    for n, account_id in enumerate(accounts):
        listed = await http.get(f"{replicas.url('invoicing', n)}/v1/accounts/{account_id}/invoices",
                                headers=op)
        assert len(listed.json()) == 1, listed.text
        [invoice] = listed.json()
        assert {k: Decimal(invoice[k]) for k in INVOICE} == INVOICE, invoice
        invoices.append(invoice)
    assert len({i["number"] for i in invoices}) == LINES, [i["number"] for i in invoices]
    return invoices


async def _settled(replicas: Replicas) -> bool:
    _ids, pending = await outbox_ids(replicas)
    return pending == 0 and await pending_deliveries(replicas) == 0


async def _walk(http: httpx.AsyncClient, replicas: Replicas, op: Headers, amqp_url: str,
                box: MailBox) -> list[str]:
    accounts = await open_lines(http, replicas, op)
    await rate_usage(http, replicas, op, amqp_url, accounts)
    await _allowances_spent_once(http, replicas, op)
    await replicas.move_clocks(http, "2026-06-01T06:00:00+00:00")
    await balances_reach(http, replicas, op, accounts, -INVOICE["total_charges"] - JUNE_FEE)
    runs = await bill(http, replicas, op)
    assert all(run["status"] == "completed" for run in runs), runs
    # two runs may be accepted for the period, but each account is issued by one of them only
    assert sum(run["stages"]["issued"] for run in runs) == LINES, runs
    await box.wait(LINES)  # the e-bills
    return accounts


async def _pay(http: httpx.AsyncClient, replicas: Replicas, op: Headers, account_id: str) -> None:
    answers = await pay_twice(http, replicas, account_id, INVOICE["total_charges"])
    assert [a.status_code for a in answers] == [201, 201], [a.text for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1, [a.text for a in answers]
    await eventually(lambda: http.get(f"{replicas.url('invoicing', 1)}/v1/accounts/{account_id}"
                                      "/invoices", headers=op),
                     lambda r: r.json()[0]["status"] == "paid", 60)


async def test_two_replicas_of_every_service_do_nothing_twice(
        replicas: Replicas, tap: EventTap, scaleout_amqp_url: str,
        scaleout_mail: tuple[MailBox, int], smsc: SmscSimulator) -> None:
    box = scaleout_mail[0]
    async with httpx.AsyncClient(timeout=60) as http:
        await replicas.move_clocks(http, "2026-05-31T20:00:00+00:00")
        op = await token(http, replicas.suites[0], "operator")
        accounts = await _walk(http, replicas, op, scaleout_amqp_url, box)
        await _fees_once(http, replicas, op)
        invoices = await _one_invoice_each(http, replicas, op, accounts)
        await _pay(http, replicas, op, accounts[0])
        assert await balance(http, replicas, op, accounts[0], 1) == -JUNE_FEE
        for n, account_id in enumerate(accounts[1:], start=1):
            assert await balance(http, replicas, op, account_id, n) == -INVOICE["total_charges"] - JUNE_FEE
    await until(lambda: _settled(replicas), 120, "every outbox relayed, every notice sent")
    ids, _pending = await outbox_ids(replicas)
    batches = replicas.logged("rating", "usage_batch_rated")
    print(f"scale-out: {len(ids)} events staged, {len(tap.seen)} tapped, {len(box.messages)} "
          f"emails, {len(smsc.messages)} SMS, invoices {[i['number'] for i in invoices]}; usage "
          f"batches rated per replica {batches}, notices sent per replica "
          f"{replicas.logged('notifications', 'delivery_attempted')}")
    assert all(batches), batches  # both ratings took part, or nothing raced
    assert doubled_events(tap) == {} and doubled_mail(box) == {} and doubled_sms(smsc) == {}
    await until(lambda: _all_tapped(tap, ids), 60, "every event staged reached the tap")
    ebills = [m for m in box.messages if any(a.get_content_type() == "application/pdf"
                                             for a in m.iter_attachments())]
    assert sorted(str(m["To"]) for m in ebills) == sorted(f"line{n}@example.md" for n in range(LINES))


async def _all_tapped(tap: EventTap, ids: set[str]) -> bool:
    return {json.loads(t.body)["id"] for t in tap.seen} == ids


# After the month (the clocks are on June 1st then): a prepaid line connected on June 1st and
# topped up with 100.00; the clocks of all ten processes moved day by day to June 5th at once,
# so both ratings' fee jobs (on each move and every second in the background) charge the same
# days at the same time. Each day must be charged once, the balance the top-up less the shares.
TOP_UP = Decimal("100.00")


async def test_two_replicas_charge_each_prepaid_day_once(replicas: Replicas) -> None:
    line = msisdn(50)
    async with httpx.AsyncClient(timeout=60) as http:
        op = await token(http, replicas.suites[1], "operator")
        plan = await http.put(f"{replicas.url('rating', 0)}/v1/plans/{PREPAID_CODE}", headers=op,
                              json=PREPAID)
        assert plan.status_code == 201, plan.text
        account_id = await open_account(http, replicas.suites[1], op, Subscriber(
            line, PREPAID_CODE, payment_mode="prepaid", connected_at="2026-06-01T00:00:00+00:00",
            email="prepaid@example.md", top_up=str(TOP_UP)))
        for day in range(2, PREPAID_DAYS + 1):
            await replicas.move_clocks(http, f"2026-06-{day:02d}T06:00:00+00:00")
        await eventually(
            lambda: http.get(f"{replicas.url('invoicing', 1)}/v1/accounts/{account_id}/balance",
                             headers=op),
            lambda r: r.status_code == 200 and Decimal(r.json()["balance"]) == TOP_UP - PREPAID_FEES,
            60)
        fees = await http.get(f"{replicas.url('rating', 1)}/v1/lines/{line}/fees", headers=op)
    days = sorted((f["kind"], f["period_date"]) for f in fees.json()["items"])
    assert days == [("daily", f"2026-06-{d:02d}") for d in range(1, PREPAID_DAYS + 1)], fees.text
    assert sum(Decimal(f["gross"]) for f in fees.json()["items"]) == PREPAID_FEES, fees.text
