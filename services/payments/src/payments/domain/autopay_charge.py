"""Autopay charges (P6): what an autopay mandate owes the stored card, and its attempts.

One charge per issued invoice (mode ``invoice``) or per fall of the balance below the
threshold (mode ``threshold``). Each attempt charges the card under its own order id
(``<charge id>.<attempt>``); an attempt whose answer never came is ``unknown`` and is settled
from the gateway's status before anything else happens to the charge, so a card is never
charged twice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum

__all__ = ["AutopayCharge", "AutopayPolicy", "ChargeOutcome", "ChargeStatus", "RetryPolicy",
           "threshold_crossed"]


class ChargeStatus(StrEnum):
    SCHEDULED = "scheduled"
    UNKNOWN = "unknown"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class ChargeOutcome:
    """The gateway's answer to a charge: ``succeeded``, ``failed`` or ``requires_action``."""

    status: str
    ref: str | None = None
    reason: str | None = None

    @property
    def retryable(self) -> bool:
        """A charge that needs the cardholder is not tried again without them."""
        return self.status == "failed"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """``delays[n]`` days after the failed attempt ``n + 1`` comes the next, never past the
    due date, at most ``max_attempts`` attempts in all."""

    delays: tuple[int, ...]
    max_attempts: int

    def next_attempt(self, after: datetime, attempts: int, due: date | None) -> datetime | None:
        if attempts >= self.max_attempts or attempts > len(self.delays):
            return None
        at = after + timedelta(days=self.delays[attempts - 1])
        if due is None or at.date() <= due:
            return at
        last = datetime.combine(due, time(0), tzinfo=UTC)
        return last if last > after else None


@dataclass(frozen=True, slots=True)
class AutopayPolicy:
    """The retry schedule, when an invoice is paid (on issue, or ``days_before_due``), and how
    long an unanswered attempt is left before the gateway's status is asked."""

    retry: RetryPolicy
    days_before_due: int | None
    settle_after: timedelta

    def first_attempt_at(self, now: datetime, due: date | None) -> datetime:
        """On issue, or ``days_before_due`` the due date (never in the past)."""
        if due is None or self.days_before_due is None:
            return now
        start = due - timedelta(days=self.days_before_due)
        return max(now, datetime.combine(start, time(0), tzinfo=UTC))


def threshold_crossed(was_below: bool, balance: Decimal, threshold: Decimal) -> bool:
    """True when the balance falls below the threshold; once per fall, not once per change."""
    return balance < threshold and not was_below


@dataclass(frozen=True, slots=True)
class AutopayCharge:
    id: str
    account_id: str
    trigger: str
    amount: Decimal
    currency: str
    status: ChargeStatus
    next_attempt_at: datetime
    created_at: datetime
    attempts: int = 0
    invoice_id: str | None = None
    due_date: date | None = None
    order_id: str | None = None
    payment_id: str | None = None
    reason: str | None = None

    def ready(self, now: datetime) -> bool:
        """Waiting for its next attempt, and that attempt is due."""
        return self.status is ChargeStatus.SCHEDULED and self.next_attempt_at <= now

    @property
    def attempt_order(self) -> str:
        """The gateway order id of the current (last) attempt."""
        return f"{self.id}.{self.attempts}"

    def started(self, settle_after: datetime) -> AutopayCharge:
        """The next attempt under way: unknown until the gateway answers (or its status does)."""
        attempt = self.attempts + 1
        return replace(self, attempts=attempt, status=ChargeStatus.UNKNOWN,
                       order_id=f"{self.id}.{attempt}", next_attempt_at=settle_after)

    def answered_by(self, order_id: str) -> bool:
        """The attempt ``order_id`` is the one under way, still without its answer."""
        return self.status is ChargeStatus.UNKNOWN and self.order_id == order_id

    def succeeded(self, payment_id: str) -> AutopayCharge:
        return replace(self, status=ChargeStatus.SUCCEEDED, payment_id=payment_id, reason=None)

    def failed(self, reason: str, next_at: datetime | None) -> AutopayCharge:
        if next_at is None:
            return replace(self, status=ChargeStatus.FAILED, reason=reason)
        return replace(self, status=ChargeStatus.SCHEDULED, reason=reason, next_attempt_at=next_at)

    def cancelled(self, reason: str) -> AutopayCharge | None:
        """Nothing more to charge (the invoice was paid otherwise); only before an attempt."""
        if self.status is not ChargeStatus.SCHEDULED:
            return None
        return replace(self, status=ChargeStatus.CANCELLED, reason=reason)
