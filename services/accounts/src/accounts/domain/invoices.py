"""Postpaid invoices as seen from accounts (A5): when an unpaid one blocks its account.

An invoice left unpaid past its due date blocks the account once the grace period has passed:
by default the end of the month the invoice is due, or a number of days after the due date.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = ["OverdueInvoice", "blocking_instant", "grace_end"]


@dataclass(frozen=True, slots=True)
class OverdueInvoice:
    """An invoice invoicing announced overdue; it blocks from ``blocks_at`` until paid."""

    invoice_id: str
    account_id: str
    due_date: date
    blocks_at: datetime
    paid_at: datetime | None = None


def grace_end(due: date, grace_days: int | None) -> date:
    """The last day the invoice may stay unpaid without a block."""
    if grace_days is not None:
        return due + timedelta(days=grace_days)
    return due.replace(day=calendar.monthrange(due.year, due.month)[1])


def blocking_instant(due: date, timezone: str, grace_days: int | None) -> datetime:
    """Midnight after the grace period's last day, in the account's time zone."""
    day_after = grace_end(due, grace_days) + timedelta(days=1)
    return datetime.combine(day_after, time(0), tzinfo=ZoneInfo(timezone))
