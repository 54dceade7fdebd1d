"""The events of accounts: customers, billing accounts, lines and their lifecycle."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import Field

from tarifa.messaging.catalogue._base import EventData

__all__ = [
    "AccountBlocked", "AccountClosed", "AccountOpened", "AccountResumed", "AccountResuming",
    "AccountSuspended", "AccountUnblocked", "AccountUpdated", "BonusAwarded", "BonusRedeemed",
    "LineActivated", "LineClosed", "LinePlanChanged", "PromisedPaymentExpired",
    "PromisedPaymentExpiring", "PromisedPaymentGranted",
]


class AccountOpened(EventData):
    routing_key = "accounts.account.opened"
    account_id: str
    customer_id: str
    payment_mode: str
    currency: str
    timezone: str
    language: str
    bill_delivery: dict[str, Any]
    email: str | None = None
    phone: str | None = None
    customer_name: str | None = None
    address: str | None = None


class AccountUpdated(EventData):
    """A change of the account's bill delivery, of its payment mode, or of its customer's
    details: a profile change carries the whole profile as it now stands (customer_name,
    customer_kind, email, phone, address, language), so that a replica keeps the newest one by
    the event's time."""

    routing_key = "accounts.account.updated"
    account_id: str
    bill_delivery: dict[str, Any] | None = None
    customer_name: str | None = None
    customer_kind: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    language: str | None = None
    payment_mode: str | None = None
    """``prepaid`` or ``postpaid`` when an operator moved the account to that mode."""


class LineActivated(EventData):
    routing_key = "accounts.line.activated"
    account_id: str
    msisdn: str
    plan_code: str
    connected_at: datetime


class LinePlanChanged(EventData):
    routing_key = "accounts.line.plan_changed"
    msisdn: str
    from_plan: str
    to_plan: str
    effective_at: datetime
    account_id: str | None = None


class LineClosed(EventData):
    """A line closed from ``closed_at`` on: no usage nor fee after it; its number is free for a
    new line once ``number_free_from`` has passed (the quarantine)."""

    routing_key = "accounts.line.closed"
    account_id: str
    msisdn: str
    closed_at: datetime
    number_free_from: datetime
    reason: str = ""


class AccountClosed(EventData):
    """An account closed at ``closed_at`` (its lines closed with it, each its own event): the
    final invoice bills what is unbilled up to the account's local date ``closed_on``."""

    routing_key = "accounts.account.closed"
    account_id: str
    closed_at: datetime
    closed_on: date
    reason: str = ""


class AccountSuspended(EventData):
    routing_key = "accounts.account.suspended"
    account_id: str
    from_: date | None = Field(None, alias="from")
    until: date | None = None
    from_at: datetime | None = None
    until_at: datetime | None = None


class AccountResumed(AccountSuspended):
    routing_key = "accounts.account.resumed"


class AccountResuming(AccountSuspended):
    """A suspension ends tomorrow (a day before its end, once)."""

    routing_key = "accounts.account.resuming"


class AccountBlocked(EventData):
    routing_key = "accounts.account.blocked"
    account_id: str
    reason: str


class AccountUnblocked(AccountBlocked):
    routing_key = "accounts.account.unblocked"


class PromisedPaymentGranted(EventData):
    routing_key = "accounts.promised_payment.granted"
    account_id: str
    until: datetime


class PromisedPaymentExpired(PromisedPaymentGranted):
    routing_key = "accounts.promised_payment.expired"


class PromisedPaymentExpiring(PromisedPaymentGranted):
    """A promised payment ends tomorrow (a day before its end, once)."""

    routing_key = "accounts.promised_payment.expiring"


class BonusAwarded(EventData):
    routing_key = "accounts.bonus.awarded"
    account_id: str
    points: int
    reason: str


class BonusRedeemed(BonusAwarded):
    routing_key = "accounts.bonus.redeemed"
    credit: Decimal | None = None
    """The account credit the points buy, in ``currency``, for invoicing's ledger."""
    currency: str | None = None
