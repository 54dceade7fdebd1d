"""Invoices the daily jobs just marked: overdue (what each was) or reminded of (what is due)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from invoicing.domain.invoice import InvoiceStatus

__all__ = ["DueInvoice", "LateInvoice"]


@dataclass(frozen=True, slots=True)
class LateInvoice:
    invoice_id: str
    account_id: str
    was: InvoiceStatus


@dataclass(frozen=True, slots=True)
class DueInvoice:
    invoice_id: str
    account_id: str
    number: str
    due_date: date
    amount_due: Decimal
    currency: str
