"""Payments: who pays, for which account, how much, through which channel."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

__all__ = ["AccountRef", "BalanceAt", "Payment", "PaymentError", "PaymentStatus", "latest_balances",
           "line_key"]


def line_key(msisdn: str) -> str:
    """A phone number as lines are known by: E.164 digits without the ``+``, as accounts
    announces them, so ``+37369000001`` in a registry finds the line ``37369000001``."""
    return msisdn.strip().removeprefix("+")


class PaymentError(Exception):
    """A payment request the rules refuse."""


class PaymentStatus(StrEnum):
    REQUIRES_ACTION = "requires_action"
    PROCESSING = "processing"
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @property
    def pending(self) -> bool:
        return self in (PaymentStatus.REQUIRES_ACTION, PaymentStatus.PROCESSING)


@dataclass(frozen=True, slots=True)
class BalanceAt:
    """A ledger balance of an account as invoicing announced it at ``at``."""

    account_id: str
    balance: Decimal
    at: datetime


def latest_balances(announced: Iterable[BalanceAt]) -> list[BalanceAt]:
    """The latest balance of each account (of two at the same time, the one given last)."""
    latest: dict[str, BalanceAt] = {}
    for balance in announced:
        kept = latest.get(balance.account_id)
        if kept is None or kept.at <= balance.at:
            latest[balance.account_id] = balance
    return list(latest.values())


@dataclass(frozen=True, slots=True)
class AccountRef:
    """The payments replica of a billing account."""

    account_id: str
    currency: str
    status: str = "active"
    payment_mode: str | None = None
    """``prepaid`` or ``postpaid``; None for an account replicated before the mode was kept."""
    balance: Decimal | None = None
    """The ledger balance invoicing last announced (negative: owed); None before any."""


@dataclass(frozen=True, slots=True)
class Payment:
    """A payment into ``account_id`` (the beneficiary) made by ``payer``."""

    id: str
    account_id: str
    amount: Decimal
    currency: str
    channel: str
    reference: str
    purpose: str
    status: PaymentStatus
    payer: str | None
    created_at: datetime
    invoice_id: str | None = None
    msisdn: str | None = None
    gateway: str | None = None
    gateway_ref: str | None = None
    redirect_url: str | None = None
    return_url: str | None = None
    refunded: Decimal = Decimal(0)
    failure_reason: str | None = None
    paid_at: datetime | None = None
    """When the payer paid, as the channel reports it (a registry row's ``paid_at``)."""

    def check_currency(self, account: AccountRef) -> None:
        if self.currency != account.currency:
            raise PaymentError(
                f"account {account.account_id} is billed in {account.currency}, not {self.currency}"
            )

    def repeated_by(self, other: Payment) -> bool:
        """Whether ``other`` is this payment told again: same beneficiary, amount and currency."""
        return (self.account_id, self.amount, self.currency) == (
            other.account_id, other.amount, other.currency)

    def succeeded(self) -> Payment | None:
        """The payment once confirmed, or None when it is no longer waiting for confirmation."""
        return replace(self, status=PaymentStatus.SUCCEEDED) if self.status.pending else None

    def failed(self, reason: str) -> Payment | None:
        """The payment once refused, or None when it is no longer waiting for confirmation."""
        if not self.status.pending:
            return None
        return replace(self, status=PaymentStatus.FAILED, failure_reason=reason)

    @property
    def refundable(self) -> Decimal:
        """What may still be refunded: paid minus refunded, nothing unless it succeeded."""
        if self.status is not PaymentStatus.SUCCEEDED:
            return Decimal(0)
        return self.amount - self.refunded

    def refund(self, amount: Decimal) -> Payment:
        """The payment after refunding ``amount``; never more than :attr:`refundable`."""
        if self.status is not PaymentStatus.SUCCEEDED:
            raise PaymentError(f"payment {self.id} is {self.status}; only a succeeded one is refunded")
        if amount <= 0 or amount > self.refundable:
            raise PaymentError(f"a refund of {amount} exceeds the {self.refundable} "
                               f"{self.currency} left to refund on payment {self.id}")
        return replace(self, refunded=self.refunded + amount)
