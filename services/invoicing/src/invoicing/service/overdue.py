"""Invoices left unpaid past their due date become overdue, a chunk of invoices at a time.

A chunk is one transaction and one statement picks and marks its invoices (skipping those a
payment holds; the next pass takes them), so a million open invoices cost a thousand
transactions, not a million. Only unpaid invoices are picked, so a second pass on the same day,
a concurrent one or one after a restart marks and announces each invoice once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from tarifa.audit import Actor, AuditEntry
from tarifa.messaging.catalogue import InvoiceOverdue

from invoicing.domain.invoice import InvoiceStatus
from invoicing.domain.overdue import LateInvoice
from invoicing.service.ports import UnitOfWork

__all__ = ["CHUNK", "mark_overdue", "mark_overdue_chunk"]

JOB = Actor.system("invoicing.overdue")
CHUNK = 1000


async def mark_overdue(new_uow: Callable[[], UnitOfWork], today: date, *,
                       chunk: int = CHUNK) -> int:
    """Mark and announce every open invoice whose due date is before ``today``."""
    marked = 0
    while (done := await mark_overdue_chunk(new_uow(), today, chunk)) == chunk:
        marked += done
    return marked + done


def _entry(late: LateInvoice) -> AuditEntry:
    return AuditEntry(JOB, "invoice.overdue", "invoice", late.invoice_id,
                      before={"status": late.was}, after={"status": InvoiceStatus.OVERDUE})


async def mark_overdue_chunk(uow: UnitOfWork, today: date, limit: int) -> int:
    """Mark up to ``limit`` invoices overdue in one transaction, with their audit and events."""
    async with uow:
        late = await uow.invoices.mark_overdue_before(today, limit)
        await uow.trail.record_all([_entry(invoice) for invoice in late])
        for invoice in late:
            uow.emit(InvoiceOverdue(invoice_id=invoice.invoice_id, account_id=invoice.account_id),
                     subject=invoice.account_id)
        await uow.commit()
    return len(late)
