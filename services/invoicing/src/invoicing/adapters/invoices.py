"""SQL repository of invoices: numbering, lines, allocations, documents, statements."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import Text, all_, any_, func, literal, select, update
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.ext.asyncio import AsyncSession

from invoicing.adapters.tables import (
    allocations,
    documents,
    invoice_counters,
    invoice_lines,
    invoices,
    ledger,
)
from invoicing.domain.account import BillingAccount
from invoicing.domain.invoice import OPEN, Allocation, Invoice, InvoiceStatus, OpenInvoice
from invoicing.domain.ledger import EntryKind
from invoicing.domain.overdue import DueInvoice, LateInvoice
from invoicing.domain.statement import Statement, StatementLine, StatementPayment
from invoicing.domain.vat import VatAmount

__all__ = ["SqlInvoices"]

T = TypeVar("T")

INVOICE_DOCUMENT = "invoice"
_OPEN = [status.value for status in OPEN]
_UNPAID = [InvoiceStatus.ISSUED.value, InvoiceStatus.PARTIALLY_PAID.value]
_RECEIVED = [EntryKind.PAYMENT.value, EntryKind.CREDIT.value, EntryKind.REFUND.value]
_FIELDS = [c for c in invoices.c if c.name not in ("customer", "document_ready", "reminded_on",
                                                       "document_failure")]


def _customer(account: BillingAccount) -> dict[str, str]:
    return {"customer_name": account.customer_name, "customer_address": account.address,
            "language": account.language, "delivery_medium": account.delivery_medium,
            "delivery_address": account.delivery_address}


def _line(row: Any) -> StatementLine:
    return StatementLine(row.msisdn, row.type, row.description, row.quantity, row.unit, row.net,
                         row.vat, row.gross, row.late, row.usage_date)


def _breakdown_json(totals: tuple[VatAmount, ...]) -> list[dict[str, Any]]:
    return [{"rate": None if t.rate is None else str(t.rate), "included": t.included,
             "net": str(t.net), "vat": str(t.vat), "gross": str(t.gross)} for t in totals]


def _breakdown(stored: list[dict[str, Any]]) -> tuple[VatAmount, ...]:
    return tuple(VatAmount(None if t["rate"] is None else Decimal(t["rate"]), t["included"],
                           Decimal(t["net"]), Decimal(t["vat"]), Decimal(t["gross"]))
                 for t in stored)


def _texts(values: Iterable[str]) -> Any:
    """``values`` as one array parameter (``= ANY``), however many they are."""
    return literal(list(values), ARRAY(Text))


def _grouped(pairs: Iterable[tuple[str, T]]) -> dict[str, list[T]]:
    grouped: dict[str, list[T]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped


def _statement(row: Any, lines: list[StatementLine],
               payments: list[StatementPayment]) -> Statement:
    values = {key: row[key] for key in Statement.__dataclass_fields__ if key in row}
    values["vat_breakdown"] = _breakdown(row["vat_breakdown"])
    return Statement(**values, **row["customer"], lines=tuple(lines), payments=tuple(payments),
                     invoice_id=row["id"])


class SqlInvoices:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def invoiced_through(self, account_id: str) -> date | None:
        last: date | None = await self._session.scalar(
            select(func.max(invoices.c.period_end)).where(invoices.c.account_id == account_id))
        return last

    async def next_number(self, series: str, year: int) -> int:
        statement = insert(invoice_counters).values(series=series, year=year, last=1)
        counted = statement.on_conflict_do_update(
            index_elements=[invoice_counters.c.series, invoice_counters.c.year],
            set_={"last": invoice_counters.c.last + 1}).returning(invoice_counters.c.last)
        return int((await self._session.execute(counted)).scalar_one())

    async def add(self, invoice: Invoice, account: BillingAccount) -> None:
        values = asdict(invoice)
        values.pop("lines")
        values["status"] = invoice.status.value
        values["vat_breakdown"] = _breakdown_json(invoice.vat_breakdown)
        await self._session.execute(invoices.insert().values(values | {"customer": _customer(account)}))
        if invoice.lines:
            await self._session.execute(invoice_lines.insert(), [
                asdict(line) | {"invoice_id": invoice.id, "position": position}
                for position, line in enumerate(invoice.lines)])

    async def _lines(self, invoice_id: str) -> tuple[StatementLine, ...]:
        return tuple((await self._lines_of([invoice_id])).get(invoice_id, ()))

    async def _invoice(self, row: Any) -> Invoice:
        values = dict(row)
        values["status"] = InvoiceStatus(values["status"])
        values["vat_breakdown"] = _breakdown(values["vat_breakdown"])
        return Invoice(**values, lines=await self._lines(values["id"]))

    async def _one(self, *where: Any) -> Invoice | None:
        row = (await self._session.execute(select(*_FIELDS).where(*where)
                                           .order_by(invoices.c.period_end.desc()).limit(1))
               ).mappings().first()
        return await self._invoice(row) if row else None

    async def get(self, invoice_id: str) -> Invoice | None:
        return await self._one(invoices.c.id == invoice_id)

    async def latest(self, account_id: str) -> Invoice | None:
        return await self._one(invoices.c.account_id == account_id)

    async def list_for(self, account_id: str, limit: int) -> list[Invoice]:
        rows = (await self._session.execute(
            select(*_FIELDS).where(invoices.c.account_id == account_id)
            .order_by(invoices.c.period_end.desc()).limit(limit))).mappings().all()
        return [await self._invoice(row) for row in rows]

    async def open_oldest_first(self, account_id: str) -> list[OpenInvoice]:
        paid = (select(func.coalesce(func.sum(allocations.c.amount), 0))
                .where(allocations.c.invoice_id == invoices.c.id).scalar_subquery())
        rows = await self._session.execute(
            select(invoices.c.id, (invoices.c.payable - paid).label("open"), invoices.c.status)
            .where(invoices.c.account_id == account_id, invoices.c.status.in_(_OPEN))
            .order_by(invoices.c.period_end, invoices.c.issued_at))
        return [OpenInvoice(row.id, Decimal(row.open), InvoiceStatus(row.status)) for row in rows]

    async def allocate(self, entry_id: str, allocation: Allocation, status: InvoiceStatus,
                       now: datetime) -> None:
        await self._session.execute(allocations.insert().values(
            entry_id=entry_id, invoice_id=allocation.invoice_id, amount=allocation.amount,
            created_at=now))
        await self.set_status(allocation.invoice_id, status)

    async def set_status(self, invoice_id: str, status: InvoiceStatus) -> None:
        await self._session.execute(update(invoices).where(invoices.c.id == invoice_id)
                                    .values(status=status.value))

    async def pending_documents(self, limit: int, excluding: Sequence[str] = ()) -> list[str]:
        rows = await self._session.scalars(
            select(invoices.c.id).where(invoices.c.document_ready.is_(False),
                                        invoices.c.document_failure.is_(None),
                                        invoices.c.id != all_(_texts(excluding)))
            .order_by(invoices.c.issued_at, invoices.c.number).limit(limit))
        return list(rows)

    async def _lines_of(self, ids: list[str]) -> dict[str, list[StatementLine]]:
        rows = await self._session.execute(select(invoice_lines).where(
            invoice_lines.c.invoice_id == any_(_texts(ids))).order_by(invoice_lines.c.invoice_id,
                                                          invoice_lines.c.position))
        return _grouped((row.invoice_id, _line(row)) for row in rows)

    async def _payments_of(self, ids: list[str]) -> dict[str, list[StatementPayment]]:
        rows = await self._session.execute(
            select(ledger.c.invoice_id, ledger.c.created_at, ledger.c.channel, ledger.c.reference,
                   ledger.c.amount)
            .where(ledger.c.invoice_id == any_(_texts(ids)), ledger.c.kind.in_(_RECEIVED))
            .order_by(ledger.c.invoice_id, ledger.c.created_at, ledger.c.id))
        return _grouped((row[0], StatementPayment(*row[1:])) for row in rows)

    async def statements(self, invoice_ids: Sequence[str]) -> list[Statement]:
        ids = list(dict.fromkeys(invoice_ids))
        rows = (await self._session.execute(
            select(invoices).where(invoices.c.id == any_(_texts(ids))))).mappings().all()
        found = {row["id"]: row for row in rows}
        lines, payments = await self._lines_of(ids), await self._payments_of(ids)
        return [_statement(found[i], lines.get(i, []), payments.get(i, [])) for i in ids if i in found]

    async def store_documents(self, contents: Mapping[str, bytes], now: datetime) -> set[str]:
        claimed = set(await self._session.scalars(
            update(invoices).where(invoices.c.id == any_(_texts(contents)),
                                   invoices.c.document_ready.is_(False))
            .values(document_ready=True).returning(invoices.c.id)))
        if claimed:
            await self._session.execute(documents.insert(), [
                {"owner_id": invoice_id, "kind": INVOICE_DOCUMENT, "content": content,
                 "sha256": hashlib.sha256(content).hexdigest(), "created_at": now}
                for invoice_id, content in contents.items() if invoice_id in claimed])
        return claimed

    async def document(self, invoice_id: str) -> tuple[str, bytes | None] | None:
        found = (await self._session.execute(
            select(invoices.c.account_id, documents.c.content).select_from(invoices.outerjoin(
                documents, (documents.c.owner_id == invoices.c.id)
                & (documents.c.kind == INVOICE_DOCUMENT)))
            .where(invoices.c.id == invoice_id))).first()
        return None if found is None else (found[0], found[1])

    async def mark_overdue_before(self, day: date, limit: int) -> list[LateInvoice]:
        """One statement: pick up to ``limit`` open invoices due before ``day`` (skipping those
        another transaction holds) and mark them overdue, returning what each was."""
        picked = (select(invoices.c.id, invoices.c.status)
                  .where(invoices.c.due_date < day, invoices.c.status.in_(_UNPAID))
                  .order_by(invoices.c.due_date, invoices.c.id).limit(limit)
                  .with_for_update(skip_locked=True).cte("picked"))
        rows = await self._session.execute(
            update(invoices).where(invoices.c.id == picked.c.id)
            .values(status=InvoiceStatus.OVERDUE.value)
            .returning(invoices.c.id, invoices.c.account_id, picked.c.status))
        return [LateInvoice(row[0], row[1], InvoiceStatus(row[2])) for row in rows]

    async def remind_due(self, today: date, last_day: date, limit: int) -> list[DueInvoice]:
        """One statement: mark as reminded today up to ``limit`` unpaid invoices due from today
        to ``last_day`` and not reminded yet, returning what each one owes."""
        picked = (select(invoices.c.id)
                  .where(invoices.c.status.in_(_UNPAID), invoices.c.reminded_on.is_(None),
                         invoices.c.due_date.between(today, last_day))
                  .order_by(invoices.c.due_date, invoices.c.id).limit(limit)
                  .with_for_update(skip_locked=True).cte("picked"))
        rows = await self._session.execute(
            update(invoices).where(invoices.c.id == picked.c.id).values(reminded_on=today)
            .returning(invoices.c.id, invoices.c.account_id, invoices.c.number,
                       invoices.c.due_date, invoices.c.amount_due, invoices.c.currency))
        return [DueInvoice(*row) for row in rows]

    async def of_run(self, run_id: str, delivery_medium: str) -> list[str]:
        rows = await self._session.scalars(
            select(invoices.c.id).where(
                invoices.c.run_id == run_id,
                invoices.c.customer["delivery_medium"].astext == delivery_medium)
            .order_by(invoices.c.number))
        return list(rows)
