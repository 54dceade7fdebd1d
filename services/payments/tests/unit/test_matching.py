"""Manual matching, offline references and autopay modes: the rules, and the use cases over the
in-memory fakes of their ports."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from payments.domain.autopay import AutopayMandate, MethodStatus, ModeUnsuitable, PaymentMethod
from payments.domain.matching import NotAssignable, Rejection, RowProblem, RowSettled, assigned, rejected
from payments.domain.payment import AccountRef
from payments.domain.registry import EntryStatus, RegistryEntry, read_registry
from payments.service.matching import AssignRow, RejectRow, UnknownRow, assign_row, reject_row
from payments.service.methods import SetAutopay, set_autopay
from payments.service.offline import ReferenceTaken, RegisterOfflinePayment, register_offline_payment
from payments.service.registry import ImportRegistry, import_registry
from payments.service.replica import record_payment_mode
from tarifa.messaging.catalogue import AccountUpdated
from tarifa.messaging.envelope import CloudEvent, new_event

from .fakes import FakeUnitOfWork

AT = datetime(2026, 6, 1, tzinfo=UTC)
HEADER = "reference,account_or_msisdn,amount,currency,paid_at"


def _entry(problem: RowProblem | None = RowProblem.UNKNOWN_ACCOUNT) -> RegistryEntry:
    return RegistryEntry(registry_id="r1", row=1, reference="B-1", account_or_msisdn="nobody",
                         amount="10.00", currency="MDL", paid_at=None, status=EntryStatus.UNMATCHED,
                         problem=problem, reason="no account")


def test_a_row_is_settled_once_and_an_unusable_one_only_rejected() -> None:
    paid = assigned(_entry(), "a1", "p1", "operator:o", AT)
    assert (paid.status, paid.account_id, paid.payment_id) == (EntryStatus.ASSIGNED, "a1", "p1")
    with pytest.raises(RowSettled):
        assigned(paid, "a2", "p2", "operator:o", AT)
    with pytest.raises(RowSettled):
        rejected(paid, Rejection.CLOSE, "late", "operator:o", AT)
    with pytest.raises(NotAssignable):
        assigned(_entry(RowProblem.INVALID_AMOUNT), "a1", "p1", "operator:o", AT)
    back = rejected(_entry(RowProblem.INVALID_AMOUNT), Rejection.RETURN, "typo", "operator:o", AT)
    assert (back.status, back.reason, back.resolved_at) == (EntryStatus.RETURNED, "typo", AT)


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_a_registry_is_read_with_the_separator_of_its_header(separator: str) -> None:
    text = f"{HEADER}\nR-1,+37369000001,12.50,MDL,\n".replace(",", separator)
    rows = read_registry(text, max_rows=5)
    assert [(r.reference, r.account_or_msisdn, r.amount) for r in rows] == [
        ("R-1", "+37369000001", "12.50")]


@pytest.mark.parametrize(("mode", "fits", "refused"), [
    ("invoice", "postpaid", "prepaid"), ("threshold", "prepaid", "postpaid")])
def test_each_autopay_mode_fits_one_payment_mode(mode: str, fits: str, refused: str) -> None:
    mandate = AutopayMandate("a1", "m1", mode, AT, Decimal(10), Decimal(20))
    assert mandate.suits(fits) and mandate.suits(None) and not mandate.suits(refused)
    with pytest.raises(ModeUnsuitable):
        mandate.check_mode(refused)


async def _world(payment_mode: str = "postpaid") -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    await uow.accounts.upsert(AccountRef("a1", "MDL", payment_mode=payment_mode))
    await uow.accounts.upsert(AccountRef("a2", "MDL"))
    await uow.accounts.add_line("37369000002", "a2")  # as accounts announces it
    return uow


async def test_an_assigned_row_pays_once_dated_by_the_row() -> None:
    uow = await _world()
    text = f"{HEADER}\nB-1,+37300000000,10.50,MDL,2026-05-30T09:00:00+03:00\n"
    report = await import_registry(uow, ImportRegistry(text, "partner:bank", 10))
    assert [e.problem for e in report.unmatched] == [RowProblem.UNKNOWN_ACCOUNT]
    command = AssignRow(report.id, 1, "operator:o", msisdn="+37369000002")
    row = await assign_row(uow, command)
    again = await assign_row(uow, command)
    assert again == row and row.status is EntryStatus.ASSIGNED and row.account_id == "a2"
    payment = uow.payments.rows[row.payment_id or ""]
    assert (payment.amount, payment.payer, payment.paid_at) == (
        Decimal("10.50"), "partner:bank", datetime(2026, 5, 30, 6, tzinfo=UTC))
    imported, paid = uow.events
    assert (imported.routing_key, imported.unmatched) == ("payments.registry.imported", 1)
    assert (paid.routing_key, paid.payment_id, paid.amount) == (
        "payments.payment.succeeded", payment.id, Decimal("10.50"))
    assert uow.trail.actions.count("registry_row.assigned") == 1
    with pytest.raises(RowSettled):
        await assign_row(uow, AssignRow(report.id, 1, "operator:o", account_id="a1"))
    with pytest.raises(UnknownRow):
        await reject_row(uow, RejectRow(report.id, 2, "operator:o", Rejection.CLOSE, "x"))


async def test_a_rejected_row_is_returned_once_and_then_settled() -> None:
    uow = await _world()
    report = await import_registry(uow, ImportRegistry(f"{HEADER}\nB-9,nobody,1.00,MDL,\n",
                                                       "partner:bank", 10))
    command = RejectRow(report.id, 1, "operator:o", Rejection.RETURN, "payer unknown")
    returned = await reject_row(uow, command)
    assert await reject_row(uow, command) == returned
    assert (returned.status, returned.problem, returned.reason) == (
        EntryStatus.RETURNED, RowProblem.UNKNOWN_ACCOUNT, "payer unknown")
    with pytest.raises(RowSettled):
        await reject_row(uow, RejectRow(report.id, 1, "operator:o", Rejection.CLOSE, "x"))
    with pytest.raises(RowSettled):
        await assign_row(uow, AssignRow(report.id, 1, "operator:o", account_id="a1"))
    assert uow.payments.rows == {} and uow.trail.actions.count("registry_row.rejected") == 1
    assert [e.routing_key for e in uow.events] == ["payments.registry.imported",
                                                   "payments.registry_row.returned"]


def _offline(**change: Any) -> RegisterOfflinePayment:
    return RegisterOfflinePayment(**{"amount": Decimal("40.00"), "currency": "MDL",
                                     "channel": "cash", "reference": "C-1", "payer": "partner:p",
                                     "account_id": "a1"} | change)


async def test_an_offline_reference_books_once_and_refuses_another_payment() -> None:
    uow = await _world()
    first = await register_offline_payment(uow, _offline())
    again = await register_offline_payment(uow, _offline())
    by_phone = await register_offline_payment(uow, _offline(account_id=None, msisdn="+37369000002",
                                                            reference="C-2"))
    assert (first.new, again.new, again.payment) == (True, False, first.payment)
    assert by_phone.new and by_phone.payment.account_id == "a2"
    for change in ({"amount": Decimal("4.00")}, {"account_id": "a2"}):
        with pytest.raises(ReferenceTaken):
            await register_offline_payment(uow, _offline(**change))
    assert len(uow.payments.rows) == 2


async def _mandate(uow: FakeUnitOfWork, mode: str) -> AutopayMandate:
    await uow.methods.add(PaymentMethod("m1", "a1", "sandbox", MethodStatus.ACTIVE, AT, token="t"))
    return await set_autopay(uow, SetAutopay("a1", "m1", mode, threshold="10.00", amount="50.00"))


def _updated(data: dict[str, str]) -> CloudEvent:
    return new_event("accounts", AccountUpdated.routing_key, AccountUpdated.model_validate(data),
                     now=AT)


async def test_a_new_payment_mode_ends_the_mandate_it_no_longer_fits() -> None:
    uow = await _world("postpaid")
    with pytest.raises(ModeUnsuitable):
        await _mandate(uow, "threshold")
    await _mandate(uow, "invoice")
    same = _updated({"account_id": "a1", "payment_mode": "postpaid"})
    await record_payment_mode(uow, "q", same)
    assert await uow.methods.mandate("a1") is not None
    changed = _updated({"account_id": "a1", "payment_mode": "prepaid"})
    await record_payment_mode(uow, "q", changed)
    assert await uow.methods.mandate("a1") is None
    assert (await uow.accounts.get("a1")) == AccountRef("a1", "MDL", payment_mode="prepaid")
    assert uow.trail.actions.count("autopay.ended") == 1
