"""An invoice the overdue job has just marked: what it was, for the audit and the event."""

from __future__ import annotations

from dataclasses import dataclass

from invoicing.domain.invoice import InvoiceStatus

__all__ = ["LateInvoice"]


@dataclass(frozen=True, slots=True)
class LateInvoice:
    invoice_id: str
    account_id: str
    was: InvoiceStatus
