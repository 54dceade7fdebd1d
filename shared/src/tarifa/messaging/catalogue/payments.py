"""The events of payments: payments, stored cards, autopay, refunds and registry rows settled
by hand."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from tarifa.messaging.catalogue._base import EventData

__all__ = [
    "AUTOPAY_END_REASONS", "AutopayEnded", "AutopayFailed", "AutopaySet", "PaymentFailed",
    "PaymentMethodActivated", "PaymentMethodFailed", "PaymentMethodSettled", "PaymentSucceeded",
    "RefundSucceeded", "RegistryImported", "RegistryRowClosed", "RegistryRowRejected",
    "RegistryRowReturned",
]

AUTOPAY_END_REASONS = ("account_closed", "mode_unsuitable", "cancelled")
"""Why a mandate ends: the account closed; its payment mode changed so that the mandate's mode
no longer fits it (``invoice`` is for postpaid, ``threshold`` for prepaid); the subscriber
switched autopay off."""


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


class PaymentMethodSettled(EventData):
    """A card registration the gateway settled (the data of ``payments.payment_method.activated``
    and ``payments.payment_method.failed``); ``card_last4`` when the gateway gives it."""

    payment_method_id: str
    account_id: str
    gateway: str
    status: str
    card_last4: str | None = None


class PaymentMethodActivated(PaymentMethodSettled):
    """The card was registered: its token is kept, autopay may use it."""

    routing_key = "payments.payment_method.activated"


class PaymentMethodFailed(PaymentMethodSettled):
    """The cardholder did not complete the registration, or the gateway refused the card."""

    routing_key = "payments.payment_method.failed"


class AutopaySet(EventData):
    """The account's autopay mandate was set up or changed (``PUT /v1/accounts/{id}/autopay``):
    mode ``invoice`` pays each new invoice, ``threshold`` tops the balance up by ``amount``
    when it falls below ``threshold`` (both absent for ``invoice``); ``replaced`` tells
    whether a mandate stood before."""

    routing_key = "payments.autopay.set"
    account_id: str
    mode: str
    payment_method_id: str
    threshold: Decimal | None = None
    amount: Decimal | None = None
    set_at: datetime
    replaced: bool


class AutopayEnded(EventData):
    """The account's autopay mandate ended; no card is charged for it any more. ``reason`` is
    one of :data:`AUTOPAY_END_REASONS`; ``payment_mode`` is the account's new payment mode
    when the mandate stopped fitting it."""

    routing_key = "payments.autopay.ended"
    account_id: str
    mode: str
    reason: str
    ended_at: datetime
    payment_method_id: str | None = None
    payment_mode: str | None = None


class RegistryImported(EventData):
    """A payment registry file was reconciled: ``matched`` rows paid (each announced as its
    ``payments.payment.succeeded``), ``duplicates`` skipped as paid before, ``unmatched``
    kept for an operator to assign or reject."""

    routing_key = "payments.registry.imported"
    registry_id: str
    submitted_by: str
    rows: int
    matched: int
    duplicates: int
    unmatched: int
    imported_at: datetime


class RegistryRowRejected(EventData):
    """A registry row that matched no account, rejected by an operator (the data of
    ``payments.registry_row.returned`` and ``payments.registry_row.closed``).

    ``amount`` is the row's amount read in its currency, absent when the row's amount is not
    one (``amount_given`` is the text as the row gave it); ``sender`` is who sent the registry
    (the partner whose channel gives a returned row's money back to its payer); ``account_id``
    is the account the row names when the replica knows exactly one (a row kept for another
    currency or for a closed account), else absent."""

    registry_id: str
    row: int
    reference: str
    amount: Decimal | None = None
    amount_given: str
    currency: str
    channel: str
    sender: str | None = None
    problem: str | None = None
    reason: str
    resolved_by: str
    resolved_at: datetime
    account_id: str | None = None


class RegistryRowReturned(RegistryRowRejected):
    """The row's money goes back to its payer through the channel that sent it."""

    routing_key = "payments.registry_row.returned"


class RegistryRowClosed(RegistryRowRejected):
    """The row is closed with nothing paid or returned (a test row, paid otherwise)."""

    routing_key = "payments.registry_row.closed"


class RefundSucceeded(EventData):
    routing_key = "payments.refund.succeeded"
    payment_id: str
    refund_id: str
    account_id: str
    amount: Decimal
    currency: str
