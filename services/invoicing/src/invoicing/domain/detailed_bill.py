"""Detailed bills: the itemised usage of an interval, for one direction, on request (SPEC I7).

The interval lies within the policy window (by default the 3 months before today) and ends no
later than today. Its rows are rating's records, one per call, message or data session (when
invoicing reads them from rating), else the rated usage items of the ledger as rating reported
them (line, type, day, zone, quantity, net, VAT, gross). A policy fee per request and
direction is charged when the document is made.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from invoicing.domain.account import BillingAccount
from invoicing.domain.detailed_records import record_lines, row_json
from invoicing.domain.ledger import LedgerEntry
from invoicing.domain.statement import Statement, StatementLine
from invoicing.domain.usage_record import UsageRecord

__all__ = ["DETAILED_BILL", "DIRECTIONS", "USAGE_TYPES", "DetailedBill", "DetailedBillError",
           "DetailedBillStatus", "check_interval", "detailed_statement", "records_statement",
           "row_json", "window_start"]

DETAILED_BILL = "detailed_bill"
DIRECTIONS = ("out", "in")
USAGE_TYPES = ("voice", "sms", "mms", "data")
_ZERO = Decimal(0)


class DetailedBillError(Exception):
    """A request the rules refuse."""


class DetailedBillStatus(StrEnum):
    PENDING = "pending"
    READY = "ready"


@dataclass(frozen=True, slots=True)
class DetailedBill:
    id: str
    account_id: str
    from_date: date
    to_date: date
    direction: str
    status: DetailedBillStatus
    fee: Decimal
    currency: str
    requested_at: datetime
    records: int = 0
    ready_at: datetime | None = None
    month: str | None = None
    """``YYYY-MM`` for the monthly detailed bill of a subscription, mailed once per month."""


def window_start(today: date, months: int) -> date:
    """The same day ``months`` months before ``today`` (the month's last day if it is shorter)."""
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))


def check_interval(start: date, end: date, today: date, months: int) -> None:
    if start > end:
        raise DetailedBillError("from is after to")
    if end > today:
        raise DetailedBillError(f"to is in the future (today is {today})")
    if start < window_start(today, months):
        raise DetailedBillError(f"from is older than the {months} months a detailed bill covers "
                                f"(the earliest day is {window_start(today, months)})")


def _row(entry: LedgerEntry) -> StatementLine:
    description = f"{entry.occurred_on.isoformat()} {entry.description}".strip()
    return StatementLine(msisdn=entry.msisdn or "", type=entry.type, description=description,
                         quantity=entry.quantity, unit=entry.unit, net=entry.net, vat=entry.vat,
                         gross=entry.gross)


def detailed_statement(bill: DetailedBill, account: BillingAccount,
                       items: Sequence[LedgerEntry], now: datetime) -> Statement:
    """The document of ``bill`` from the ledger: one row per rated item, per line, oldest first."""
    rows = tuple(_row(entry) for entry in sorted(
        items, key=lambda e: (e.msisdn or "", e.occurred_on, e.created_at, e.id)))
    return _statement(bill, account, rows, now)


def records_statement(bill: DetailedBill, account: BillingAccount,
                      records: Sequence[UsageRecord], now: datetime) -> Statement:
    """The document of ``bill`` from rating's records: one row per record (SPEC I7)."""
    return _statement(bill, account, record_lines(records, account.timezone), now)


def _statement(bill: DetailedBill, account: BillingAccount, rows: tuple[StatementLine, ...],
               now: datetime) -> Statement:
    total = sum((row.gross for row in rows), _ZERO)
    return Statement(
        invoice_id=bill.id, number=f"{bill.direction.upper()}-{bill.id[:8].upper()}",
        account_id=account.account_id, customer_name=account.customer_name,
        customer_address=account.address, language=account.language, currency=bill.currency,
        period_start=bill.from_date, period_end=bill.to_date, issued_at=now, due_date=None,
        opening_balance=_ZERO, lines=rows, payments=(), total_charges=total,
        vat_total=sum((row.vat for row in rows), _ZERO), total_paid=_ZERO, closing_balance=total,
        amount_due=_ZERO, kind=DETAILED_BILL)
