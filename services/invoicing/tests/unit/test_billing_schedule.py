"""The billing schedule closes the previous month once its day and hour have come, once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, cast

import pytest
from invoicing.domain.run import BillingRun
from invoicing.domain.schedule import ListedRun, RunSchedule
from invoicing.service.ports import UnitOfWork
from invoicing.service.scheduled_runs import start_scheduled_run

from .fakes import FakeUnitOfWork

SCHEDULE = RunSchedule(day=1, hour=2)


@pytest.mark.parametrize(("now", "closes"), [
    (datetime(2026, 6, 1, 1, 59, tzinfo=UTC), None),
    (datetime(2026, 6, 1, 2, 0, tzinfo=UTC), date(2026, 5, 31)),
    (datetime(2026, 6, 20, 0, 0, tzinfo=UTC), date(2026, 5, 31)),
    (datetime(2026, 3, 1, 2, 0, tzinfo=UTC), date(2026, 2, 28)),
    (datetime(2027, 1, 1, 2, 0, tzinfo=UTC), date(2026, 12, 31)),
])
def test_the_month_to_close_is_the_previous_one_from_its_day_and_hour(
    now: datetime, closes: date | None,
) -> None:
    assert SCHEDULE.period_to_close(now) == closes


def test_the_day_and_hour_are_in_the_policy_time_zone() -> None:
    chisinau = RunSchedule(day=1, hour=2, timezone="Europe/Chisinau")  # UTC+3 in summer
    assert chisinau.period_to_close(datetime(2026, 5, 31, 23, 30, tzinfo=UTC)) == date(2026, 5, 31)
    assert chisinau.period_to_close(datetime(2026, 5, 31, 22, 30, tzinfo=UTC)) is None


class FakeSchedule:
    def __init__(self, by_hand: set[date] | None = None) -> None:
        self.claimed: dict[date, str] = {}
        self.by_hand = by_hand or set()

    async def closed_by_hand(self, period_end: date) -> bool:
        return period_end in self.by_hand

    async def claim(self, period_end: date, run_id: str, now: datetime) -> bool:
        return self.claimed.setdefault(period_end, run_id) == run_id

    async def recent(self, limit: int) -> list[ListedRun]:
        return []


class FakeRuns:
    def __init__(self) -> None:
        self.added: list[BillingRun] = []

    async def add(self, run: BillingRun) -> None:
        self.added.append(run)


def _uow(schedule: FakeSchedule, now: datetime) -> tuple[FakeUnitOfWork, UnitOfWork]:
    uow = FakeUnitOfWork()
    uow.clock.instant = now
    cast(Any, uow).schedule, cast(Any, uow).runs = schedule, FakeRuns()
    return uow, cast(UnitOfWork, uow)


async def test_the_run_of_the_month_starts_once_and_is_audited() -> None:
    schedule = FakeSchedule()
    fake, uow = _uow(schedule, datetime(2026, 6, 1, 3, tzinfo=UTC))
    run = await start_scheduled_run(uow, SCHEDULE)
    assert run is not None and run.period_end == date(2026, 5, 31) and run.account_ids is None
    assert await start_scheduled_run(uow, SCHEDULE) is None
    assert fake.committed == 1
    assert schedule.claimed == {date(2026, 5, 31): run.id}
    [entry] = fake.trail.records
    assert (entry.action, entry.actor.subject) == ("billing_run.started",
                                                  "invoicing.billing-schedule")


async def test_nothing_starts_before_the_hour_or_for_a_month_closed_by_hand() -> None:
    early = FakeSchedule()
    assert await start_scheduled_run(_uow(early, datetime(2026, 6, 1, 1, tzinfo=UTC))[1],
                                     SCHEDULE) is None
    by_hand = FakeSchedule({date(2026, 5, 31)})
    fake, uow = _uow(by_hand, datetime(2026, 6, 2, tzinfo=UTC))
    assert await start_scheduled_run(uow, SCHEDULE) is None
    assert (early.claimed, by_hand.claimed, fake.committed) == ({}, {}, 0)
