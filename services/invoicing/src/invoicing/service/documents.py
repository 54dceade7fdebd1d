"""Phase two of issuing: render the invoices' documents, store them, announce the invoices.

A batch's documents are stored in one transaction with their ``invoicing.invoice.issued``
events; the advances their accounts already hold are allocated to the invoices then. A document
stored once is never replaced, so the bytes served are the same every time. The next batch is
rendered while one is stored.

When a batch cannot be rendered, its statements are rendered one by one: one that still fails is
set aside with its reason (and named among its run's failures), so it no longer holds back the
others; the invoice stays issued, without its document. A renderer that is out of order (its
worker pool broken) sets nothing aside: the documents stay pending for the next attempt.
"""

from __future__ import annotations

import asyncio
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


async def _pending(uow: UnitOfWork, batch: int, excluding: Sequence[Statement] = ()) -> list[Statement]:
    """Up to ``batch`` invoices waiting for their document, not counting those of ``excluding``."""
    async with uow:
        ids = await uow.invoices.pending_documents(batch, [s.invoice_id for s in excluding])
        return await uow.invoices.statements(ids)


async def _store(uow: UnitOfWork, made: Sequence[tuple[Statement, bytes]]) -> int:
    """Keep a batch's documents and announce their invoices in one transaction; the advances
    of their accounts are allocated then. The number stored (not stored before)."""
    accounts = sorted({statement.account_id for statement, _ in made})
    async with uow:
        await uow.statements.lock(accounts)
        stored = await uow.invoices.store_documents(
            {statement.invoice_id: content for statement, content in made}, uow.clock.now())
        for statement, _ in made:
            if statement.invoice_id in stored:
                uow.emit(_issued(statement), subject=statement.account_id)
        for account_id in sorted(await uow.ledger.with_unallocated_credits(accounts)):
            await apply_advances(uow, account_id)
        await uow.commit()
    return len(stored)


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


async def _settle(new_uow: Callable[[], UnitOfWork], statements: Sequence[Statement],
                  rendered: Sequence[Rendered]) -> int:
    """Store what was made and set aside what could not be; the number stored."""
    made = []
    for statement, document in zip(statements, rendered, strict=True):
        if isinstance(document, Exception):
            await _set_aside(new_uow(), statement, document)
        else:
            made.append((statement, document))
    return await _store(new_uow(), made) if made else 0


async def issue_documents(new_uow: Callable[[], UnitOfWork], renderer: DocumentRenderer,
                          batch: int = 100) -> int:
    """Render every invoice still waiting for its document, ``batch`` at a time: the next batch
    is being rendered while the one before is stored, so the workers never wait for the database."""
    issued, statements = 0, await _pending(new_uow(), batch)
    rendering = asyncio.ensure_future(_render(renderer, statements))
    in_flight = {rendering}
    try:
        while statements:
            following = await _pending(new_uow(), batch, excluding=statements)
            ahead = asyncio.ensure_future(_render(renderer, following))
            in_flight.add(ahead)
            rendered = await rendering
            in_flight.discard(rendering)
            issued += await _settle(new_uow, statements, rendered)
            statements, rendering = following, ahead
    finally:
        for task in in_flight:
            task.cancel()
    return issued
