"""One real billing cycle across the five services, driven only through their HTTP APIs.

operator token → plan → customer → postpaid account → line → 100 CDRs (and the same batch
again) → ledger balance → clock past month end → billing run → invoice → PDF → e-bill email
→ offline payment → balance 0 and invoice paid.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from .drive import Subscriber, eventually, move_clocks, open_account, pdf_text, token
from .mail import MailBox
from .processes import Suite

PLAN = {
    "name": "Smart 100",
    "payment_mode": "postpaid",
    "currency": "MDL",
    "monthly_fee": "0.00",
    "vat_rate": "0.20",
    "prices_include_vat": False,
    "effective_from": "2026-01-01",
    "allowances": [],
    "prices": [
        {
            "type": "voice",
            "direction": "out",
            "zone": "national",
            "unit_price": "0.60",
            "first_increment": 60,
            "next_increment": 1,
        },
        {"type": "sms", "direction": "out", "zone": "*", "unit_price": "0.50"},
        {"type": "data", "direction": "*", "zone": "*", "unit_price": "0.10", "unit": "MiB"},
    ],
}
MSISDN = "37369000001"


def _records() -> list[dict[str, Any]]:
    """40 SMS, 40 calls of 90 s, 20 sessions of 1 MiB in May 2026.

    Priced by hand: SMS 40 × 0.50 = 20.00 (+4.00 VAT); calls 90 s = 1.5 min × 0.60 = 0.90 each,
    36.00 (+7.20); data 20 × 0.10 = 2.00 (+0.40). Net 58.00, VAT 11.60, gross 69.60.
    """
    kinds = [("sms", 1)] * 40 + [("voice", 90)] * 40 + [("data", 1_048_576)] * 20
    return [
        {
            "id": f"cdr-{i:03d}",
            "msisdn": MSISDN,
            "type": kind,
            "direction": "out",
            "started_at": f"2026-05-{1 + i % 28:02d}T10:{i % 60:02d}:00+00:00",
            "quantity": qty,
            "other_party": "37322123456",
        }
        for i, (kind, qty) in enumerate(kinds)
    ]


async def _rate_usage(http: httpx.AsyncClient, suite: Suite, op: dict[str, str]) -> None:
    rating = suite.url("rating")
    first = await http.post(f"{rating}/v1/usage", headers=op, json={"records": _records()})
    again = await http.post(f"{rating}/v1/usage", headers=op, json={"records": _records()})
    assert first.json() == {"accepted": 100, "duplicates": 0, "rejected": [], "parked": 0}, first.text
    assert again.json() == {"accepted": 0, "duplicates": 100, "rejected": [], "parked": 0}, again.text


async def _bill(http: httpx.AsyncClient, suite: Suite, op: dict[str, str], account_id: str) -> dict[str, Any]:
    invoicing = suite.url("invoicing")
    await move_clocks(http, suite, "2026-06-01T06:00:00+00:00")
    run = await http.post(f"{invoicing}/v1/billing-runs", headers=op, json={"period_end": "2026-05-31"})
    assert run.status_code == 202, run.text
    await eventually(
        lambda: http.get(f"{invoicing}/v1/billing-runs/{run.json()['id']}", headers=op),
        lambda r: r.json().get("status") == "completed",
    )
    listed = await http.get(f"{invoicing}/v1/accounts/{account_id}/invoices", headers=op)
    assert len(listed.json()) == 1, listed.text
    invoice = await http.get(f"{invoicing}/v1/invoices/{listed.json()[0]['id']}", headers=op)
    body: dict[str, Any] = invoice.json()
    return body


def _check_invoice(invoice: dict[str, Any], account_id: str) -> None:
    amount = {
        k: Decimal(invoice[k])
        for k in (
            "opening_balance",
            "total_charges",
            "vat_total",
            "total_paid",
            "closing_balance",
            "amount_due",
        )
    }
    assert invoice["account_id"] == account_id
    assert (invoice["period_start"], invoice["period_end"]) == ("2026-05-01", "2026-05-31")
    assert invoice["due_date"] == "2026-06-16"
    assert amount["total_charges"] == Decimal("69.60") and amount["vat_total"] == Decimal("11.60")
    assert (
        amount["closing_balance"]
        == amount["opening_balance"] + amount["total_charges"] - amount["total_paid"]
    )
    assert amount["amount_due"] == Decimal("69.60")
    assert sum(Decimal(line["gross"]) for line in invoice["lines"]) == Decimal("69.60")


async def _check_ebill(
    http: httpx.AsyncClient, suite: Suite, op: dict[str, str], invoice: dict[str, Any], mailbox: MailBox
) -> None:
    pdf = await http.get(f"{suite.url('invoicing')}/v1/invoices/{invoice['id']}/pdf", headers=op)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text = await pdf_text(pdf.content)
    assert invoice["number"] in text and "69,60" in text  # Romanian number format
    [message] = await mailbox.wait(1)
    assert message["To"] == "ion@example.md"
    attachments = [part.get_content() for part in message.iter_attachments()]
    assert attachments == [pdf.content]


async def _pay(http: httpx.AsyncClient, suite: Suite, account_id: str, invoice_id: str) -> None:
    partner = await token(http, suite, "partner")
    paid = await http.post(
        f"{suite.url('payments')}/v1/payments/offline",
        headers=partner | {"Idempotency-Key": "cash-0001"},
        json={
            "account_id": account_id,
            "amount": "69.60",
            "currency": "MDL",
            "channel": "cash",
            "reference": "R-0001",
        },
    )
    assert paid.status_code == 201, paid.text
    op = await token(http, suite, "operator")
    invoicing = suite.url("invoicing")
    balance = await eventually(
        lambda: http.get(f"{invoicing}/v1/accounts/{account_id}/balance", headers=op),
        lambda r: Decimal(r.json()["balance"]) == 0,
    )
    assert balance.json()["currency"] == "MDL"
    await eventually(
        lambda: http.get(f"{invoicing}/v1/invoices/{invoice_id}", headers=op),
        lambda r: r.json()["status"] == "paid",
    )


async def test_one_billing_cycle_across_the_suite(suite: Suite, mailbox: tuple[MailBox, int]) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        await move_clocks(http, suite, "2026-05-02T09:00:00+00:00")
        op = await token(http, suite, "operator")
        plan = await http.put(f"{suite.url('rating')}/v1/plans/smart-100", headers=op, json=PLAN)
        assert plan.status_code == 201, plan.text
        account_id = await open_account(http, suite, op, Subscriber(MSISDN, "smart-100"))
        await _rate_usage(http, suite, op)
        await eventually(
            lambda: http.get(f"{suite.url('invoicing')}/v1/accounts/{account_id}/balance", headers=op),
            lambda r: r.status_code == 200 and r.json()["balance"] == "-69.60",
        )
        invoice = await _bill(http, suite, op, account_id)
        _check_invoice(invoice, account_id)
        await _check_ebill(http, suite, op, invoice, mailbox[0])
        await _pay(http, suite, account_id, invoice["id"])
