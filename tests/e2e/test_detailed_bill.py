"""The monthly detailed bill by email across the five services, driven through their APIs.

plan → account with a line → subscription switched on → November's calls and messages rated
→ clocks to 1 December → invoicing reads each record from rating with its own token, makes the
signed PDF, charges 50.00 MDL → notifications mails it with the PDF attached → a second day
mails and charges nothing more.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from .drive import Subscriber, eventually, move_clocks, open_account, pdf_text, token
from .mail import MailBox
from .processes import Suite

PLAN = {
    "name": "Smart Detail", "payment_mode": "postpaid", "currency": "MDL", "monthly_fee": "0.00",
    "vat_rate": "0.20", "prices_include_vat": False, "effective_from": "2026-01-01",
    "allowances": [], "prices": [
        {"type": "voice", "direction": "out", "zone": "*", "unit_price": "0.60",
         "first_increment": 60, "next_increment": 1},
        {"type": "voice", "direction": "in", "zone": "*", "unit_price": "0"},
        {"type": "sms", "direction": "out", "zone": "*", "unit_price": "0.50"}],
}
MSISDN = "37369000777"
EMAIL = "detail@example.md"


def _records() -> list[dict[str, Any]]:
    """Two calls of 90 s (1.08 each with VAT), an SMS (0.60), an incoming call (free)."""
    base = {"msisdn": MSISDN, "type": "voice", "direction": "out", "quantity": 90}
    return [base | {"id": "nov-1", "started_at": "2026-11-10T08:15:00+00:00",
                    "other_party": "37322123456"},
            base | {"id": "nov-2", "started_at": "2026-11-20T19:05:00+00:00",
                    "other_party": "37322654321"},
            base | {"id": "nov-3", "type": "sms", "quantity": 1,
                    "started_at": "2026-11-12T10:00:00+00:00", "other_party": "37369999888"},
            base | {"id": "nov-4", "direction": "in", "started_at": "2026-11-13T10:00:00+00:00",
                    "other_party": "37369111222"}]


async def _fees(http: httpx.AsyncClient, suite: Suite, op: dict[str, str],
                account_id: str) -> list[dict[str, Any]]:
    ledger = await http.get(f"{suite.url('invoicing')}/v1/accounts/{account_id}/ledger",
                            headers=op)
    return [row for row in ledger.json() if row["type"] == "detailed_bill"]


async def test_the_monthly_detailed_bill_is_mailed_with_each_record(
    suite: Suite, mailbox: tuple[MailBox, int]
) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        await move_clocks(http, suite, "2026-11-02T09:00:00+00:00")
        op = await token(http, suite, "operator")
        plan = await http.put(f"{suite.url('rating')}/v1/plans/smart-detail", headers=op,
                              json=PLAN)
        assert plan.status_code == 201, plan.text
        account_id = await open_account(http, suite, op, Subscriber(
            MSISDN, "smart-detail", connected_at="2026-10-01T00:00:00+00:00", email=EMAIL))
        subscription = f"{suite.url('invoicing')}/v1/accounts/{account_id}/detailed-bill-subscription"
        on = await eventually(lambda: http.put(subscription, headers=op, json={"active": True}),
                              lambda r: r.status_code == 200)
        assert on.json()["active"] is True
        await move_clocks(http, suite, "2026-11-21T09:00:00+00:00")
        rated = await http.post(f"{suite.url('rating')}/v1/usage", headers=op,
                                json={"records": _records()})
        assert rated.json()["accepted"] == 4, rated.text
        await eventually(lambda: http.get(
            f"{suite.url('invoicing')}/v1/accounts/{account_id}/balance", headers=op),
            lambda r: r.json().get("balance") == "-2.76")
        await move_clocks(http, suite, "2026-12-01T06:00:00+00:00")
        [message] = await mailbox[0].wait(1, timeout=90)
        assert message["To"] == EMAIL
        assert message["Subject"] == "Factura detaliată pentru 2026-11"
        [attachment] = list(message.iter_attachments())
        text = " ".join((await pdf_text(attachment.get_content())).split())
        assert "Factură detaliată" in text
        for number in ("37322123456", "37322654321", "37369999888"):
            assert number in text, number
        assert "37369111222" not in text  # incoming: not on the outgoing bill
        assert "10.11.2026 10:15:00" in text  # Chișinău time
        assert "2,76" in text
        await eventually(lambda: http.get(
            f"{suite.url('invoicing')}/v1/accounts/{account_id}/balance", headers=op),
            lambda r: r.json().get("balance") == "-52.76")
        await move_clocks(http, suite, "2026-12-02T06:00:00+00:00")
        await asyncio.sleep(2)
        assert len(mailbox[0].messages) == 1
        [fee] = await _fees(http, suite, op, account_id)
        assert (fee["amount"], fee["net"], fee["vat"]) == ("-50.00", "41.67", "8.33")
