"""Balance low / negative: a notice when the balance crosses below zero, or below the policy's
threshold for its currency, not on every change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

__all__ = ["LOW_BALANCE", "NEGATIVE_BALANCE", "KnownBalance", "balance_notice",
           "crossed_below_zero"]

NEGATIVE_BALANCE = "invoicing.balance.changed"
LOW_BALANCE = "invoicing.balance.low"
"""The notice of a balance fallen below the threshold but not below zero: told from
``invoicing.balance.changed`` like the negative one, with a template of its own."""
_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class KnownBalance:
    """The last balance seen for an account, as of the time of the event that announced it."""

    account_id: str
    balance: Decimal
    at: datetime


def _crossed(previous: KnownBalance | None, balance: Decimal, at: datetime,
             threshold: Decimal) -> bool:
    if balance >= threshold:
        return False
    if previous is None:
        return True
    return previous.at <= at and previous.balance >= threshold


def crossed_below_zero(previous: KnownBalance | None, balance: Decimal, at: datetime) -> bool:
    """True when ``balance`` is negative and the last balance seen before ``at`` was not.

    An account never seen before started at zero. A change older than the one already seen
    arrived late and announces nothing.
    """
    return _crossed(previous, balance, at, _ZERO)


def balance_notice(previous: KnownBalance | None, balance: Decimal, at: datetime,
                   threshold: Decimal) -> str | None:
    """The notice a balance change calls for: the negative one when it crossed below zero, the
    low one when it crossed below a positive ``threshold`` only, else none."""
    if crossed_below_zero(previous, balance, at):
        return NEGATIVE_BALANCE
    if threshold > 0 and _crossed(previous, balance, at, threshold):
        return LOW_BALANCE
    return None
