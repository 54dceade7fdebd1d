"""In-memory fakes of the payments ports, for the use-case tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from payments.domain.autopay import AutopayMandate, PaymentMethod
from payments.domain.autopay_charge import AutopayCharge, ChargeStatus
from payments.domain.closure import CLOSED
from payments.domain.payment import AccountRef, BalanceAt, Payment, line_key
from payments.domain.registry import EntryStatus, RegistryEntry, RegistryReport
from tarifa.audit import Actor, AuditRecord, as_json
from tarifa.audit.memory import MemoryAuditTrail


class FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 6, 1, 6, tzinfo=UTC)


class FakeAccounts:
    def __init__(self) -> None:
        self.rows: dict[str, AccountRef] = {}
        self.lines: dict[str, str] = {}

    async def get(self, account_id: str) -> AccountRef | None:
        return self.rows.get(account_id)

    async def by_msisdn(self, msisdn: str) -> AccountRef | None:
        return self.rows.get(self.lines.get(line_key(msisdn), ""))

    async def upsert(self, account: AccountRef) -> None:
        self.rows[account.account_id] = account

    async def set_payment_mode(self, account_id: str, payment_mode: str) -> None:
        self.rows[account_id] = replace(self.rows[account_id], payment_mode=payment_mode)

    async def set_status(self, account_id: str, status: str) -> None:
        self.rows[account_id] = replace(self.rows[account_id], status=status)

    async def set_balances(self, balances: Sequence[BalanceAt]) -> None:
        for kept in balances:
            self.rows[kept.account_id] = replace(self.rows[kept.account_id], balance=kept.balance)

    async def add_line(self, msisdn: str, account_id: str) -> None:
        self.lines[line_key(msisdn)] = account_id


class FakePayments:
    def __init__(self, trail: MemoryAuditTrail, accounts: FakeAccounts) -> None:
        self.trail, self.accounts = trail, accounts
        self.rows: dict[str, Payment] = {}
        self.references: dict[tuple[str, str], str] = {}

    async def add(self, payment: Payment) -> None:
        self.rows[payment.id] = payment

    async def get(self, payment_id: str, *, for_update: bool = False) -> Payment | None:
        return self.rows.get(payment_id)

    async def save(self, payment: Payment) -> None:
        self.rows[payment.id] = payment

    async def add_holding_reference(self, payment: Payment, registered: AuditRecord) -> str | None:
        first = self.references.setdefault((payment.channel, payment.reference), payment.id)
        if first != payment.id:
            return first
        self.rows[payment.id] = payment
        self.trail.records.append(replace(registered, after=as_json(registered.after)))
        return None

    async def add_into_open(self, payment: Payment, registered: AuditRecord) -> str:
        account = self.accounts.rows.get(payment.account_id)
        if account is None or account.status == CLOSED or account.currency != payment.currency:
            return "untried"
        return "taken" if await self.add_holding_reference(payment, registered) else "stored"

    async def holder_of(self, channel: str, reference: str) -> str | None:
        return self.references.get((channel, reference))


class FakeRegistries:
    def __init__(self) -> None:
        self.reports: dict[str, RegistryReport] = {}
        self.entries: dict[tuple[str, int], RegistryEntry] = {}

    async def add_registry(self, report: RegistryReport) -> None:
        self.reports[report.id] = report

    async def claim(self, entry: RegistryEntry) -> bool:
        if entry.reference and any(e.reference == entry.reference for e in self.entries.values()):
            return False
        self.entries[entry.registry_id, entry.row] = entry
        return True

    async def get_registry(self, registry_id: str) -> RegistryReport | None:
        return self.reports.get(registry_id)

    async def submitter(self, registry_id: str) -> str | None:
        report = self.reports.get(registry_id)
        return report.submitted_by if report else None

    async def entry(self, registry_id: str, row: int) -> RegistryEntry | None:
        return self.entries.get((registry_id, row))

    async def save_entry(self, entry: RegistryEntry) -> None:
        self.entries[entry.registry_id, entry.row] = entry

    async def rows(self, registry_id: str, status: EntryStatus | None, after: int,
                   limit: int) -> list[RegistryEntry]:
        found = sorted((e for e in self.entries.values() if e.registry_id == registry_id
                        and e.row > after and status in (None, e.status)), key=lambda e: e.row)
        return found[:limit]


class FakeMethods:
    def __init__(self) -> None:
        self.methods: dict[str, PaymentMethod] = {}
        self.mandates: dict[str, AutopayMandate] = {}

    async def add(self, method: PaymentMethod) -> None:
        self.methods[method.id] = method

    async def get(self, method_id: str, *, for_update: bool = False) -> PaymentMethod | None:
        return self.methods.get(method_id)

    async def save(self, method: PaymentMethod) -> None:
        self.methods[method.id] = method

    async def put_mandate(self, mandate: AutopayMandate) -> None:
        self.mandates[mandate.account_id] = mandate

    async def mandate(self, account_id: str) -> AutopayMandate | None:
        return self.mandates.get(account_id)

    async def mandates_of(self, account_ids: Sequence[str]) -> dict[str, AutopayMandate]:
        return {i: self.mandates[i] for i in account_ids if i in self.mandates}

    async def drop_mandate(self, account_id: str) -> None:
        self.mandates.pop(account_id, None)


class FakeAutopayCharges:
    def __init__(self) -> None:
        self.rows: dict[str, AutopayCharge] = {}

    async def scheduled_for(self, account_id: str) -> list[AutopayCharge]:
        return [c for c in self.rows.values()
                if c.account_id == account_id and c.status is ChargeStatus.SCHEDULED]

    async def save(self, charge: AutopayCharge) -> None:
        self.rows[charge.id] = charge


class FakeUnitOfWork:
    """What the payments use cases touch; ``committed`` counts commits, ``events`` what left."""

    def __init__(self) -> None:
        self.clock = FixedClock()
        self.trail = MemoryAuditTrail(self.clock)
        self.accounts = FakeAccounts()
        self.payments = FakePayments(self.trail, self.accounts)
        self.registries = FakeRegistries()
        self.methods = FakeMethods()
        self.autopay = FakeAutopayCharges()
        self.actor = Actor.system("payments")
        self.events: list[Any] = []
        self.handled: set[tuple[str, str]] = set()
        self.committed = 0
        self._staged: list[Any] = []

    def acting(self, actor: Actor) -> FakeUnitOfWork:
        self.actor = actor
        return self

    async def __aenter__(self) -> FakeUnitOfWork:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._staged.clear()

    async def commit(self) -> None:
        self.committed += 1
        self.events.extend(self._staged)
        self._staged.clear()

    def emit(self, data: Any, *, subject: str | None = None, routing_key: str | None = None) -> None:
        self._staged.append(data)

    async def first_time(self, consumer: str, event_id: str) -> bool:
        if (consumer, event_id) in self.handled:
            return False
        self.handled.add((consumer, event_id))
        return True

    async def first_times(self, consumer: str, event_ids: Sequence[str]) -> set[str]:
        return {event_id for event_id in event_ids if await self.first_time(consumer, event_id)}
