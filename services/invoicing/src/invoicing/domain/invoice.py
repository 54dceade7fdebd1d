"""Invoices: an issued statement with a number, a due date and a payment status.

An issued invoice never changes; only its status moves (issued → partially paid / paid,
overdue). ``payable`` is the part of ``amount_due`` that this invoice adds to what older open
invoices already ask for, so that the open amounts of all invoices add up to the debt and
payments can be allocated oldest first (SPEC I9).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from invoicing.domain.statement import StatementLine
from invoicing.domain.vat import VatAmount

__all__ = ["Allocation", "Invoice", "InvoiceStatus", "OpenInvoice", "allocate"]


class InvoiceStatus(StrEnum):
    ISSUED = "issued"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    OVERDUE = "overdue"
    CREDITED = "credited"


OPEN = (InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.OVERDUE)


@dataclass(frozen=True, slots=True)
class Invoice:
    id: str
    number: str
    account_id: str
    period_start: date
    period_end: date
    issued_at: datetime
    due_date: date | None
    currency: str
    opening_balance: Decimal
    lines: tuple[StatementLine, ...]
    total_charges: Decimal
    vat_total: Decimal
    total_paid: Decimal
    closing_balance: Decimal
    amount_due: Decimal
    payable: Decimal
    status: InvoiceStatus
    run_id: str | None = None
    vat_breakdown: tuple[VatAmount, ...] = ()


@dataclass(frozen=True, slots=True)
class OpenInvoice:
    """An invoice that still waits for ``open_amount``."""

    invoice_id: str
    open_amount: Decimal
    status: InvoiceStatus


@dataclass(frozen=True, slots=True)
class Allocation:
    invoice_id: str
    amount: Decimal
    settles: bool

    def status(self, before: InvoiceStatus) -> InvoiceStatus:
        if self.settles:
            return InvoiceStatus.PAID
        return before if before is InvoiceStatus.OVERDUE else InvoiceStatus.PARTIALLY_PAID


def allocate(amount: Decimal, oldest_first: list[OpenInvoice]) -> list[Allocation]:
    """Share ``amount`` over the open invoices, oldest first; what is left is an advance."""
    allocations: list[Allocation] = []
    for invoice in oldest_first:
        if amount <= 0:
            break
        share = min(amount, invoice.open_amount)
        if share > 0:
            allocations.append(Allocation(invoice.invoice_id, share, share == invoice.open_amount))
            amount -= share
    return allocations
