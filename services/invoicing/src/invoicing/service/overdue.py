"""Invoices left unpaid past their due date become overdue."""

from __future__ import annotations

from datetime import date

from tarifa.audit import Actor
from tarifa.messaging.catalogue import InvoiceOverdue

from invoicing.domain.invoice import InvoiceStatus
from invoicing.service.ports import UnitOfWork

__all__ = ["mark_overdue"]

JOB = Actor.system("invoicing.overdue")


async def mark_overdue(uow: UnitOfWork, today: date) -> int:
    """Mark and announce every open invoice whose due date is before ``today``."""
    async with uow:
        late = await uow.invoices.due_before(today)
        for invoice in late:
            await uow.invoices.set_status(invoice.id, InvoiceStatus.OVERDUE)
            await uow.trail.record(JOB, "invoice.overdue", "invoice", invoice.id,
                                   before={"status": invoice.status},
                                   after={"status": InvoiceStatus.OVERDUE})
            uow.emit(InvoiceOverdue(invoice_id=invoice.id, account_id=invoice.account_id),
                     subject=invoice.account_id)
        await uow.commit()
    return len(late)
