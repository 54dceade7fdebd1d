"""The SQL of invoices set aside because their document cannot be made."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from invoicing.adapters.tables import invoices

__all__ = ["SqlDocumentFailures"]


class SqlDocumentFailures:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def set_aside(self, invoice_id: str, reason: str) -> str | None:
        row = (await self._session.execute(
            update(invoices).where(invoices.c.id == invoice_id,
                                   invoices.c.document_ready.is_(False))
            .values(document_failure=reason).returning(invoices.c.run_id))).first()
        return row[0] if row else None

    async def of_run(self, run_id: str) -> list[str]:
        rows = await self._session.scalars(
            select(invoices.c.account_id).where(invoices.c.run_id == run_id,
                                                invoices.c.document_failure.is_not(None))
            .order_by(invoices.c.account_id))
        return list(rows)
