"""Balance low / negative: a notice when the balance crosses below zero, not on every change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

__all__ = ["KnownBalance", "crossed_below_zero"]


@dataclass(frozen=True, slots=True)
class KnownBalance:
    """The last balance seen for an account, as of the time of the event that announced it."""

    account_id: str
    balance: Decimal
    at: datetime


def crossed_below_zero(previous: KnownBalance | None, balance: Decimal, at: datetime) -> bool:
    """True when ``balance`` is negative and the last balance seen before ``at`` was not.

    An account never seen before started at zero. A change older than the one already seen
    arrived late and announces nothing.
    """
    if balance >= 0:
        return False
    if previous is None:
        return True
    return previous.at <= at and previous.balance >= 0
