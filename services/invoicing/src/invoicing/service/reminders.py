"""Payment reminders: an unpaid invoice due within the policy's days is reminded of, once.

Like the overdue job, a chunk is one transaction and one statement picks and marks its
invoices (``reminded_on``), so each invoice is reminded of once whatever the passes, processes
or restarts; the event of each (``invoicing.invoice.reminded``) leaves through the outbox with
the mark and becomes a notice in the subscriber's language and channels.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from tarifa.audit import Actor, AuditEntry
from tarifa.messaging.catalogue import InvoiceReminded

from invoicing.domain.overdue import DueInvoice
from invoicing.service.ports import UnitOfWork

__all__ = ["CHUNK", "remind_due", "remind_due_chunk"]

JOB = Actor.system("invoicing.reminders")
CHUNK = 1000


async def remind_due(new_uow: Callable[[], UnitOfWork], today: date, days: int, *,
                     chunk: int = CHUNK) -> int:
    """Remind of every unpaid invoice due within ``days`` of ``today`` (0: no reminders)."""
    if days <= 0:
        return 0
    reminded = 0
    while (done := await remind_due_chunk(new_uow(), today, days, chunk)) == chunk:
        reminded += done
    return reminded + done


def _event(invoice: DueInvoice) -> InvoiceReminded:
    return InvoiceReminded(invoice_id=invoice.invoice_id, account_id=invoice.account_id,
                           number=invoice.number, due_date=invoice.due_date,
                           amount_due=invoice.amount_due, currency=invoice.currency)


async def remind_due_chunk(uow: UnitOfWork, today: date, days: int, limit: int) -> int:
    async with uow:
        due = await uow.invoices.remind_due(today, today + timedelta(days=days), limit)
        await uow.trail.record_all([AuditEntry(JOB, "invoice.reminded", "invoice", i.invoice_id,
                                               after={"due_date": i.due_date}) for i in due])
        for invoice in due:
            uow.emit(_event(invoice), subject=invoice.account_id)
        await uow.commit()
    return len(due)
