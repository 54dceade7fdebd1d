"""The event catalogue of the contract: one data model per routing key.

Money travels as decimal strings (pydantic renders ``Decimal`` as a string in JSON mode).
Models accept unknown fields so that producers may add data without breaking consumers.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["CATALOGUE", "EventData"]


class EventData(BaseModel):
    model_config = ConfigDict(
        extra="allow", frozen=True, populate_by_name=True, serialize_by_alias=True
    )
    routing_key: ClassVar[str]


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
    """A change of the account's bill delivery, or of its customer's details: a profile change
    carries the whole profile as it now stands (customer_name, customer_kind, email, phone,
    address, language), so that a replica keeps the newest one by the event's time."""

    routing_key = "accounts.account.updated"
    account_id: str
    bill_delivery: dict[str, Any] | None = None
    customer_name: str | None = None
    customer_kind: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    language: str | None = None


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


class PlanPublished(EventData):
    routing_key = "rating.plan.published"
    code: str
    version: int
    payment_mode: str
    monthly_fee: Decimal
    currency: str
    vat_rate: Decimal
    effective_from: date
    name: str | None = None
    prices_include_vat: bool | None = None


class PackagePublished(EventData):
    """An add-on package of the catalogue, defined or changed."""

    routing_key = "rating.package.published"
    code: str
    name: str
    payment_mode: str
    currency: str
    monthly_fee: Decimal
    vat_rate: Decimal


class PackageSwitchedOn(EventData):
    routing_key = "rating.package.switched_on"
    account_id: str
    msisdn: str
    code: str
    at: datetime


class PackageSwitchedOff(PackageSwitchedOn):
    routing_key = "rating.package.switched_off"


class RatedItem(BaseModel):
    msisdn: str
    type: str
    direction: str
    quantity: int
    net: Decimal
    vat: Decimal
    gross: Decimal
    usage_date: date
    zone: str | None = None
    unit: str | None = None
    late: bool = False
    """Usage of a period already invoiced: billed on the next invoice, dated ``usage_date``."""
    vat_rate: Decimal | None = None
    prices_include_vat: bool = False
    """Amounts are exact (unrounded); the ledger rounds them once per period with a carry."""


class UsageTotals(BaseModel):
    net: Decimal
    vat: Decimal
    gross: Decimal


class AccountUsage(BaseModel):
    """What one ingest batch charged one account: its items and their exact totals."""

    account_id: str
    currency: str
    items: list[RatedItem]
    totals: UsageTotals


class UsageRated(EventData):
    """One event per ingest batch, with the charges of every account it touched; ``subject`` is
    the account id when the batch touched one account."""

    routing_key = "rating.usage.rated"
    batch_id: str
    accounts: list[AccountUsage]


class FeeCharged(EventData):
    routing_key = "rating.fee.charged"
    account_id: str
    msisdn: str
    kind: str
    period_date: date
    net: Decimal
    vat: Decimal
    gross: Decimal
    currency: str | None = None
    vat_rate: Decimal | None = None
    prices_include_vat: bool = False


class RerateItem(RatedItem):
    """A re-rated item: ``net``, ``vat`` and ``gross`` are the difference (new − old)."""

    old_net: Decimal
    new_net: Decimal
    old_gross: Decimal
    new_gross: Decimal


class UsageRerated(EventData):
    routing_key = "rating.usage.rerated"
    account_id: str
    run_id: str
    currency: str
    items: list[RerateItem]
    difference_net: Decimal
    difference_gross: Decimal


class AllowanceExhausted(EventData):
    routing_key = "rating.allowance.exhausted"
    account_id: str
    msisdn: str
    allowance: str


class BalanceChanged(EventData):
    routing_key = "invoicing.balance.changed"
    account_id: str
    balance: Decimal
    currency: str
    cause: str


class ChargePosted(EventData):
    """A one-off charge an operator posted to an account's ledger, as posted (minor units)."""

    routing_key = "invoicing.charge.posted"
    account_id: str
    charge_id: str
    description: str
    currency: str
    net: Decimal
    vat: Decimal
    gross: Decimal
    vat_rate: Decimal
    occurred_on: date


class InvoiceIssued(EventData):
    routing_key = "invoicing.invoice.issued"
    invoice_id: str
    number: str
    account_id: str
    period_start: date
    period_end: date
    total_charges: Decimal
    amount_due: Decimal
    due_date: date | None
    currency: str


class InvoicePaid(EventData):
    routing_key = "invoicing.invoice.paid"
    invoice_id: str
    account_id: str


class InvoiceOverdue(InvoicePaid):
    routing_key = "invoicing.invoice.overdue"


class InvoiceReminded(EventData):
    """A payment reminder: the invoice is due in a policy number of days and still unpaid."""

    routing_key = "invoicing.invoice.reminded"
    invoice_id: str
    account_id: str
    number: str
    due_date: date
    amount_due: Decimal
    currency: str


class DetailedBillReady(EventData):
    routing_key = "invoicing.detailed_bill.ready"
    account_id: str
    document_id: str


class MonthlyDetailedBillReady(EventData):
    """The detailed bill of ``month`` (outgoing records) for an account subscribed to it by
    email, made and charged; notifications mails it with its PDF."""

    routing_key = "invoicing.monthly_detailed_bill.ready"
    account_id: str
    document_id: str
    month: str
    from_date: date
    to_date: date


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


class MessageSent(EventData):
    routing_key = "notifications.message.sent"
    message_id: str
    event_id: str
    channel: str
    account_id: str | None


class MessageFailed(MessageSent):
    routing_key = "notifications.message.failed"


CATALOGUE: dict[str, type[EventData]] = {
    model.routing_key: model
    for model in (
        AccountOpened, AccountUpdated, LineActivated, LinePlanChanged, LineClosed, AccountClosed,
        AccountSuspended,
        AccountResumed, AccountBlocked, AccountUnblocked, PromisedPaymentGranted,
        PromisedPaymentExpired, PromisedPaymentExpiring, AccountResuming, BonusAwarded,
        BonusRedeemed, PlanPublished, UsageRated,
        UsageRerated, FeeCharged, AllowanceExhausted, BalanceChanged, ChargePosted,
        InvoiceIssued, InvoicePaid, InvoiceOverdue, InvoiceReminded, DetailedBillReady,
        PaymentSucceeded,
        PaymentFailed, AutopayFailed, RefundSucceeded,
        MessageSent, MessageFailed,
        PackagePublished, PackageSwitchedOn, PackageSwitchedOff,
        MonthlyDetailedBillReady,
    )
}
