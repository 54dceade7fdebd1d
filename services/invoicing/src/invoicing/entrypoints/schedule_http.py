"""The list of billing runs (``GET /v1/billing-runs``): those the schedule started and the rest.

The billing schedule itself (the periodic check and the test clock's moves) is wired here too,
beside the route that shows what it started.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from tarifa.auth import Role, allow
from tarifa.runtime import Runtime
from tarifa.scheduling import Scheduler
from tarifa.web.access import GuardedRoute

from invoicing.domain.schedule import ListedRun, RunSchedule
from invoicing.service.ports import UnitOfWork
from invoicing.service.runs import BillingRunner
from invoicing.service.scheduled_runs import list_runs, start_scheduled_run

__all__ = ["ListedRunOut", "register_billing_schedule", "runs_list_router"]


class ListedRunOut(BaseModel):
    id: str
    status: str = Field(examples=["running", "completed", "failed"])
    period_end: date
    accounts: int
    issued: int
    skipped: int
    created_at: datetime
    finished_at: datetime | None
    started_by: str = Field(examples=["schedule", "operator"],
                            description="the billing schedule (policy day and hour) or by hand")


def _out(listed: ListedRun) -> ListedRunOut:
    run = listed.run
    return ListedRunOut(id=run.id, status=run.status, period_end=run.period_end,
                        accounts=run.accounts, issued=run.issued, skipped=run.skipped,
                        created_at=run.created_at, finished_at=run.finished_at,
                        started_by="schedule" if listed.scheduled else "operator")


def runs_list_router(new_uow: Callable[[], UnitOfWork]) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1", tags=["billing runs"])

    @router.get("/billing-runs", response_model=list[ListedRunOut],
                dependencies=[allow(Role.OPERATOR)])
    async def list_billing_runs(
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
    ) -> list[ListedRunOut]:
        """The latest billing runs, newest first (details: ``GET /v1/billing-runs/{id}``)."""
        return [_out(listed) for listed in await list_runs(new_uow(), limit)]

    return router


def register_billing_schedule(runtime: Runtime, new_uow: Callable[[], UnitOfWork],
                              runner: BillingRunner, schedule: RunSchedule | None,
                              interval: float) -> None:
    """Close each month by itself on the schedule (none: only by hand)."""
    if schedule is None:
        return

    async def check(_now: datetime | None = None) -> None:
        run = await start_scheduled_run(new_uow(), schedule)
        if run is not None:
            runner.launch(run.id)

    scheduler = Scheduler("invoicing-billing-schedule", check, interval=interval)
    runtime.on_start.append(scheduler.start)
    runtime.on_stop.insert(0, scheduler.stop)
    runtime.on_clock_move.append(check)
