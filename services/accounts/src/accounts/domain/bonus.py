"""Bonus points (A9): their own ledger, and the one-time reward for switching to e-bills."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from tarifa.money import round_amount

from accounts.domain.account import Account, BillDelivery, DeliveryMedium
from accounts.domain.errors import InvalidRequest

__all__ = ["EBILL_SWITCH", "REDEMPTION", "BonusMovement", "credit_for", "is_switch_to_ebill",
           "redeem"]

EBILL_SWITCH = "ebill_switch"
REDEMPTION = "redemption"


@dataclass(frozen=True, slots=True)
class BonusMovement:
    """Points in (positive) or out (negative) of an account's bonus ledger."""

    account_id: str
    at: datetime
    points: int
    reason: str


def is_switch_to_ebill(before: BillDelivery, after: BillDelivery) -> bool:
    """A move from paper to e-bill; keeping an e-bill is no switch."""
    return before.medium is DeliveryMedium.PAPER and after.medium is DeliveryMedium.EBILL


def redeem(account: Account, points: int) -> Account:
    """Take points out of an open account's balance of points; never more than it holds."""
    account.check_open()
    if points < 1:
        raise InvalidRequest("redeem at least one point", field="points")
    if points > account.bonus_points:
        raise InvalidRequest(f"{points} points asked, {account.bonus_points} available",
                             field="points")
    return replace(account, bonus_points=account.bonus_points - points)


def credit_for(points: int, point_value: Decimal, currency: str) -> Decimal:
    """The account credit the points are worth, rounded to the currency's minor unit."""
    return round_amount(point_value * points, currency)
