"""The billing use cases on in-memory fakes: a statement from the ledger, reruns, allocation."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, cast

from invoicing.domain.account import BillingAccount
from invoicing.domain.invoice import InvoiceStatus
from invoicing.domain.ledger import EntryKind, LedgerEntry
from invoicing.domain.run import BillingRun, RunStatus
from invoicing.service.allocation import settle
from invoicing.service.billing import BillingPolicy, bill_account

from .fakes import FakeUnitOfWork

POLICY = BillingPolicy("TRF", 16)
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _run(period_end: date) -> BillingRun:
    return BillingRun(str(uuid.uuid4()), period_end, None, RunStatus.RUNNING, NOW)


def _entry(kind: EntryKind, amount: str, day: date, **extra: Any) -> LedgerEntry:
    value = Decimal(amount)
    return LedgerEntry(id=str(uuid.uuid4()), account_id="acc", kind=kind,
                       type="sms" if kind is EntryKind.CHARGE else "payment", currency="MDL",
                       occurred_on=day, amount=value, source_event_id="e", created_at=NOW,
                       msisdn="37369000001", gross=-value if value < 0 else Decimal(0), **extra)


def _world() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.accounts.rows["acc"] = BillingAccount("acc", "MDL", "postpaid",
                                              first_connected_on=date(2026, 4, 10))
    uow.ledger.entries = [
        _entry(EntryKind.CHARGE, "-30.00", date(2026, 4, 12)),
        _entry(EntryKind.PAYMENT, "10.00", date(2026, 4, 20)),
        _entry(EntryKind.CHARGE, "-24.00", date(2026, 5, 3)),
        _entry(EntryKind.PAYMENT, "50.00", date(2026, 5, 30)),
        _entry(EntryKind.CHARGE, "-1.00", date(2026, 6, 1)),
    ]
    return uow


async def test_each_statement_opens_with_the_previous_closing_and_holds_its_identity() -> None:
    uow = _world()
    april = await bill_account(cast(Any, uow), POLICY, _run(date(2026, 4, 30)), "acc")
    may = await bill_account(cast(Any, uow), POLICY, _run(date(2026, 5, 31)), "acc")
    assert april is not None and may is not None
    assert (april.period_start, april.opening_balance, april.total_charges, april.total_paid,
            april.closing_balance, april.amount_due) == (
        date(2026, 4, 10), Decimal(0), Decimal("30.00"), Decimal("10.00"), Decimal("20.00"),
        Decimal("20.00"))
    assert (may.period_start, may.opening_balance, may.closing_balance, may.amount_due) == (
        date(2026, 5, 1), Decimal("20.00"), Decimal("-6.00"), Decimal(0))
    assert (april.number, may.number) == ("TRF-2026-000001", "TRF-2026-000002")
    assert (april.due_date, may.due_date) == (date(2026, 5, 16), date(2026, 6, 16))
    assert -(await uow.ledger.stated_balance("acc")) == may.closing_balance


async def test_a_rerun_or_an_account_without_a_line_issues_nothing() -> None:
    uow = _world()
    assert await bill_account(cast(Any, uow), POLICY, _run(date(2026, 5, 31)), "acc")
    assert await bill_account(cast(Any, uow), POLICY, _run(date(2026, 5, 31)), "acc") is None
    assert await bill_account(cast(Any, uow), POLICY, _run(date(2026, 4, 30)), "acc") is None
    assert await bill_account(cast(Any, uow), POLICY, _run(date(2026, 5, 31)), "nobody") is None
    assert uow.invoices.counters == {("TRF", 2026): 1}


async def test_a_prepaid_statement_is_informational() -> None:
    uow = _world()
    uow.accounts.rows["acc"] = BillingAccount("acc", "MDL", "prepaid",
                                              first_connected_on=date(2026, 4, 10))
    statement = await bill_account(cast(Any, uow), POLICY, _run(date(2026, 4, 30)), "acc")
    assert statement is not None and statement.due_date is None


async def test_a_payment_settles_the_oldest_invoice_and_announces_it() -> None:
    uow = _world()
    uow.ledger.entries = [e for e in uow.ledger.entries if e.kind is EntryKind.CHARGE]
    april = await bill_account(cast(Any, uow), POLICY, _run(date(2026, 4, 30)), "acc")
    may = await bill_account(cast(Any, uow), POLICY, _run(date(2026, 5, 31)), "acc")
    assert april is not None and may is not None
    assert (april.payable, may.amount_due, may.payable) == (
        Decimal("30.00"), Decimal("54.00"), Decimal("24.00"))
    await settle(cast(Any, uow), "acc", "p1", Decimal("40.00"))
    assert [uow.invoices.rows[i].status for i in (april.id, may.id)] == [
        InvoiceStatus.PAID, InvoiceStatus.PARTIALLY_PAID]
    assert [event.invoice_id for event in uow.events] == [april.id]
