"""Allocating payments to open invoices, oldest first; the rest stays an advance (SPEC I9)."""

from __future__ import annotations

from decimal import Decimal

from tarifa.messaging.catalogue import InvoicePaid

from invoicing.domain.invoice import OpenInvoice, allocate
from invoicing.service.ports import UnitOfWork

__all__ = ["apply_advances", "settle"]


def _preferred_first(invoices: list[OpenInvoice], preferred: str | None) -> list[OpenInvoice]:
    return sorted(invoices, key=lambda invoice: invoice.invoice_id != preferred)


async def settle(uow: UnitOfWork, account_id: str, entry_id: str, amount: Decimal,
                 preferred: str | None = None) -> None:
    """Share a payment entry over the open invoices; announce every invoice it settles."""
    open_invoices = _preferred_first(await uow.invoices.open_oldest_first(account_id), preferred)
    statuses = {invoice.invoice_id: invoice.status for invoice in open_invoices}
    for allocation in allocate(amount, open_invoices):
        status = allocation.status(statuses[allocation.invoice_id])
        await uow.invoices.allocate(entry_id, allocation, status, uow.clock.now())
        if allocation.settles:
            uow.emit(InvoicePaid(invoice_id=allocation.invoice_id, account_id=account_id),
                     subject=account_id)


async def apply_advances(uow: UnitOfWork, account_id: str) -> None:
    """Allocate payments received after the last statement and not allocated yet."""
    for entry_id, remaining in await uow.ledger.unallocated_credits(account_id):
        await settle(uow, account_id, entry_id, remaining)
