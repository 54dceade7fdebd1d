"""Many accounts written straight into the invoicing database (``COPY``), for billing runs at
scale: replica rows, one line each and a few charges a month, some with a payment."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg

ACCOUNT = ["account_id", "currency", "payment_mode", "language", "timezone", "customer_name",
           "address", "delivery_medium", "delivery_address"]
LEDGER = ["id", "account_id", "kind", "type", "currency", "occurred_on", "amount",
          "source_event_id", "created_at", "msisdn", "direction", "description", "quantity",
          "unit", "net", "vat", "gross", "channel", "reference", "vat_rate", "vat_included"]
# (type, direction, unit, quantity, VAT rate or None, prices include VAT, net or gross, VAT)
CHARGES: tuple[tuple[Any, ...], ...] = (
    ("voice", "out", "second", "125", "0.20", False, "1.2345678", None),
    ("sms", "out", "sms", "3", "0.20", False, "1.5000001", None),
    ("data", "in", "byte", "1048576", "0.08", False, "0.3333333", None),
    ("fee", None, "month", "1", "0.20", True, "99.99", None),
    ("one_off", None, "item", "1", None, False, "10.00", "1.99"),
)


def _amounts(charge: tuple[Any, ...], scale: int) -> tuple[Decimal, Decimal, Decimal]:
    rate, included, price, fixed_vat = charge[4], charge[5], Decimal(charge[6]), charge[7]
    price = price * (1 + Decimal(scale % 7) / 10)
    if rate is None:
        vat = Decimal(fixed_vat)
        return price, vat, price + vat
    if included:
        net = price / (1 + Decimal(rate))
        return net, price - net, price
    return price, price * Decimal(rate), price * (1 + Decimal(rate))


def _charge(account_id: str, msisdn: str, day: date, charge: tuple[Any, ...],
            scale: int) -> tuple[Any, ...]:
    kind, direction, unit, quantity, rate, included = charge[:6]
    net, vat, gross = _amounts(charge, scale)
    return (str(uuid.uuid4()), account_id, "charge", kind, "MDL", day, -gross, "seed",
            datetime.now(UTC), msisdn, direction, f"{kind} of the month" if direction is None
            else "", Decimal(quantity), unit, net, vat, gross, "", "",
            Decimal(rate) if rate else None, bool(included))


def _payment(account_id: str, day: date, amount: Decimal) -> tuple[Any, ...]:
    return (str(uuid.uuid4()), account_id, "payment", "payment", "MDL", day, amount, "seed",
            datetime.now(UTC), None, None, "", Decimal(0), "", Decimal(0), Decimal(0),
            Decimal(0), "card", str(uuid.uuid4()), None, False)


def account_row(account_id: str, currency: str = "MDL",
                payment_mode: str = "postpaid") -> tuple[Any, ...]:
    return (account_id, currency, payment_mode, "ro", "UTC", "Ion Popescu", "str. Mare 1",
            "ebill", "ion@example.md")


async def seed(dsn: str, prefix: str, count: int, month: date) -> list[str]:
    """``count`` accounts ``{prefix}-NNNNN`` connected on ``month``'s first day, with
    ``charges`` of that month; their ids."""
    ids = [f"{prefix}-{n:05d}" for n in range(count)]
    conn = await asyncpg.connect(dsn)
    try:
        await conn.copy_records_to_table("accounts", columns=ACCOUNT, records=[
            account_row(a, payment_mode="prepaid" if n % 4 == 3 else "postpaid")
            for n, a in enumerate(ids)])
        await conn.copy_records_to_table("lines", records=[(msisdn(a), a, month) for a in ids])
    finally:
        await conn.close()
    await charges(dsn, ids, month)
    return ids


def msisdn(account_id: str) -> str:
    return f"m-{account_id}"


async def charges(dsn: str, ids: list[str], month: date) -> None:
    """Charges of ``month`` for each account (of every VAT kind, unrounded, some late: dated
    the month before) and, one account in three, a payment; the same for the same position."""
    rows = [_charge(a, msisdn(a), month + timedelta(days=n % 27) if i else month - timedelta(
                days=1 + n % 3), c, n + i)
            for n, a in enumerate(ids) for i, c in enumerate(CHARGES[:2 + n % 4])]
    rows += [_payment(a, month + timedelta(days=20), Decimal("30.00") + n)
             for n, a in enumerate(ids) if n % 3 == 0]
    conn = await asyncpg.connect(dsn)
    try:
        await conn.copy_records_to_table("ledger", records=rows, columns=LEDGER)
    finally:
        await conn.close()
