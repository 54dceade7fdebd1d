"""Print batches: the paper statements of a billing run in one PDF for the print shop (SPEC I8)."""

from __future__ import annotations

from collections.abc import Callable

from invoicing.domain.run import BillingRun
from invoicing.domain.statement import Statement
from invoicing.service.ports import DocumentRenderer, UnitOfWork

__all__ = ["PAPER", "PRINT_BATCH", "make_print_batch"]

PRINT_BATCH = "print_batch"
PAPER = "paper"


async def _paper_statements(uow: UnitOfWork, run_id: str) -> list[Statement] | None:
    """The run's paper statements; None when the batch was made already."""
    async with uow:
        if await uow.documents.get(run_id, PRINT_BATCH) is not None:
            return None
        ids = await uow.invoices.of_run(run_id, PAPER)
        return await uow.invoices.statements(ids)


async def make_print_batch(new_uow: Callable[[], UnitOfWork], renderer: DocumentRenderer,
                           run: BillingRun) -> bool:
    """Render and keep the run's print batch, once; False if there is none to make."""
    statements = await _paper_statements(new_uow(), run.id)
    if not statements:
        return False
    title = f"Print batch {run.period_end.isoformat()} ({len(statements)})"
    content = await renderer.render_print_batch(statements, title)
    async with new_uow() as uow:
        stored = await uow.documents.add(run.id, PRINT_BATCH, content, uow.clock.now())
        await uow.commit()
    return stored
