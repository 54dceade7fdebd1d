"""Stored cards (payment methods) and the autopay mandates that use them (P6)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from payments.domain.payment import PaymentError

__all__ = ["MODE_FOR", "AutopayMandate", "MethodStatus", "ModeUnsuitable", "PaymentMethod"]

MODE_FOR = {"invoice": "postpaid", "threshold": "prepaid"}
"""The accounts each autopay mode is for: invoices are postpaid's, a balance to keep up prepaid's."""


class ModeUnsuitable(PaymentError):
    """The autopay mode does not fit how the account pays (prepaid or postpaid)."""


class MethodStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class PaymentMethod:
    """A card registered on a gateway; the suite keeps only the gateway's token."""

    id: str
    account_id: str
    gateway: str
    status: MethodStatus
    created_at: datetime
    gateway_ref: str | None = None
    redirect_url: str | None = None
    token: str | None = None
    card_last4: str | None = None

    def activated(self, token: str, last4: str | None) -> PaymentMethod | None:
        if self.status is not MethodStatus.PENDING:
            return None
        return replace(self, status=MethodStatus.ACTIVE, token=token, card_last4=last4)

    def refused(self) -> PaymentMethod | None:
        return replace(self, status=MethodStatus.FAILED) if self.status is MethodStatus.PENDING else None


@dataclass(frozen=True, slots=True)
class AutopayMandate:
    """Pay each new invoice, or top up by ``amount`` when the balance falls below ``threshold``."""

    account_id: str
    payment_method_id: str
    mode: str
    updated_at: datetime
    threshold: Decimal | None = None
    amount: Decimal | None = None

    def check(self, method: PaymentMethod) -> None:
        if method.account_id != self.account_id or method.status is not MethodStatus.ACTIVE:
            raise PaymentError(f"payment method {method.id} is not an active card of this account")
        if self.mode == "threshold" and (self.threshold is None or not self.amount):
            raise PaymentError("threshold autopay needs a threshold and a positive amount")

    def suits(self, payment_mode: str | None) -> bool:
        """Whether the mode fits an account that pays ``payment_mode`` (unknown: assumed so)."""
        return payment_mode is None or MODE_FOR.get(self.mode) == payment_mode

    def check_mode(self, payment_mode: str | None) -> None:
        if not self.suits(payment_mode):
            raise ModeUnsuitable(f"autopay mode {self.mode} is for {MODE_FOR.get(self.mode)} "
                                 f"accounts; account {self.account_id} is {payment_mode}")
