"""Phase two of issuing: render the invoices' documents, store them, announce the invoices.

Each document is stored in the same transaction as the ``invoicing.invoice.issued`` event; the
advances the account already holds are allocated to the invoice then. A document stored once
is never replaced, so the bytes served are the same every time.
"""

from __future__ import annotations

from collections.abc import Callable

from tarifa.messaging.catalogue import InvoiceIssued

from invoicing.domain.statement import Statement
from invoicing.service.allocation import apply_advances
from invoicing.service.ports import DocumentRenderer, UnitOfWork

__all__ = ["issue_documents"]


def _issued(statement: Statement) -> InvoiceIssued:
    return InvoiceIssued(
        invoice_id=statement.invoice_id, number=statement.number,
        account_id=statement.account_id, period_start=statement.period_start,
        period_end=statement.period_end, total_charges=statement.total_charges,
        amount_due=statement.amount_due, due_date=statement.due_date,
        currency=statement.currency)


async def _pending(uow: UnitOfWork, batch: int) -> list[Statement]:
    async with uow:
        ids = await uow.invoices.pending_documents(batch)
        statements = [await uow.invoices.statement(invoice_id) for invoice_id in ids]
    return [statement for statement in statements if statement is not None]


async def _store(uow: UnitOfWork, statement: Statement, content: bytes) -> bool:
    async with uow:
        await uow.ledger.lock(statement.account_id)
        if not await uow.invoices.store_document(statement.invoice_id, content, uow.clock.now()):
            return False
        uow.emit(_issued(statement), subject=statement.account_id)
        await apply_advances(uow, statement.account_id)
        await uow.commit()
        return True


async def issue_documents(new_uow: Callable[[], UnitOfWork], renderer: DocumentRenderer,
                          batch: int = 100) -> int:
    """Render every invoice still waiting for its document, ``batch`` at a time."""
    issued = 0
    while statements := await _pending(new_uow(), batch):
        contents = await renderer.render(statements)
        for statement, content in zip(statements, contents, strict=True):
            issued += await _store(new_uow(), statement, content)
    return issued
