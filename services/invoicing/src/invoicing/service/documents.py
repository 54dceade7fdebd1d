"""Phase two of issuing: render the invoices' documents, store them, announce the invoices.

Each document is stored in the same transaction as the ``invoicing.invoice.issued`` event; the
advances the account already holds are allocated to the invoice then. A document stored once
is never replaced, so the bytes served are the same every time.

When a batch cannot be rendered, its statements are rendered one by one: one that still fails is
set aside with its reason (and named among its run's failures), so it no longer holds back the
others; the invoice stays issued, without its document. A renderer that is out of order (its
worker pool broken) sets nothing aside: the documents stay pending for the next attempt.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import BrokenExecutor

from tarifa.logging import get_logger
from tarifa.messaging.catalogue import InvoiceIssued

from invoicing.domain.statement import Statement
from invoicing.service.allocation import apply_advances
from invoicing.service.ports import DocumentRenderer, UnitOfWork

__all__ = ["issue_documents"]

log = get_logger(__name__)
Rendered = bytes | Exception


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


async def _alone(renderer: DocumentRenderer, statement: Statement) -> Rendered:
    try:
        [content] = await renderer.render([statement])
    except BrokenExecutor:
        raise
    except Exception as exc:  # whatever the document engine raises for this statement
        return exc
    return content


async def _render(renderer: DocumentRenderer, statements: Sequence[Statement]) -> list[Rendered]:
    """The documents, or for each statement that cannot be rendered alone, why."""
    try:
        return list(await renderer.render(statements))
    except BrokenExecutor:
        raise
    except Exception:
        return [await _alone(renderer, statement) for statement in statements]


def _reason(exc: Exception) -> str:
    return f"document not made: {type(exc).__name__}: {exc}"[:500]


async def _set_aside(uow: UnitOfWork, statement: Statement, exc: Exception) -> None:
    log.error("document_failed", invoice_id=statement.invoice_id,
              account_id=statement.account_id, error=repr(exc))
    async with uow:
        run_id = await uow.document_failures.set_aside(statement.invoice_id, _reason(exc))
        if run_id is not None:
            await uow.statements.record_failures(run_id, {statement.account_id: _reason(exc)},
                                                 uow.clock.now())
        await uow.commit()


async def issue_documents(new_uow: Callable[[], UnitOfWork], renderer: DocumentRenderer,
                          batch: int = 100) -> int:
    """Render every invoice still waiting for its document, ``batch`` at a time."""
    issued = 0
    while statements := await _pending(new_uow(), batch):
        for statement, made in zip(statements, await _render(renderer, statements), strict=True):
            if isinstance(made, Exception):
                await _set_aside(new_uow(), statement, made)
            else:
                issued += await _store(new_uow(), statement, made)
    return issued
