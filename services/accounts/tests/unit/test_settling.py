"""Ended suspensions and promises are settled a chunk of accounts per transaction, once each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from accounts.domain.account import (
    Account,
    AccountStatus,
    Balance,
    BillDelivery,
    DeliveryMedium,
    PaymentMode,
    PromisedPayment,
    Suspension,
)
from accounts.domain.invoices import OverdueInvoice
from accounts.service.jobs import run_due_jobs, settle_due
from tarifa.scheduling import ITEM_FAILURES

from .conftest import NOW

LATER = NOW + timedelta(days=30)


def _account(account_id: str, mode: PaymentMode, **change: Any) -> Account:
    account = Account(account_id, "c1", mode, "MDL", "Europe/Chisinau",
                      BillDelivery(DeliveryMedium.PAPER, address="Chișinău"), NOW)
    return replace(account, **change)


def _suspended(account_id: str, mode: PaymentMode = PaymentMode.POSTPAID) -> Account:
    return _account(account_id, mode, status=AccountStatus.SUSPENDED,
                    suspension=Suspension(NOW, NOW + timedelta(days=7)))


def _promised(account_id: str) -> Account:
    return _account(account_id, PaymentMode.PREPAID, last_promise_at=NOW,
                    promise=PromisedPayment(NOW, NOW + timedelta(days=3)))


async def _world(uow: Any) -> None:
    for account in [_suspended("s1"), _suspended("s2"), _suspended("s3"), _promised("p1"),
                    _promised("p2"), _account("quiet", PaymentMode.PREPAID)]:
        await uow.accounts.add(account)
    uow.invoices.overdue["i1"] = OverdueInvoice("i1", "s2", date(2026, 5, 20), NOW)
    uow.balances.rows["p1"] = Balance("p1", Decimal("-4.00"), "MDL", NOW)
    uow.balances.rows["p2"] = Balance("p2", Decimal("10.00"), "MDL", NOW)
    uow.clock.instant = LATER


def _keys(uow: Any, account_id: str) -> list[str]:
    return [e.routing_key.rsplit(".", 2)[-2] + "." + e.routing_key.rsplit(".", 1)[-1]
            for e in uow.emitted if e.subject == account_id]


async def test_a_chunked_pass_resumes_expires_and_blocks_what_owes_in_few_transactions(
    uow: Any,
) -> None:
    await _world(uow)
    await settle_due(lambda: uow, await uow.accounts.due(LATER), chunk=3)
    statuses = {i: a.status for i, a in uow.accounts.rows.items()}
    assert statuses == {"s1": AccountStatus.ACTIVE, "s2": AccountStatus.BLOCKED,
                        "s3": AccountStatus.ACTIVE, "p1": AccountStatus.BLOCKED,
                        "p2": AccountStatus.ACTIVE, "quiet": AccountStatus.ACTIVE}
    assert _keys(uow, "s2") == ["account.resumed", "account.blocked"]
    assert _keys(uow, "p1") == ["promised_payment.expired", "account.blocked"]
    assert _keys(uow, "p2") == ["promised_payment.expired"]
    assert _keys(uow, "quiet") == []
    assert uow.accounts.rows["p1"].blocked_reason == "promised_payment_expired"
    [expiry] = [e for e in uow.audit.entries if e.entity_id == "p1"]
    assert expiry.at == NOW + timedelta(days=3) and expiry.actor == "system:scheduler"
    assert len(uow.audit.entries) == 5


async def test_a_second_pass_finds_nothing_due_and_announces_nothing(uow: Any) -> None:
    await _world(uow)
    assert await run_due_jobs(lambda: uow) == 5
    emitted = len(uow.emitted)
    assert await run_due_jobs(lambda: uow) == 0
    assert len(uow.emitted) == emitted


async def test_a_chunk_that_fails_is_settled_account_by_account_and_the_bad_one_waits(
    uow: Any,
) -> None:
    await _world(uow)
    locking = uow.accounts.lock_many

    async def lock_many(account_ids: Sequence[str]) -> list[Account]:
        if "s2" in account_ids:
            raise RuntimeError("s2's row cannot be read")
        return list(await locking(account_ids))

    uow.accounts.lock_many = lock_many
    before = ITEM_FAILURES.labels("accounts-settle")._value.get()
    await settle_due(lambda: uow, await uow.accounts.due(LATER), chunk=10)
    assert ITEM_FAILURES.labels("accounts-settle")._value.get() == before + 1
    assert uow.accounts.rows["s2"].status is AccountStatus.SUSPENDED  # still due next pass
    assert uow.accounts.rows["s1"].status is AccountStatus.ACTIVE
    assert uow.accounts.rows["p1"].status is AccountStatus.BLOCKED


async def test_postpaid_accounts_past_their_grace_are_blocked_a_chunk_at_a_time(uow: Any) -> None:
    for n in range(5):
        await uow.accounts.add(_account(f"o{n}", PaymentMode.POSTPAID))
        uow.invoices.overdue[f"i{n}"] = OverdueInvoice(f"i{n}", f"o{n}", date(2026, 5, 10), NOW)
    uow.invoices.paid["i4"] = NOW  # paid before the job looked: not blocked
    uow.clock.instant = LATER
    await run_due_jobs(lambda: uow)
    statuses = {i: a.status for i, a in uow.accounts.rows.items()}
    assert statuses == {"o0": AccountStatus.BLOCKED, "o1": AccountStatus.BLOCKED,
                        "o2": AccountStatus.BLOCKED, "o3": AccountStatus.BLOCKED,
                        "o4": AccountStatus.ACTIVE}
    assert [_keys(uow, f"o{n}") for n in range(5)] == [["account.blocked"]] * 4 + [[]]
    assert {e.action for e in uow.audit.entries} == {"account.blocked"}
    assert uow.accounts.rows["o0"].blocked_reason == "invoice_overdue"
    await run_due_jobs(lambda: uow)
    assert len(uow.audit.entries) == 4  # a second pass blocks nothing again
