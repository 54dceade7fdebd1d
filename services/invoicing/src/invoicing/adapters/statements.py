"""Set-based SQL of a billing run's chunk: a few statements for many accounts at once."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ARRAY, Text, any_, bindparam, delete, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from invoicing.adapters.invoices import _breakdown_json, _customer
from invoicing.adapters.tables import (
    accounts,
    allocations,
    billing_run_failures,
    invoice_counters,
    invoice_lines,
    invoices,
    ledger,
    lines,
)
from invoicing.domain.account import BillingAccount
from invoicing.domain.invoice import OPEN, Invoice
from invoicing.domain.issuing import AccountBook
from invoicing.domain.ledger import EntryKind, LedgerEntry
from invoicing.domain.statement import StatementLine

__all__ = ["SqlStatements"]

_OPEN = [status.value for status in OPEN]
_LOCK = text("SELECT count(pg_advisory_xact_lock(hashtext('account:' || id))) "
             "FROM (SELECT unnest(CAST(:ids AS text[])) AS id ORDER BY 1) AS chunk")
_STATE = ("UPDATE ledger SET invoice_id = stated.invoice_id FROM (SELECT unnest($1::text[]) "
          "AS id, unnest($2::text[]) AS invoice_id) AS stated WHERE ledger.id = stated.id")


def _among(column: Any, ids: Sequence[str]) -> ColumnElement[bool]:
    return column == any_(bindparam(None, list(ids), type_=ARRAY(Text)))  # type: ignore[no-any-return]


_INVOICE = [f.name for f in fields(Invoice) if f.name not in ("lines", "status", "vat_breakdown")]
_INVOICE_COLUMNS = [*_INVOICE, "status", "customer", "vat_breakdown"]
_LINE = [f.name for f in fields(StatementLine) if f.name in invoice_lines.c]
"""What an invoice line stores (a detailed bill's row also carries its record, which it does not)."""
_LINE_COLUMNS = ["invoice_id", "position", *_LINE]
_LEDGER = [column.name for column in ledger.c]
_UNSTATED = (f"SELECT {', '.join(_LEDGER)} FROM ledger WHERE account_id = ANY($1::text[]) "
             "AND invoice_id IS NULL AND occurred_on <= $2 "
             "ORDER BY account_id, occurred_on, created_at")


def _invoice_row(invoice: Invoice, account: BillingAccount) -> tuple[Any, ...]:
    """The row of an invoice, in ``_INVOICE_COLUMNS`` order, its JSON columns as text."""
    return (*(getattr(invoice, name) for name in _INVOICE), invoice.status.value,
            json.dumps(_customer(account)), json.dumps(_breakdown_json(invoice.vat_breakdown)))


def _line_rows(invoice: Invoice) -> list[tuple[Any, ...]]:
    return [(invoice.id, position, *(getattr(line, name) for name in _LINE))
            for position, line in enumerate(invoice.lines)]


def _entry(row: Any) -> LedgerEntry:
    values = dict(row)
    values["kind"] = EntryKind(values["kind"])
    return LedgerEntry(**values)


class SqlStatements:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock(self, account_ids: Sequence[str]) -> None:
        await self._session.execute(_LOCK, {"ids": list(account_ids)})

    async def books(self, account_ids: Sequence[str], until: date) -> list[AccountBook]:
        found = await self._accounts(account_ids)
        ends, stated = await self._previous_ends(account_ids), await self._stated(account_ids)
        unstated, open_before = await self._unstated(account_ids, until), await self._open(account_ids)
        return [AccountBook(found[i], ends.get(i), stated.get(i, Decimal(0)),
                            tuple(unstated.get(i, ())), open_before.get(i, Decimal(0)))
                for i in dict.fromkeys(account_ids) if i in found]

    async def _accounts(self, ids: Sequence[str]) -> dict[str, BillingAccount]:
        first = (select(func.min(lines.c.connected_on))
                 .where(lines.c.account_id == accounts.c.account_id).scalar_subquery())
        rows = (await self._session.execute(select(accounts, first.label("first_connected_on"))
                .where(_among(accounts.c.account_id, ids)))).mappings()
        return {row["account_id"]: BillingAccount(**row) for row in rows}

    async def _previous_ends(self, ids: Sequence[str]) -> dict[str, date]:
        rows = await self._session.execute(
            select(invoices.c.account_id, func.max(invoices.c.period_end))
            .where(_among(invoices.c.account_id, ids)).group_by(invoices.c.account_id))
        return {account_id: end for account_id, end in rows.tuples()}

    async def _stated(self, ids: Sequence[str]) -> dict[str, Decimal]:
        rows = await self._session.execute(
            select(ledger.c.account_id, func.sum(ledger.c.amount))
            .where(_among(ledger.c.account_id, ids), ledger.c.invoice_id.is_not(None))
            .group_by(ledger.c.account_id))
        return {account_id: Decimal(total) for account_id, total in rows.tuples()}

    async def _driver(self) -> Any:
        """The asyncpg connection of the session's transaction (``COPY``, plain fetches)."""
        connection = await (await self._session.connection()).get_raw_connection()
        return connection.driver_connection

    async def _unstated(self, ids: Sequence[str], until: date) -> dict[str, list[LedgerEntry]]:
        rows = await (await self._driver()).fetch(_UNSTATED, list(ids), until)
        found: dict[str, list[LedgerEntry]] = {}
        for row in rows:
            found.setdefault(row["account_id"], []).append(_entry(row))
        return found

    async def _open(self, ids: Sequence[str]) -> dict[str, Decimal]:
        paid = (select(func.coalesce(func.sum(allocations.c.amount), 0))
                .where(allocations.c.invoice_id == invoices.c.id).scalar_subquery())
        rows = await self._session.execute(
            select(invoices.c.account_id, func.sum(invoices.c.payable - paid))
            .where(_among(invoices.c.account_id, ids), invoices.c.status.in_(_OPEN))
            .group_by(invoices.c.account_id))
        return {account_id: Decimal(total) for account_id, total in rows.tuples()}

    async def reserve_numbers(self, series: str, year: int, count: int) -> int:
        """The first of ``count`` numbers in a row; the counter stays locked until commit."""
        statement = insert(invoice_counters).values(series=series, year=year, last=count)
        reserved = statement.on_conflict_do_update(
            index_elements=[invoice_counters.c.series, invoice_counters.c.year],
            set_={"last": invoice_counters.c.last + count}).returning(invoice_counters.c.last)
        return int((await self._session.execute(reserved)).scalar_one()) - count + 1

    async def add_invoices(self, issued: Sequence[tuple[Invoice, BillingAccount]]) -> None:
        if not issued:
            return
        driver = await self._driver()
        await driver.copy_records_to_table("invoices", columns=_INVOICE_COLUMNS,
                                           records=[_invoice_row(i, a) for i, a in issued])
        rows = [row for invoice, _ in issued for row in _line_rows(invoice)]
        if rows:
            await driver.copy_records_to_table("invoice_lines", columns=_LINE_COLUMNS,
                                               records=rows)

    async def state(self, stated_by: Mapping[str, str]) -> None:
        """Mark each ledger entry (key) as stated by its invoice (value)."""
        if stated_by:
            await (await self._driver()).execute(_STATE, list(stated_by), list(stated_by.values()))

    async def record_failures(self, run_id: str, failures: Mapping[str, str],
                              now: datetime) -> None:
        if not failures:
            return
        statement = insert(billing_run_failures)
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[billing_run_failures.c.run_id, billing_run_failures.c.account_id],
            set_={"reason": statement.excluded.reason, "failed_at": statement.excluded.failed_at}),
            [{"run_id": run_id, "account_id": account_id, "reason": reason, "failed_at": now}
             for account_id, reason in failures.items()])

    async def clear_failures(self, run_id: str, account_ids: Sequence[str]) -> None:
        if account_ids:
            await self._session.execute(delete(billing_run_failures).where(
                billing_run_failures.c.run_id == run_id,
                _among(billing_run_failures.c.account_id, account_ids)))
