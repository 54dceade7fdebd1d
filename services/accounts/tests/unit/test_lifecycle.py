"""The lifecycle rules and use cases against in-memory fakes: suspension, blocking, promises,
the e-bill bonus, plan changes and the catch-up of due jobs."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from accounts.domain.account import Account, AccountStatus, BillDelivery, DeliveryMedium, PaymentMode
from accounts.domain.customer import Customer, CustomerKind, Language
from accounts.domain.errors import InvalidRequest, StateConflict
from accounts.domain.lifecycle import apply_money_rule, grant_promise, suspend
from accounts.domain.plan_change import next_period_start
from accounts.domain.policy import AccountsPolicy
from accounts.service.accounts import get_account
from accounts.service.delivery import ChangeDelivery, change_bill_delivery
from accounts.service.jobs import run_due_jobs
from accounts.service.lifecycle import Suspend, grant_promised_payment, suspend_account
from accounts.service.replicas import record_balance
from tarifa.messaging.catalogue import BalanceChanged
from tarifa.messaging.envelope import new_event

from .conftest import NOW

POLICY = AccountsPolicy(ebill_bonus_points=300, suspension_max_days=60,
                        promised_payment_length=timedelta(days=3),
                        promised_payment_reuse=timedelta(days=30))


def _account(**change: Any) -> Account:
    account = Account("a1", "c1", PaymentMode.PREPAID, "MDL", "Europe/Chisinau",
                      BillDelivery(DeliveryMedium.PAPER, address="Chișinău"), NOW)
    return replace(account, **change)


async def _stored(uow: Any, **change: Any) -> str:
    account = _account(**change)
    await uow.accounts.add(account)
    return account.id


async def _balance(uow: Any, amount: str, at: datetime | None = None) -> None:
    data = BalanceChanged(account_id="a1", balance=Decimal(amount), currency="MDL", cause="x")
    event = new_event("invoicing", data.routing_key, data, now=at or datetime.now(UTC),
                      subject="a1")
    await record_balance(uow, "accounts.balance-changed", event)


@pytest.mark.parametrize("days", [0, 61, -3])
def test_a_suspension_outside_the_policy_is_invalid(days: int) -> None:
    with pytest.raises(InvalidRequest):
        suspend(_account(), days, NOW, POLICY)


def test_only_an_active_account_is_suspended() -> None:
    with pytest.raises(StateConflict):
        suspend(_account(status=AccountStatus.BLOCKED), 3, NOW, POLICY)


def test_the_money_rule_respects_an_active_promise() -> None:
    promised = grant_promise(_account(status=AccountStatus.BLOCKED), True, NOW, POLICY)
    assert promised.status is AccountStatus.ACTIVE
    assert apply_money_rule(promised, True, NOW, "x").status is AccountStatus.ACTIVE
    later = NOW + timedelta(days=3)
    assert apply_money_rule(promised, True, later, "x").status is AccountStatus.BLOCKED


@pytest.mark.parametrize(("negative", "last", "slug"), [
    (False, None, "balance-not-negative"),
    (True, NOW - timedelta(days=29), "promised-payment-too-soon"),
])
def test_a_promise_is_refused_with_its_reason(negative: bool, last: datetime | None,
                                              slug: str) -> None:
    with pytest.raises(StateConflict) as refused:
        grant_promise(_account(last_promise_at=last), negative, NOW, POLICY)
    assert refused.value.slug == slug


@pytest.mark.parametrize(("now", "expected"), [
    (datetime(2026, 5, 31, 20, 59, tzinfo=UTC), "2026-06-01T00:00:00+03:00"),
    (datetime(2026, 5, 31, 21, 0, tzinfo=UTC), "2026-07-01T00:00:00+03:00"),
    (datetime(2026, 12, 15, 12, 0, tzinfo=UTC), "2027-01-01T00:00:00+02:00"),
])
def test_the_next_period_starts_on_the_first_in_the_account_time_zone(now: datetime,
                                                                      expected: str) -> None:
    assert next_period_start(now, "Europe/Chisinau").isoformat() == expected


async def test_a_negative_balance_blocks_once_and_a_payment_unblocks(uow: Any) -> None:
    await _stored(uow)
    await _balance(uow, "-1.00")
    await _balance(uow, "-2.00")
    await _balance(uow, "0.00")
    keys = [e.routing_key for e in uow.emitted]
    assert keys == ["accounts.account.blocked", "accounts.account.unblocked"]
    assert (await get_account(uow, "a1")).account.status is AccountStatus.ACTIVE


async def test_the_ebill_bonus_is_earned_once(uow: Any) -> None:
    await uow.customers.add(Customer("c1", CustomerKind.PERSON, "Ana", Language.RO,
                                     email="ana@example.md", address="Chișinău"))
    await _stored(uow)
    for medium in ("ebill", "paper", "ebill", "paper", "ebill"):
        delivery = BillDelivery(DeliveryMedium(medium))
        await change_bill_delivery(uow, ChangeDelivery("a1", delivery, "subscriber:a1"), POLICY)
    assert (await get_account(uow, "a1")).account.bonus_points == 300
    assert [e.routing_key for e in uow.emitted].count("accounts.bonus.awarded") == 1
    assert len(uow.bonus.rows) == 1


async def test_due_jobs_replay_what_fell_due_in_order_and_only_once(uow: Any) -> None:
    await _stored(uow)
    await _balance(uow, "-5.00")
    await grant_promised_payment(uow, "a1", "subscriber:a1", POLICY)
    uow.clock.instant = NOW + timedelta(hours=1)
    await _balance(uow, "-6.00", at=datetime.now(UTC) + timedelta(seconds=1))
    assert (await get_account(uow, "a1")).account.status is AccountStatus.ACTIVE
    uow.clock.instant = NOW + timedelta(days=10)
    assert await run_due_jobs(lambda: uow) == 1
    assert await run_due_jobs(lambda: uow) == 0
    keys = [e.routing_key.rsplit(".", 1)[-1] for e in uow.emitted]
    assert keys == ["blocked", "granted", "unblocked", "expired", "blocked"]
    blocked_at = [e.time for e in uow.emitted][-1]
    assert blocked_at == uow.clock.instant


async def test_a_suspension_resumes_at_its_end_when_the_clock_jumps(uow: Any) -> None:
    await _stored(uow, payment_mode=PaymentMode.POSTPAID)
    suspension = await suspend_account(uow, Suspend("a1", 7, "operator:op"), POLICY)
    uow.clock.instant = NOW + timedelta(days=90)
    await run_due_jobs(lambda: uow)
    resumed = uow.emitted[-1]
    assert resumed.routing_key == "accounts.account.resumed"
    assert resumed.data["until_at"] == suspension.end.isoformat().replace("+00:00", "Z")
    assert resumed.data["until"] == str(date(2026, 5, 8))
    assert (await get_account(uow, "a1")).account.status is AccountStatus.ACTIVE
