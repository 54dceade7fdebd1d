"""In-memory fakes of the invoicing ports, for the use-case tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from invoicing.domain.account import BillingAccount
from invoicing.domain.invoice import OPEN, Allocation, Invoice, InvoiceStatus, OpenInvoice
from invoicing.domain.ledger import LedgerEntry
from invoicing.service.ports import Credit
from tarifa.audit import Actor
from tarifa.audit.memory import MemoryAuditTrail


class FixedClock:
    def __init__(self, now: datetime = datetime(2026, 6, 1, 6, tzinfo=UTC)) -> None:
        self.instant = now

    def now(self) -> datetime:
        return self.instant


class FakeAccounts:
    def __init__(self) -> None:
        self.rows: dict[str, BillingAccount] = {}

    async def get(self, account_id: str, *, lock: bool = False) -> BillingAccount | None:
        return self.rows.get(account_id)


class FakeLedger:
    def __init__(self) -> None:
        self.entries: list[LedgerEntry] = []

    async def lock(self, account_id: str) -> None:
        return None

    async def add(self, entries: Sequence[LedgerEntry]) -> None:
        self.entries.extend(entries)

    async def balance(self, account_id: str) -> Decimal:
        return sum((e.amount for e in self.entries if e.account_id == account_id), Decimal(0))

    async def unstated(self, account_id: str, until: date) -> list[LedgerEntry]:
        return [e for e in self.entries if e.account_id == account_id and e.invoice_id is None
                and e.occurred_on <= until]

    async def stated_balance(self, account_id: str) -> Decimal:
        return sum((e.amount for e in self.entries
                    if e.account_id == account_id and e.invoice_id), Decimal(0))

    async def state(self, entry_ids: Sequence[str], invoice_id: str) -> None:
        self.entries = [replace(e, invoice_id=invoice_id) if e.id in entry_ids else e
                        for e in self.entries]

    async def unallocated_credits(self, account_id: str) -> list[Credit]:
        return []


class FakeInvoices:
    def __init__(self) -> None:
        self.rows: dict[str, Invoice] = {}
        self.paid: dict[str, Decimal] = {}
        self.counters: dict[tuple[str, int], int] = {}

    async def next_number(self, series: str, year: int) -> int:
        self.counters[series, year] = self.counters.get((series, year), 0) + 1
        return self.counters[series, year]

    async def add(self, invoice: Invoice, account: BillingAccount) -> None:
        self.rows[invoice.id] = invoice

    async def invoiced_through(self, account_id: str) -> date | None:
        latest = await self.latest(account_id)
        return latest.period_end if latest else None

    async def latest(self, account_id: str) -> Invoice | None:
        mine = [i for i in self.rows.values() if i.account_id == account_id]
        return max(mine, key=lambda i: i.period_end, default=None)

    async def open_oldest_first(self, account_id: str) -> list[OpenInvoice]:
        mine = sorted((i for i in self.rows.values()
                       if i.account_id == account_id and i.status in OPEN),
                      key=lambda i: i.period_end)
        return [OpenInvoice(i.id, i.payable - self.paid.get(i.id, Decimal(0)), i.status)
                for i in mine]

    async def allocate(self, entry_id: str, allocation: Allocation, status: InvoiceStatus,
                       now: datetime) -> None:
        self.paid[allocation.invoice_id] = self.paid.get(allocation.invoice_id,
                                                         Decimal(0)) + allocation.amount
        self.rows[allocation.invoice_id] = replace(self.rows[allocation.invoice_id], status=status)


class FakeUnitOfWork:
    def __init__(self) -> None:
        self.clock = FixedClock()
        self.accounts = FakeAccounts()
        self.ledger = FakeLedger()
        self.invoices = FakeInvoices()
        self.events: list[Any] = []
        self.committed = 0
        self.trail = MemoryAuditTrail(self.clock)
        self.actor = Actor.system("invoicing")

    def acting(self, actor: Actor) -> FakeUnitOfWork:
        self.actor = actor
        return self

    async def __aenter__(self) -> FakeUnitOfWork:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def commit(self) -> None:
        self.committed += 1

    def emit(self, data: Any, *, subject: str | None = None, routing_key: str | None = None) -> None:
        self.events.append(data)
