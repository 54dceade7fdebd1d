"""Use cases of the monthly detailed bill by email, on in-memory ports: switching the
subscription, and the job that records each month's bill once, at the monthly fee."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from invoicing.domain.account import BillingAccount
from invoicing.domain.detailed_bill import DetailedBill
from invoicing.domain.detailed_bill_subscription import Subscription
from invoicing.service.detailed_bill_subscriptions import (
    JOB,
    make_monthly_detailed_bills,
    set_subscription,
    subscription_of,
)
from invoicing.service.detailed_bills import AccountNotFound, DetailedBillPolicy

from .fakes import FakeUnitOfWork

POLICY = DetailedBillPolicy(monthly_fees={"MDL": Decimal("50.00")})


class FakeDetailedBills:
    def __init__(self) -> None:
        self.rows: dict[str, DetailedBill] = {}

    async def add_monthly(self, bill: DetailedBill) -> bool:
        if any((b.account_id, b.month) == (bill.account_id, bill.month)
               for b in self.rows.values()):
            return False
        self.rows[bill.id] = bill
        return True


class FakeSubscriptions:
    def __init__(self) -> None:
        self.rows: dict[str, Subscription] = {}

    async def get(self, account_id: str) -> Subscription | None:
        return self.rows.get(account_id)

    async def put(self, subscription: Subscription) -> None:
        self.rows[subscription.account_id] = subscription

    async def active(self) -> list[Subscription]:
        return [s for s in self.rows.values() if s.active]


class Uow(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.detailed_bills = FakeDetailedBills()
        self.subscriptions = FakeSubscriptions()
        for account_id, currency in (("a-mdl", "MDL"), ("a-eur", "EUR")):
            self.accounts.rows[account_id] = BillingAccount(account_id, currency, "postpaid",
                                                            timezone="Europe/Chisinau")


@pytest.fixture
def uow() -> Uow:
    return Uow()


def _same(uow: Uow) -> Callable[[], Any]:
    return lambda: uow


async def test_switching_on_twice_changes_it_once_and_switching_off_keeps_since(uow: Uow) -> None:
    uow.clock.instant = datetime(2026, 10, 15, tzinfo=UTC)
    on = await set_subscription(uow, "a-mdl", True)  # type: ignore[arg-type]
    again = await set_subscription(uow, "a-mdl", True)  # type: ignore[arg-type]
    assert on == again and on.since == datetime(2026, 10, 15, tzinfo=UTC)
    off = await set_subscription(uow, "a-mdl", False)  # type: ignore[arg-type]
    assert (off.active, off.since) == (False, on.since)
    assert uow.trail.actions == ["detailed_bill_subscription.changed"] * 2
    with pytest.raises(AccountNotFound):
        await set_subscription(uow, "nobody", True)  # type: ignore[arg-type]
    unknown = await subscription_of(uow, "a-eur")  # type: ignore[arg-type]
    assert unknown.active is False


async def test_the_job_records_the_previous_month_once_at_the_monthly_fee(uow: Uow) -> None:
    uow.clock.instant = datetime(2026, 10, 15, tzinfo=UTC)
    for account_id in ("a-mdl", "a-eur"):
        await set_subscription(uow, account_id, True)  # type: ignore[arg-type]
    uow.clock.instant = datetime(2026, 11, 30, 22, 30, tzinfo=UTC)  # 1 December in Chișinău
    assert await make_monthly_detailed_bills(_same(uow), POLICY) == 1
    assert await make_monthly_detailed_bills(_same(uow), POLICY) == 0
    [bill] = uow.detailed_bills.rows.values()
    assert (bill.account_id, bill.month, bill.direction, bill.fee, bill.currency) == (
        "a-mdl", "2026-11", "out", Decimal("50.00"), "MDL")
    assert (bill.from_date.isoformat(), bill.to_date.isoformat()) == ("2026-11-01", "2026-11-30")
    [recorded] = [r for r in uow.trail.records if r.action == "detailed_bill.requested"]
    assert recorded.actor == JOB and recorded.target_id == bill.id


async def test_an_account_that_fails_stops_no_other_of_its_chunk(uow: Uow) -> None:
    uow.clock.instant = datetime(2026, 10, 15, tzinfo=UTC)
    for account_id in ("a-bad", "a-mdl"):
        uow.accounts.rows.setdefault(account_id, BillingAccount(account_id, "MDL", "postpaid"))
        await set_subscription(uow, account_id, True)  # type: ignore[arg-type]
    found = uow.accounts.get

    async def failing(account_id: str, *, lock: bool = False) -> BillingAccount | None:
        if account_id == "a-bad":
            raise RuntimeError("a broken row")
        return await found(account_id)

    uow.accounts.get = failing  # type: ignore[method-assign]
    uow.clock.instant = datetime(2026, 11, 2, tzinfo=UTC)
    assert await make_monthly_detailed_bills(_same(uow), POLICY, chunk=500) == 1
    assert [b.account_id for b in uow.detailed_bills.rows.values()] == ["a-mdl"]
