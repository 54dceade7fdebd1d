"""Exact money through the five services, with figures worked out by hand.

* Postpaid, October 2026: 300 calls of 125 s at 0.01 per minute (per-second billing) and 1,000
  data sessions of 10 KiB at 0.10 per MiB, VAT 20 %, posted in batches over ten days. Exact:
  voice 300 × 125 / 60 × 0.01 = 6.25, data 1,000 × 10 / 1,024 × 0.10 = 0.9765625 → 0.98; net
  7.23, VAT round(0.20 × 7.23) = 1.45, total 8.68.
* Prepaid (200.00 paid in first): 100.00 + 20 % VAT, debited daily through the 31 days of
  October (twenty days, then eleven more): 100.00 net, 20.00 VAT, 120.00.
* Re-rating: 10 calls of 125 s rated at 0.01 per minute (0.2083333… → 0.21 + 0.04 VAT), the
  price corrected to 0.02, the month re-rated: the ledger receives +0.21 and +0.04, so the
  account owes 0.50, the invoice's 0.42 + 0.08; a second run changes nothing.
* Late usage: a call of 30 October reported on 5 November, after October was invoiced, is on
  the November invoice marked late with its date, in the JSON and in the PDF.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from .drive import Subscriber, eventually, move_clocks, open_account, pdf_text, token
from .processes import Suite

D = Decimal
PER_SECOND = {"type": "voice", "direction": "out", "zone": "national", "first_increment": 1,
              "next_increment": 1}
POSTPAID = {"name": "Exact", "payment_mode": "postpaid", "currency": "MDL", "monthly_fee": "0.00",
            "vat_rate": "0.20", "prices_include_vat": False, "effective_from": "2026-01-01",
            "allowances": [], "prices": [
                PER_SECOND | {"unit_price": "0.01"},
                {"type": "data", "direction": "*", "zone": "*", "unit_price": "0.10",
                 "unit": "MiB"}]}
PREPAID = POSTPAID | {"name": "Daily", "payment_mode": "prepaid", "monthly_fee": "100.00"}
USAGE = Subscriber("37369100001", "exact", connected_at="2026-10-01T00:00:00+00:00",
                   timezone="UTC", email="usage@example.md")
RERATED = Subscriber("37369100002", "corrected", connected_at="2026-10-01T00:00:00+00:00",
                     timezone="UTC", email="rerated@example.md")
DAILY = Subscriber("37369100003", "daily", "prepaid", connected_at="2026-10-01T00:00:00+00:00",
                   timezone="UTC", email="daily@example.md", top_up="200.00")


def _record(msisdn: str, key: str, day: int, kind: str, quantity: int,
            minute: int = 0) -> dict[str, Any]:
    return {"id": key, "msisdn": msisdn, "type": kind, "direction": "out", "quantity": quantity,
            "started_at": f"2026-10-{day:02d}T{8 + minute // 60:02d}:{minute % 60:02d}:00+00:00"}


def _october_usage() -> list[dict[str, Any]]:
    """Ten days of usage, in batches that mix days."""
    calls = [_record(USAGE.msisdn, f"call-{i}", 10 + i % 10, "voice", 125, i)
             for i in range(300)]
    data = [_record(USAGE.msisdn, f"data-{i}", 10 + i % 10, "data", 10 * 1024, i % 600)
            for i in range(1000)]
    return calls + data


async def _post(http: httpx.AsyncClient, suite: Suite, op: dict[str, str],
                records: list[dict[str, Any]], batch: int = 250) -> None:
    for start in range(0, len(records), batch):
        part = records[start:start + batch]
        report = await http.post(f"{suite.url('rating')}/v1/usage", headers=op,
                                 json={"records": part})
        assert report.json() == {"accepted": len(part), "duplicates": 0, "rejected": [],
                                 "parked": 0}, report.text


async def _balance(http: httpx.AsyncClient, suite: Suite, op: dict[str, str], account_id: str,
                   expected: str) -> None:
    await eventually(
        lambda: http.get(f"{suite.url('invoicing')}/v1/accounts/{account_id}/balance", headers=op),
        lambda r: r.status_code == 200 and r.json()["balance"] == expected)


async def _publish_plans(http: httpx.AsyncClient, suite: Suite, op: dict[str, str]) -> None:
    for code, plan in (("exact", POSTPAID), ("corrected", POSTPAID), ("daily", PREPAID)):
        published = await http.put(f"{suite.url('rating')}/v1/plans/{code}", headers=op, json=plan)
        assert published.status_code == 201, published.text


async def _rerate(http: httpx.AsyncClient, suite: Suite, op: dict[str, str]) -> dict[str, Any]:
    rating = suite.url("rating")
    started = await http.post(f"{rating}/v1/rerating-runs", headers=op | {
        "Idempotency-Key": f"rerate-{RERATED.msisdn}"}, json={
        "from": "2026-10-01", "to": "2026-10-31", "msisdns": [RERATED.msisdn]})
    assert started.status_code == 202, started.text
    run: dict[str, Any] = (await http.get(f"{rating}/v1/rerating-runs/{started.json()['id']}",
                                          headers=op)).json()
    return run


async def _correct_and_rerate(http: httpx.AsyncClient, suite: Suite, op: dict[str, str],
                              account_id: str) -> None:
    await _post(http, suite, op, [_record(RERATED.msisdn, f"rr-{i}", 12, "voice", 125)
                                  for i in range(10)])
    await _balance(http, suite, op, account_id, "-0.25")
    corrected = POSTPAID | {"prices": [PER_SECOND | {"unit_price": "0.02"}]}
    version = await http.put(f"{suite.url('rating')}/v1/plans/corrected", headers=op, json=corrected)
    assert (version.status_code, version.json()["version"]) == (200, 2), version.text
    run = await _rerate(http, suite, op)
    assert (run["records"], run["changed"]) == (10, 10)
    assert run["difference"] == {"MDL": {"currency": "MDL", "net": "0.208333334", "gross": "0.25"}}
    await _balance(http, suite, op, account_id, "-0.50")
    second = await http.post(f"{suite.url('rating')}/v1/rerating-runs", headers=op, json={
        "from": "2026-10-01", "to": "2026-10-31", "msisdns": [RERATED.msisdn]})
    again = (await http.get(f"{suite.url('rating')}/v1/rerating-runs/{second.json()['id']}",
                            headers=op)).json()
    assert (again["records"], again["changed"], again["difference"]) == (10, 0, {})


async def _bill(http: httpx.AsyncClient, suite: Suite, op: dict[str, str], period_end: str) -> None:
    invoicing = suite.url("invoicing")
    run = await http.post(f"{invoicing}/v1/billing-runs", headers=op, json={"period_end": period_end})
    assert run.status_code == 202, run.text
    await eventually(lambda: http.get(f"{invoicing}/v1/billing-runs/{run.json()['id']}", headers=op),
                     lambda r: r.json().get("status") == "completed")


async def _invoices(http: httpx.AsyncClient, suite: Suite, op: dict[str, str],
                    account_id: str) -> list[dict[str, Any]]:
    invoicing = suite.url("invoicing")
    listed = (await http.get(f"{invoicing}/v1/accounts/{account_id}/invoices", headers=op)).json()
    return [(await http.get(f"{invoicing}/v1/invoices/{i['id']}", headers=op)).json()
            for i in sorted(listed, key=lambda i: i["period_end"])]


def _lines(invoice: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return sorted((line["type"], line["net"], line["vat"], line["gross"]) for line in invoice["lines"])


def _check_usage_invoice(invoice: dict[str, Any]) -> None:
    assert (invoice["total_charges"], invoice["vat_total"], invoice["amount_due"]) == (
        "8.68", "1.45", "8.68")
    assert _lines(invoice) == [("data", "0.98", "0.20", "1.18"), ("voice", "6.25", "1.25", "7.50")]
    assert [(r["rate"], r["net"], r["vat"], r["gross"]) for r in invoice["vat_rates"]] == [
        ("0.20", "7.23", "1.45", "8.68")]


async def _check_daily_fees(http: httpx.AsyncClient, suite: Suite, op: dict[str, str],
                            account_id: str) -> None:
    ledger = (await http.get(f"{suite.url('invoicing')}/v1/accounts/{account_id}/ledger",
                             headers=op, params={"from": "2026-10-01", "to": "2026-10-31"})).json()
    fees = [m for m in ledger if m["kind"] == "charge"]
    assert len(fees) == 31
    assert [sum(D(m[k]) for m in fees) for k in ("net", "vat", "gross")] == [
        D("100.00"), D("20.00"), D("120.00")]


async def _october(http: httpx.AsyncClient, suite: Suite, op: dict[str, str]) -> dict[str, str]:
    await move_clocks(http, suite, "2026-10-20T12:00:00+00:00")
    await _publish_plans(http, suite, op)
    accounts = {who.msisdn: await open_account(http, suite, op, who)
                for who in (USAGE, RERATED, DAILY)}
    await _post(http, suite, op, _october_usage())
    await _balance(http, suite, op, accounts[USAGE.msisdn], "-8.68")
    await _correct_and_rerate(http, suite, op, accounts[RERATED.msisdn])
    await move_clocks(http, suite, "2026-10-20T12:30:00+00:00")
    await eventually(
        lambda: http.get(f"{suite.url('rating')}/v1/lines/{DAILY.msisdn}/fees", headers=op),
        lambda r: len(r.json()["items"]) == 20)
    await move_clocks(http, suite, "2026-10-31T23:30:00+00:00")
    await eventually(
        lambda: http.get(f"{suite.url('rating')}/v1/lines/{DAILY.msisdn}/fees", headers=op),
        lambda r: len(r.json()["items"]) == 31)
    await _balance(http, suite, op, accounts[DAILY.msisdn], "80.00")
    return accounts


async def test_invoices_charge_what_the_records_cost(suite: Suite) -> None:
    async with httpx.AsyncClient(timeout=60) as http:
        op = await token(http, suite, "operator")
        accounts = await _october(http, suite, op)
        await move_clocks(http, suite, "2026-11-01T06:00:00+00:00")
        await _bill(http, suite, op, "2026-10-31")
        [october] = await _invoices(http, suite, op, accounts[USAGE.msisdn])
        _check_usage_invoice(october)
        [rerated] = await _invoices(http, suite, op, accounts[RERATED.msisdn])
        assert (rerated["total_charges"], rerated["vat_total"], _lines(rerated)) == (
            "0.50", "0.08", [("voice", "0.42", "0.08", "0.50")])
        await _check_daily_fees(http, suite, op, accounts[DAILY.msisdn])
        await _late_call_on_the_next_invoice(http, suite, op, accounts[USAGE.msisdn])


async def _late_call_on_the_next_invoice(http: httpx.AsyncClient, suite: Suite,
                                         op: dict[str, str], account_id: str) -> None:
    await move_clocks(http, suite, "2026-11-05T12:00:00+00:00")
    await _post(http, suite, op, [_record(USAGE.msisdn, "late-call", 30, "voice", 120)])
    await _balance(http, suite, op, account_id, "-8.70")
    await move_clocks(http, suite, "2026-12-01T06:00:00+00:00")
    await _bill(http, suite, op, "2026-11-30")
    _october_invoice, november = await _invoices(http, suite, op, account_id)
    [late] = november["lines"]
    assert (late["late"], late["usage_date"], late["net"], late["vat"], late["gross"]) == (
        True, "2026-10-30", "0.02", "0.00", "0.02")
    pdf = await eventually(lambda: http.get(
        f"{suite.url('invoicing')}/v1/invoices/{november['id']}/pdf", headers=op),
        lambda r: r.status_code == 200)
    assert "întârziat: 30.10.2026" in await pdf_text(pdf.content)
