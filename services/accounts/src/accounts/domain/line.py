"""Lines (MSISDNs) on an account, and the plans they may take from the rating replica."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from accounts.domain.account import Account, PaymentMode
from accounts.domain.errors import InvalidRequest

__all__ = ["Line", "LineStatus", "Plan", "normalise_msisdn"]

_MSISDN = re.compile(r"\+?([1-9][0-9]{6,14})")


def normalise_msisdn(text: str) -> str:
    """E.164 digits without the ``+``; anything else is refused."""
    match = _MSISDN.fullmatch(text.strip())
    if match is None:
        raise InvalidRequest(f"{text!r} is not an E.164 number", field="msisdn")
    return match.group(1)


class LineStatus(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Plan:
    """A plan version as rating published it."""

    code: str
    version: int
    payment_mode: PaymentMode
    monthly_fee: Decimal
    currency: str
    vat_rate: Decimal
    effective_from: date

    def check_fits(self, account: Account) -> None:
        if self.payment_mode is not account.payment_mode:
            raise InvalidRequest(f"plan {self.code} is {self.payment_mode}, the account is "
                                 f"{account.payment_mode}", field="plan_code")
        if self.currency != account.currency:
            raise InvalidRequest(f"plan {self.code} is priced in {self.currency}, the account "
                                 f"is billed in {account.currency}", field="plan_code")

    def check_affordable(self, account: Account, balance: Decimal) -> None:
        """A prepaid account takes a plan only with a balance of at least one monthly fee (A5)."""
        if account.payment_mode is PaymentMode.PREPAID and balance < self.monthly_fee:
            raise InvalidRequest(f"plan {self.code} needs a balance of at least one monthly fee "
                                 f"({self.monthly_fee} {self.currency}); the balance is "
                                 f"{balance}", field="plan_code")


@dataclass(frozen=True, slots=True)
class Line:
    id: str
    account_id: str
    msisdn: str
    plan_code: str
    connected_at: datetime
    status: LineStatus = LineStatus.ACTIVE
    pending_plan: str | None = None
    pending_at: datetime | None = None
    closed_at: datetime | None = None
    number_free_from: datetime | None = None
    """A closed line's number may go to a new line from then on (the quarantine's end)."""
