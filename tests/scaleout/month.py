"""The month the replicas walk, and what it must come to if nothing is done twice.

A postpaid plan: a monthly fee of 50.00, 10 SMS included, SMS 0.50, calls 0.60 a minute in whole
minutes, VAT 20 % on top. Each line sends 25 SMS (15 paid: 7.50) and makes 10 calls of two
minutes (12.00) in the last fortnight of May (rating takes records up to 14 days old), so each
May invoice is 69.50 net, 13.90 VAT, 83.40 gross; the clock moved to the 1st of June charges
June's fee (60.00 gross) before the bills go out. An allowance spent twice would charge fewer
SMS, a fee charged twice more.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

__all__ = [
    "INCLUDED_SMS", "INVOICE", "JUNE_FEE", "LINES", "PLAN", "PLAN_CODE", "PREPAID", "PREPAID_CODE",
    "PREPAID_DAYS", "PREPAID_FEES", "batches", "msisdn",
]

PLAN_CODE = "scaleout"
INCLUDED_SMS = 10
PLAN = {
    "name": "Scale-out", "payment_mode": "postpaid", "currency": "MDL", "monthly_fee": "50.00",
    "vat_rate": "0.20", "prices_include_vat": False, "effective_from": "2026-01-01",
    "allowances": [{"type": "sms", "direction": "out", "zone": "*", "quantity": INCLUDED_SMS}],
    "prices": [
        {"type": "voice", "direction": "out", "zone": "*", "unit_price": "0.60",
         "first_increment": 60, "next_increment": 60},
        {"type": "sms", "direction": "out", "zone": "*", "unit_price": "0.50"},
    ],
}
LINES = 6
SMS, CALLS = 25, 10
INVOICE = {"total_charges": Decimal("83.40"), "vat_total": Decimal("13.90")}
JUNE_FEE = Decimal("60.00")


def msisdn(n: int) -> str:
    return f"3736{8000000 + n:07d}"


def _records(n: int) -> list[dict[str, Any]]:
    kinds = [("sms", 1)] * SMS + [("voice", 120)] * CALLS
    return [{"id": f"scaleout-{n}-{i:03d}", "msisdn": msisdn(n), "type": kind, "direction": "out",
             "started_at": f"2026-05-{18 + i % 13:02d}T{8 + i % 12:02d}:{i % 60:02d}:00+00:00",
             "quantity": quantity, "other_party": "37322123456"}
            for i, (kind, quantity) in enumerate(kinds)]


def batches(per_batch: int = 5) -> list[bytes]:
    """Small batches, each with records of every line, so that both rating replicas take
    records of the same line (and spend the same allowance) at the same time."""
    by_line = [_records(n) for n in range(LINES)]
    mixed = [record for group in zip(*by_line, strict=True) for record in group]
    return [json.dumps({"records": mixed[i:i + per_batch]}).encode()
            for i in range(0, len(mixed), per_batch)]


PREPAID_CODE = "scaleout-prepaid"
PREPAID = {
    "name": "Scale-out prepaid", "payment_mode": "prepaid", "currency": "MDL",
    "monthly_fee": "50.00", "vat_rate": "0.20", "prices_include_vat": True,
    "effective_from": "2026-01-01", "allowances": [],
    "prices": [{"type": "sms", "direction": "out", "zone": "*", "unit_price": "0.50"}],
}
PREPAID_DAYS = 5
"""June 1st to 5th: each day's share of the 50.00 fee, 8.33 in all (``round(50 × 5 / 30)``)."""
PREPAID_FEES = Decimal("8.33")
