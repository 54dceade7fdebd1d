"""Closed accounts: paid only what they owe, their autopay ended, each closure handled once."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from payments.domain.autopay import MethodStatus, PaymentMethod
from payments.domain.closure import AccountClosed, check_payable, owed
from payments.domain.matching import RowProblem
from payments.domain.payment import AccountRef
from payments.service.autopay import schedule_for_balance
from payments.service.closure import record_closure
from payments.service.matching import AssignRow, assign_row
from payments.service.methods import SetAutopay, set_autopay
from payments.service.offline import RegisterOfflinePayment, register_offline_payment
from payments.service.registry import ImportRegistry, import_registry
from tarifa.messaging.catalogue import AccountClosed as AccountClosedEvent
from tarifa.messaging.catalogue import BalanceChanged
from tarifa.messaging.envelope import CloudEvent, new_event

from .fakes import FakeUnitOfWork

AT = datetime(2026, 6, 1, tzinfo=UTC)
HEADER = "reference,account_or_msisdn,amount,currency,paid_at"


@pytest.mark.parametrize(("status", "balance", "amount", "payable"), [
    ("active", None, "500.00", True), ("closed", None, "0.01", False),
    ("closed", "-120.50", "120.50", True), ("closed", "-120.50", "120.51", False),
    ("closed", "30.00", "1.00", False)])
def test_a_closed_account_is_paid_only_what_it_owes(status: str, balance: str | None,
                                                    amount: str, payable: bool) -> None:
    account = AccountRef("a1", "MDL", status, balance=Decimal(balance) if balance else None)
    if payable:
        check_payable(account, Decimal(amount))
    else:
        with pytest.raises(AccountClosed, match="closed"):
            check_payable(account, Decimal(amount))


def test_a_closed_account_takes_no_top_up() -> None:
    account = AccountRef("a1", "MDL", "closed", balance=Decimal(-50))
    with pytest.raises(AccountClosed):
        check_payable(account, Decimal(10), topup=True)
    check_payable(replace(account, status="active"), Decimal(10), topup=True)


def test_what_is_owed_is_the_negative_balance() -> None:
    assert [owed(AccountRef("a1", "MDL", balance=b)) for b in (None, Decimal(5), Decimal(-7))] == [
        Decimal(0), Decimal(0), Decimal(7)]


def _closed(account_id: str = "a1") -> CloudEvent:
    return new_event("accounts", AccountClosedEvent.routing_key, AccountClosedEvent(
        account_id=account_id, closed_at=AT, closed_on=date(2026, 6, 1), reason="moved"), now=AT)


def _balance(balance: str, at: datetime = AT) -> CloudEvent:
    return new_event("invoicing", BalanceChanged.routing_key, BalanceChanged(
        account_id="a1", balance=Decimal(balance), currency="MDL", cause="invoice"), now=at)


async def _world() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    await uow.accounts.upsert(AccountRef("a1", "MDL", payment_mode="postpaid"))
    await uow.accounts.add_line("37369000001", "a1")
    await uow.methods.add(PaymentMethod("m1", "a1", "sandbox", MethodStatus.ACTIVE, AT, token="t"))
    await set_autopay(uow, SetAutopay("a1", "m1", "invoice"))
    return uow


async def test_a_closure_is_kept_once_and_ends_the_autopay_mandate() -> None:
    uow = await _world()
    event = _closed()
    for _ in range(2):  # a redelivery is handled once
        await record_closure(uow, "q", event)
    await record_closure(uow, "q", _closed("nobody"))
    assert (await uow.accounts.get("a1")) == AccountRef("a1", "MDL", "closed", "postpaid")
    assert await uow.methods.mandate("a1") is None
    assert [uow.trail.actions.count(a) for a in ("account.closed", "autopay.ended")] == [1, 1]


def _offline(amount: str, reference: str) -> RegisterOfflinePayment:
    return RegisterOfflinePayment(amount=Decimal(amount), currency="MDL", channel="cash",
                                  reference=reference, payer="partner:p", msisdn="+37369000001")


async def test_a_closed_account_takes_an_offline_payment_of_its_debt_only() -> None:
    uow = await _world()
    before = await register_offline_payment(uow, _offline("5.00", "C-0"))
    await schedule_for_balance(uow, "b", _balance("-80.00"))
    await record_closure(uow, "q", _closed())
    with pytest.raises(AccountClosed):
        await register_offline_payment(uow, _offline("80.01", "C-1"))
    settles = await register_offline_payment(uow, _offline("80.00", "C-2"))
    repeated = await register_offline_payment(uow, _offline("5.00", "C-0"))
    assert settles.new and (repeated.new, repeated.payment) == (False, before.payment)
    assert sorted(p.reference for p in uow.payments.rows.values()) == ["C-0", "C-2"]


async def test_a_payment_told_again_after_the_closure_answers_the_first_even_beyond_the_debt() -> None:
    uow = await _world()
    before = await register_offline_payment(uow, _offline("50.00", "C-0"))
    await schedule_for_balance(uow, "b", _balance("-10.00"))
    await record_closure(uow, "q", _closed())
    repeated = await register_offline_payment(uow, _offline("50.00", "C-0"))
    with pytest.raises(AccountClosed):
        await register_offline_payment(uow, _offline("50.00", "C-1"))
    assert (repeated.new, repeated.payment) == (False, before.payment)
    assert [p.reference for p in uow.payments.rows.values()] == ["C-0"]


async def test_a_registry_row_beyond_the_debt_of_a_closed_account_is_unmatched() -> None:
    uow = await _world()
    await schedule_for_balance(uow, "b", _balance("-10.00"))
    await record_closure(uow, "q", _closed())
    text = f"{HEADER}\nB-1,a1,10.00,MDL,\nB-2,+37369000001,10.01,MDL,\n"
    report = await import_registry(uow, ImportRegistry(text, "partner:bank", 10))
    assert report.matched == 1
    assert [(e.reference, e.problem) for e in report.unmatched] == [
        ("B-2", RowProblem.ACCOUNT_CLOSED)]
    with pytest.raises(AccountClosed):
        await assign_row(uow, AssignRow(report.id, 2, "operator:o", account_id="a1"))
