"""The events of payments: payments, autopay and refunds."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from tarifa.messaging.catalogue._base import EventData

__all__ = [
    "AutopayFailed", "PaymentFailed", "PaymentSucceeded", "RefundSucceeded",
]


class PaymentSucceeded(EventData):
    routing_key = "payments.payment.succeeded"
    payment_id: str
    account_id: str
    payer: str | None
    amount: Decimal
    currency: str
    purpose: str
    invoice_id: str | None
    channel: str


class PaymentFailed(EventData):
    routing_key = "payments.payment.failed"
    payment_id: str
    account_id: str
    reason: str


class AutopayFailed(EventData):
    """An autopay charge of the account's stored card failed; ``next_attempt_at`` is absent
    when no attempt follows (tries used up, the due date reached, or the cardholder needed)."""

    routing_key = "payments.autopay.failed"
    account_id: str
    invoice_id: str | None = None
    attempt: int
    next_attempt_at: datetime | None = None
    reason: str
    amount: Decimal | None = None
    currency: str | None = None


class RefundSucceeded(EventData):
    routing_key = "payments.refund.succeeded"
    payment_id: str
    refund_id: str
    account_id: str
    amount: Decimal
    currency: str
