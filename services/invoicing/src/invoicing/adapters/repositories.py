"""SQL repositories of the invoicing service: the accounts replica, the ledger, billing runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Label, Select, func, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from invoicing.adapters.tables import (
    accounts,
    allocations,
    billing_run_failures,
    billing_runs,
    invoices,
    ledger,
    lines,
)
from invoicing.domain.account import BillingAccount
from invoicing.domain.detailed_bill import USAGE_TYPES
from invoicing.domain.ledger import EntryKind, LedgerEntry
from invoicing.domain.movements import MovementOrder, MovementQuery
from invoicing.domain.run import BillingRun, RunFailure, RunProgress, RunStatus
from invoicing.service.ports import Credit

__all__ = ["SqlAccountsReplica", "SqlBillingRuns", "SqlLedger"]

_ZERO = Decimal(0)
_RECEIVED = [EntryKind.PAYMENT.value, EntryKind.CREDIT.value]
# Every stored document's invoice.issued event was staged with it: those of a run not announced
# yet are among the outbox's unpublished rows (few, by the outbox_pending index), the whole
# outbox is never read.
_UNANNOUNCED = text(
    "SELECT count(*) FROM outbox JOIN invoices ON invoices.id = outbox.body -> 'data' ->> "
    "'invoice_id' WHERE outbox.published_at IS NULL AND outbox.routing_key = "
    "'invoicing.invoice.issued' AND invoices.run_id = :run_id")


def _paged(found: Select[Any], query: MovementQuery) -> Select[Any]:
    """The query's order, from after its position, a page long."""
    columns = (ledger.c.occurred_on, ledger.c.created_at, ledger.c.id)
    newest = query.order is MovementOrder.NEWEST
    if query.after is not None:
        place, after = tuple_(*columns), tuple_(*query.after)
        found = found.where(place < after if newest else place > after)
    return found.order_by(*(c.desc() if newest else c for c in columns)).limit(query.limit)


class SqlAccountsReplica:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, account_id: str, *, lock: bool = False) -> BillingAccount | None:
        first = (select(func.min(lines.c.connected_on)).where(lines.c.account_id == account_id)
                 .scalar_subquery())
        statement = (select(accounts, first.label("first_connected_on"))
                     .where(accounts.c.account_id == account_id))
        if lock:
            statement = statement.with_for_update(of=accounts)
        row = (await self._session.execute(statement)).mappings().first()
        return BillingAccount(**row) if row else None

    async def upsert(self, account: BillingAccount) -> None:
        values = asdict(account)
        values.pop("first_connected_on")
        statement = insert(accounts).values(values)
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[accounts.c.account_id],
            set_={key: statement.excluded[key] for key in values if key != "account_id"}))

    async def add_line(self, msisdn: str, account_id: str, connected_on: date) -> None:
        statement = insert(lines).values(msisdn=msisdn, account_id=account_id,
                                         connected_on=connected_on)
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[lines.c.msisdn],
            set_={"account_id": account_id, "connected_on": connected_on}))

    async def billable(self, period_end: date) -> list[str]:
        # a closed account is billed after its final invoice for the rest of its closing month
        # only, so what reached its ledger late is stated once
        open_then = accounts.c.closed_on.is_(None) | (
            accounts.c.closed_on >= period_end.replace(day=1))
        rows = await self._session.scalars(
            select(accounts.c.account_id).join(lines, lines.c.account_id == accounts.c.account_id)
            .where(lines.c.connected_on <= period_end, open_then).distinct()
            .order_by(accounts.c.account_id))
        return list(rows)


def _remaining() -> Label[Any]:
    """What is left of a ledger movement once its allocations and refunds are taken off."""
    allocated = (select(func.coalesce(func.sum(allocations.c.amount), 0))
                 .where(allocations.c.entry_id == ledger.c.id).scalar_subquery())
    refunds = ledger.alias("refunds")
    refunded = (select(func.coalesce(-func.sum(refunds.c.amount), 0))
                .where(refunds.c.reverses == ledger.c.id).scalar_subquery())
    return (ledger.c.amount - allocated - refunded).label("remaining")


def _unallocated(remaining: Label[Any]) -> tuple[Any, ...]:
    """Unstated payments and credits with something left."""
    return ledger.c.kind.in_(_RECEIVED), ledger.c.invoice_id.is_(None), remaining > 0


def _entry(row: Any) -> LedgerEntry:
    values = dict(row)
    values["kind"] = EntryKind(values["kind"])
    return LedgerEntry(**values)


