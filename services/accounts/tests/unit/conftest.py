"""In-memory fakes of the accounts ports, for the unit tests of the use cases."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any, Self

import pytest
from accounts.domain.account import Account, AccountStatus, Balance
from accounts.domain.audit import AuditEntry
from accounts.domain.bonus import BonusMovement
from accounts.domain.customer import Customer
from accounts.domain.errors import MsisdnTaken
from accounts.domain.invoices import OverdueInvoice
from accounts.domain.line import Line, LineStatus, Plan
from accounts.domain.reminders import Ending
from pydantic import BaseModel
from tarifa.messaging.envelope import CloudEvent, new_event

from .fakes_otp import FakeOtpChallenges, FakeOtpRequests

NOW = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


class FixedClock:
    """Stands still at ``instant`` until a test moves it."""

    def __init__(self) -> None:
        self.instant = NOW

    def now(self) -> datetime:
        return self.instant


class FakeCustomers:
    def __init__(self) -> None:
        self.rows: dict[str, Customer] = {}

    async def add(self, customer: Customer) -> None:
        self.rows[customer.id] = customer

    async def get(self, customer_id: str) -> Customer | None:
        return self.rows.get(customer_id)


class FakeAccounts:
    def __init__(self) -> None:
        self.rows: dict[str, Account] = {}

    async def add(self, account: Account) -> None:
        self.rows[account.id] = account

    async def get(self, account_id: str, *, lock: bool = False) -> Account | None:
        return self.rows.get(account_id)

    async def save(self, account: Account) -> None:
        self.rows[account.id] = account

    async def lock_many(self, account_ids: Sequence[str]) -> list[Account]:
        return [self.rows[i] for i in sorted(account_ids) if i in self.rows]

    async def save_states(self, changed: Sequence[Account]) -> None:
        for account in changed:
            self.rows[account.id] = account

    async def remind_promises(self, now: datetime, limit: int) -> list[Ending]:
        return []

    async def remind_suspensions(self, now: datetime, limit: int) -> list[Ending]:
        return []

    async def due(self, now: datetime) -> list[str]:
        return sorted(a.id for a in self.rows.values()
                      if (a.promise and a.promise.until <= now)
                      or (a.status is AccountStatus.SUSPENDED and a.suspension
                          and a.suspension.end <= now))


class FakeLines:
    def __init__(self) -> None:
        self.rows: list[Line] = []

    async def add(self, line: Line) -> None:
        if await self.active(line.msisdn):
            raise MsisdnTaken(line.msisdn)
        self.rows.append(line)

    async def active(self, msisdn: str) -> Line | None:
        return next((line for line in self.rows
                     if line.msisdn == msisdn and line.status is LineStatus.ACTIVE), None)

    async def of_account(self, account_id: str) -> list[Line]:
        return [line for line in self.rows if line.account_id == account_id]

    async def lock(self, line_id: str) -> Line | None:
        return next((line for line in self.rows if line.id == line_id), None)

    async def save(self, line: Line) -> None:
        self.rows = [line if old.id == line.id else old for old in self.rows]

    async def quarantined_until(self, msisdn: str, now: datetime) -> datetime | None:
        ends = [line.number_free_from for line in self.rows if line.msisdn == msisdn
                and line.number_free_from is not None and line.number_free_from > now]
        return max(ends, default=None)

    async def with_pending_change(self, now: datetime) -> list[str]:
        return [line.id for line in self.rows if line.pending_at and line.pending_at <= now]


class FakePlans:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, int], Plan] = {}

    async def add(self, plan: Plan) -> None:
        self.rows.setdefault((plan.code, plan.version), plan)

    async def latest(self, code: str) -> Plan | None:
        versions = [plan for (c, _), plan in self.rows.items() if c == code]
        return max(versions, key=lambda plan: plan.version, default=None)


class FakeBalances:
    def __init__(self) -> None:
        self.rows: dict[str, Balance] = {}

    async def get(self, account_id: str) -> Balance | None:
        return self.rows.get(account_id)

    async def get_many(self, account_ids: Sequence[str]) -> dict[str, Balance]:
        return {i: self.rows[i] for i in account_ids if i in self.rows}

    async def save(self, balance: Balance) -> None:
        if balance.supersedes(self.rows.get(balance.account_id)):
            self.rows[balance.account_id] = balance


class FakeAudit:
    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    async def record(self, entry: AuditEntry) -> None:
        self.entries.append(entry)

    async def record_many(self, entries: Sequence[AuditEntry]) -> None:
        self.entries.extend(entries)


class FakeBonus:
    def __init__(self) -> None:
        self.rows: list[BonusMovement] = []

    async def add(self, movement: BonusMovement) -> None:
        self.rows.append(movement)

    async def has(self, account_id: str, reason: str) -> bool:
        return any(m.account_id == account_id and m.reason == reason for m in self.rows)

    async def of_account(self, account_id: str) -> list[BonusMovement]:
        return [m for m in self.rows if m.account_id == account_id]


class FakeInvoices:
    def __init__(self, accounts: FakeAccounts) -> None:
        self.due: dict[str, date] = {}
        self.overdue: dict[str, OverdueInvoice] = {}
        self.paid: dict[str, datetime] = {}
        self._accounts = accounts

    async def record_issued(self, invoice_id: str, account_id: str, due_date: date) -> None:
        self.due[invoice_id] = due_date

    async def due_date(self, invoice_id: str) -> date | None:
        return self.due.get(invoice_id)

    async def mark_overdue(self, invoice: OverdueInvoice) -> None:
        self.overdue[invoice.invoice_id] = invoice

    async def mark_paid(self, invoice_id: str, account_id: str, at: datetime) -> None:
        self.paid[invoice_id] = at

    async def blocking(self, account_id: str, now: datetime) -> bool:
        return any(i.account_id == account_id and i.invoice_id not in self.paid
                   and i.blocks_at <= now for i in self.overdue.values())

    async def blocking_among(self, account_ids: Sequence[str], now: datetime) -> set[str]:
        return {i for i in account_ids if await self.blocking(i, now)}

    async def accounts_to_block(self, now: datetime) -> list[str]:
        return sorted({i.account_id for i in self.overdue.values()
                       if await self.blocking(i.account_id, now)
                       and self._accounts.rows[i.account_id].status is AccountStatus.ACTIVE
                       and not self._accounts.rows[i.account_id].promised_at(now)})


class FakeUnitOfWork:
    """Holds committed events in ``emitted``; staged ones vanish unless committed."""

    def __init__(self) -> None:
        self.clock = FixedClock()
        self.customers, self.accounts, self.lines = FakeCustomers(), FakeAccounts(), FakeLines()
        self.plans, self.balances, self.audit = FakePlans(), FakeBalances(), FakeAudit()
        self.bonus = FakeBonus()
        self.invoices = FakeInvoices(self.accounts)
        self.otp_challenges, self.otp_requests = FakeOtpChallenges(), FakeOtpRequests()
        self.emitted: list[CloudEvent] = []
        self.handled: set[tuple[str, str]] = set()
        self.commits = 0
        self._staged: list[CloudEvent] = []

    async def __aenter__(self) -> Self:
        self._staged = []
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        self._staged = []

    async def commit(self) -> None:
        self.emitted.extend(self._staged)
        self._staged = []
        self.commits += 1

    async def first_time(self, consumer: str, event_id: str) -> bool:
        seen = (consumer, event_id) in self.handled
        self.handled.add((consumer, event_id))
        return not seen

    def emit(self, data: BaseModel, *, subject: str | None = None,
             routing_key: str | None = None) -> CloudEvent:
        key: str = routing_key or getattr(data, "routing_key")  # noqa: B009 - ClassVar of the event model
        event = new_event("accounts", key, data, now=self.clock.now(), subject=subject)
        self._staged.append(event)
        return event


@pytest.fixture
def uow() -> Any:
    return FakeUnitOfWork()
