"""SQL repositories of credit notes and detailed bills."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from invoicing.adapters.tables import credit_notes, detailed_bills
from invoicing.domain.credit_note import CreditNote
from invoicing.domain.detailed_bill import DetailedBill, DetailedBillStatus, row_json
from invoicing.domain.statement import StatementLine

__all__ = ["SqlCreditNotes", "SqlDetailedBills"]

_NOTE_FIELDS = [credit_notes.c[name] for name in CreditNote.__dataclass_fields__]


def _note(row: Any) -> CreditNote:
    return CreditNote(**dict(row))


class SqlCreditNotes:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, note: CreditNote, entry_id: str) -> None:
        await self._session.execute(credit_notes.insert().values(asdict(note) | {
            "entry_id": entry_id}))

    async def get(self, note_id: str) -> CreditNote | None:
        row = (await self._session.execute(select(*_NOTE_FIELDS).where(
            credit_notes.c.id == note_id))).mappings().first()
        return _note(row) if row else None

    async def credited(self, invoice_id: str) -> Decimal:
        total = await self._session.scalar(select(func.sum(credit_notes.c.amount)).where(
            credit_notes.c.invoice_id == invoice_id))
        return Decimal(total or 0)

    async def pending_documents(self, limit: int) -> list[CreditNote]:
        rows = (await self._session.execute(
            select(*_NOTE_FIELDS).where(credit_notes.c.document_ready.is_(False))
            .order_by(credit_notes.c.issued_at, credit_notes.c.number).limit(limit)
        )).mappings().all()
        return [_note(row) for row in rows]

    async def mark_document_ready(self, note_id: str) -> bool:
        claimed = await self._session.execute(
            update(credit_notes).where(credit_notes.c.id == note_id,
                                       credit_notes.c.document_ready.is_(False))
            .values(document_ready=True).returning(credit_notes.c.id))
        return claimed.first() is not None


_BILL_FIELDS = [detailed_bills.c[name] for name in DetailedBill.__dataclass_fields__]


def _bill(row: Any) -> DetailedBill:
    values = dict(row)
    values["status"] = DetailedBillStatus(values["status"])
    return DetailedBill(**values)


class SqlDetailedBills:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, bill: DetailedBill) -> None:
        await self._session.execute(detailed_bills.insert().values(
            asdict(bill) | {"status": bill.status.value}))

    async def get(self, bill_id: str) -> DetailedBill | None:
        row = (await self._session.execute(select(*_BILL_FIELDS).where(
            detailed_bills.c.id == bill_id))).mappings().first()
        return _bill(row) if row else None

    async def pending(self, limit: int) -> list[DetailedBill]:
        rows = (await self._session.execute(
            select(*_BILL_FIELDS).where(
                detailed_bills.c.status == DetailedBillStatus.PENDING.value)
            .order_by(detailed_bills.c.requested_at, detailed_bills.c.id).limit(limit)
        )).mappings().all()
        return [_bill(row) for row in rows]

    async def mark_ready(self, bill_id: str, records: int, now: datetime) -> bool:
        claimed = await self._session.execute(
            update(detailed_bills).where(
                detailed_bills.c.id == bill_id,
                detailed_bills.c.status == DetailedBillStatus.PENDING.value)
            .values(status=DetailedBillStatus.READY.value, records=records, ready_at=now)
            .returning(detailed_bills.c.id))
        return claimed.first() is not None

    async def add_monthly(self, bill: DetailedBill) -> bool:
        """False when the bill of that account and month exists already."""
        added = await self._session.execute(
            insert(detailed_bills).values(asdict(bill) | {"status": bill.status.value})
            .on_conflict_do_nothing(index_elements=[detailed_bills.c.account_id,
                                                    detailed_bills.c.month],
                                    index_where=detailed_bills.c.month.is_not(None))
            .returning(detailed_bills.c.id))
        return added.first() is not None

    async def store_rows(self, bill_id: str, rows: Sequence[StatementLine]) -> None:
        await self._session.execute(update(detailed_bills).where(detailed_bills.c.id == bill_id)
                                    .values(rows=[row_json(row) for row in rows]))

    async def rows(self, bill_id: str) -> list[dict[str, Any]] | None:
        found = await self._session.scalar(select(detailed_bills.c.rows).where(
            detailed_bills.c.id == bill_id))
        return list(found) if found is not None else None
