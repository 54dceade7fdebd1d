"""The month closed by itself: invoicing starts the billing run on the policy's day and hour.

Each pass (the periodic check, a test clock move) asks the schedule which month is due to close;
the run of that month starts once. The period's row in ``scheduled_runs`` is written in the
same transaction as the run, so two invoicing processes (or two passes) start one run: the
second waits on the first's row and then finds it taken. A month an operator already closed by
hand (a run of every account for it) is left as it is. Runs are still startable by hand.
"""

from __future__ import annotations

import uuid

from tarifa.audit import Actor

from invoicing.domain.run import BillingRun, RunStatus
from invoicing.domain.schedule import ListedRun, RunSchedule
from invoicing.service.ports import UnitOfWork

__all__ = ["SCHEDULE", "list_runs", "start_scheduled_run"]

SCHEDULE = Actor.system("invoicing.billing-schedule")


async def start_scheduled_run(uow: UnitOfWork, schedule: RunSchedule) -> BillingRun | None:
    """Start the run of the month due to close now, unless it was started already."""
    async with uow:
        now = uow.clock.now()
        period_end = schedule.period_to_close(now)
        if period_end is None or await uow.schedule.closed_by_hand(period_end):
            return None
        run = BillingRun(id=str(uuid.uuid4()), period_end=period_end, account_ids=None,
                         status=RunStatus.RUNNING, created_at=now)
        await uow.runs.add(run)
        if not await uow.schedule.claim(period_end, run.id, now):
            return None  # the work rolls back: the run is not kept
        await uow.trail.record(SCHEDULE, "billing_run.started", "billing_run", run.id, after=run)
        await uow.commit()
    return run


async def list_runs(uow: UnitOfWork, limit: int) -> list[ListedRun]:
    async with uow:
        return await uow.schedule.recent(limit)