class SqlLedger:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock(self, account_id: str) -> None:
        await self._session.execute(
            select(func.pg_advisory_xact_lock(func.hashtext(f"account:{account_id}"))))

    async def add(self, entries: Sequence[LedgerEntry]) -> None:
        if entries:
            await self._session.execute(ledger.insert(), [asdict(entry) for entry in entries])

    async def balance(self, account_id: str) -> Decimal:
        total = await self._session.scalar(
            select(func.sum(ledger.c.amount)).where(ledger.c.account_id == account_id))
        return Decimal(total or _ZERO)

    async def currency(self, account_id: str) -> str | None:
        return await self._session.scalar(
            select(ledger.c.currency).where(ledger.c.account_id == account_id).limit(1))

    async def movement_page(self, query: MovementQuery) -> list[LedgerEntry]:
        found = select(ledger).where(ledger.c.account_id == query.account_id)
        if query.since is not None:
            found = found.where(ledger.c.occurred_on >= query.since)
        if query.until is not None:
            found = found.where(ledger.c.occurred_on <= query.until)
        found = _paged(found, query)
        return [_entry(row) for row in (await self._session.execute(found)).mappings()]

    async def unstated(self, account_id: str, until: date) -> list[LedgerEntry]:
        query = select(ledger).where(
            ledger.c.account_id == account_id, ledger.c.invoice_id.is_(None),
            ledger.c.occurred_on <= until).order_by(ledger.c.occurred_on, ledger.c.created_at)
        return [_entry(row) for row in (await self._session.execute(query)).mappings()]

    async def stated_balance(self, account_id: str) -> Decimal:
        total = await self._session.scalar(select(func.sum(ledger.c.amount)).where(
            ledger.c.account_id == account_id, ledger.c.invoice_id.is_not(None)))
        return Decimal(total or _ZERO)

    async def state(self, entry_ids: Sequence[str], invoice_id: str) -> None:
        if entry_ids:
            await self._session.execute(update(ledger).where(ledger.c.id.in_(entry_ids))
                                        .values(invoice_id=invoice_id))

    async def stated_payments(self, invoice_id: str) -> list[LedgerEntry]:
        query = select(ledger).where(ledger.c.invoice_id == invoice_id,
                                     ledger.c.kind == EntryKind.PAYMENT.value
                                     ).order_by(ledger.c.created_at, ledger.c.id)
        return [_entry(row) for row in (await self._session.execute(query)).mappings()]

    async def payment_entry(self, account_id: str, payment_id: str) -> LedgerEntry | None:
        row = (await self._session.execute(select(ledger).where(
            ledger.c.account_id == account_id, ledger.c.kind == EntryKind.PAYMENT.value,
            ledger.c.reference == payment_id))).mappings().first()
        return _entry(row) if row is not None else None

    async def refunded(self, entry_id: str) -> Decimal:
        total = await self._session.scalar(
            select(func.sum(ledger.c.amount)).where(ledger.c.reverses == entry_id))
        return -Decimal(total or _ZERO)

    async def unallocated_credits(self, account_id: str) -> list[Credit]:
        remaining = _remaining()
        query = (select(ledger.c.id, remaining).where(
            ledger.c.account_id == account_id, *_unallocated(remaining)).order_by(ledger.c.created_at))
        return [(row.id, Decimal(row.remaining)) for row in await self._session.execute(query)]

    async def with_unallocated_credits(self, account_ids: Sequence[str]) -> set[str]:
        query = select(ledger.c.account_id).distinct().where(
            ledger.c.account_id.in_(list(account_ids)), *_unallocated(_remaining()))
        return set(await self._session.scalars(query))


    async def usage(self, account_id: str, since: date, until: date,
                    direction: str) -> list[LedgerEntry]:
        query = select(ledger).where(
            ledger.c.account_id == account_id, ledger.c.kind == EntryKind.CHARGE.value,
            ledger.c.type.in_(USAGE_TYPES), ledger.c.direction == direction,
            ledger.c.occurred_on.between(since, until)
        ).order_by(ledger.c.occurred_on, ledger.c.created_at, ledger.c.id)
        return [_entry(row) for row in (await self._session.execute(query)).mappings()]


def _run(row: Any) -> BillingRun:
    values = dict(row)
    values["status"] = RunStatus(values["status"])
    ids = values["account_ids"]
    values["account_ids"] = tuple(ids) if ids is not None else None
    return BillingRun(**values)


class SqlBillingRuns:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, run: BillingRun) -> None:
        values = asdict(run)
        values["account_ids"] = list(run.account_ids) if run.account_ids is not None else None
        await self._session.execute(billing_runs.insert().values(values))

    def _issued(self) -> Any:
        return (select(func.count()).select_from(invoices)
                .where(invoices.c.run_id == billing_runs.c.id).scalar_subquery())

    async def get(self, run_id: str) -> BillingRun | None:
        query = (select(*[c for c in billing_runs.c if c.name != "issued"],
                        self._issued().label("issued")).where(billing_runs.c.id == run_id))
        row = (await self._session.execute(query)).mappings().first()
        return _run(row) if row else None

    async def unfinished(self) -> list[BillingRun]:
        rows = await self._session.scalars(select(billing_runs.c.id).where(
            billing_runs.c.status == RunStatus.RUNNING.value).order_by(billing_runs.c.created_at))
        return [run for run_id in list(rows) if (run := await self.get(run_id)) is not None]

    async def set_accounts(self, run_id: str, accounts: int) -> None:
        await self._session.execute(update(billing_runs).where(billing_runs.c.id == run_id)
                                    .values(accounts=accounts))

    async def finish(self, run_id: str, status: RunStatus, now: datetime,
                     error: str | None = None) -> None:
        issued = self._issued()
        await self._session.execute(update(billing_runs).where(billing_runs.c.id == run_id).values(
            status=status.value, finished_at=now, error=error, issued=issued,
            skipped=func.greatest(billing_runs.c.accounts - issued, 0)))

    async def progress(self, run_id: str) -> RunProgress:
        issued, documents = (await self._session.execute(
            select(func.count(), func.count().filter(invoices.c.document_ready))
            .where(invoices.c.run_id == run_id))).one()
        unannounced = await self._session.scalar(_UNANNOUNCED, {"run_id": run_id})
        failed = await self._session.scalar(select(func.count()).select_from(
            billing_run_failures).where(billing_run_failures.c.run_id == run_id))
        return RunProgress(int(issued), int(documents), int(documents) - int(unannounced or 0),
                           int(failed or 0))

    async def failures(self, run_id: str, limit: int) -> list[RunFailure]:
        rows = await self._session.execute(
            select(billing_run_failures.c.account_id, billing_run_failures.c.reason,
                   billing_run_failures.c.failed_at)
            .where(billing_run_failures.c.run_id == run_id)
            .order_by(billing_run_failures.c.account_id).limit(limit))
        return [RunFailure(*row) for row in rows.tuples()]
