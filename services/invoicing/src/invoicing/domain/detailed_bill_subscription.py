"""The monthly detailed bill by email (SPEC I7, seed 002): a subscription per account.

Once switched on, each calendar month that ends while it is on is mailed at the start of the
next one: its outgoing records, at the policy's monthly fee. A month that ended before the
subscription began is not mailed (nor charged), nor one that began after the account closed.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime

__all__ = ["MONTHLY_DIRECTION", "Month", "Subscription", "due_month", "previous_month"]

MONTHLY_DIRECTION = "out"


@dataclass(frozen=True, slots=True)
class Subscription:
    account_id: str
    active: bool
    since: datetime | None
    """When it was last switched on."""
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class Month:
    key: str
    """``YYYY-MM``."""
    first: date
    last: date


def previous_month(today: date) -> Month:
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    last = date(year, month, calendar.monthrange(year, month)[1])
    return Month(f"{year:04d}-{month:02d}", date(year, month, 1), last)


def due_month(subscription: Subscription, today: date, since_day: date | None,
              closed_on: date | None = None) -> Month | None:
    """The month to mail on ``today`` (local), if the subscription was on before it ended and
    the account was still open when it began."""
    month = previous_month(today)
    if not subscription.active or since_day is None or since_day > month.last:
        return None
    if closed_on is not None and closed_on < month.first:
        return None
    return month
