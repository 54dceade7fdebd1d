"""The events of invoicing: the ledger, invoices and detailed bills."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tarifa.messaging.catalogue._base import EventData

__all__ = [
    "BalanceChanged", "ChargePosted", "DetailedBillReady", "InvoiceIssued", "InvoiceOverdue",
    "InvoicePaid", "InvoiceReminded", "MonthlyDetailedBillReady",
]


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
