"""Wiring of the rating service: the only module that imports every layer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from fastapi import FastAPI
from tarifa.runtime import Runtime, build_runtime, create_app
from tarifa.scheduling import Scheduler
from tarifa.web.audit import audit_router

from rating.adapters.uow import RatingUnitOfWork
from rating.domain.policy import RatingPolicy
from rating.entrypoints.consumers import register_consumers
from rating.entrypoints.http import rating_router
from rating.entrypoints.rerating_http import rerating_router
from rating.service.fees import charge_fees
from rating.settings import RatingSettings

__all__ = ["MIGRATIONS", "build_app"]

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
PUBLISHES = ["rating.plan.published", "rating.usage.rated", "rating.fee.charged",
             "rating.allowance.exhausted", "rating.usage.rerated"]


def _schedule_fees(runtime: Runtime, settings: RatingSettings,
                   new_uow: Callable[[], RatingUnitOfWork]) -> None:
    """The fees job: on every move of the test clock, and now and then in the background."""

    async def run() -> int:
        return await charge_fees(new_uow)

    async def clock_moved(_now: datetime) -> None:
        await run()

    scheduler = Scheduler("rating-fees", run, interval=settings.fees_interval)
    runtime.on_start.append(scheduler.start)
    runtime.on_stop.insert(0, scheduler.stop)
    runtime.on_clock_move.append(clock_moved)


def build_app(settings: RatingSettings) -> FastAPI:
    runtime = build_runtime(settings)
    policy = RatingPolicy(late_usage=timedelta(days=settings.late_usage_days))

    def new_uow() -> RatingUnitOfWork:
        return RatingUnitOfWork(runtime.sessions, service="rating", clock=runtime.clock,
                                on_commit=runtime.relay.wake)

    register_consumers(runtime, new_uow, policy)
    _schedule_fees(runtime, settings, new_uow)
    runtime.publishes(PUBLISHES)
    router = rating_router(new_uow, policy, settings.usage_body_max_bytes)
    return create_app(runtime, title="Tarifa rating", routers=[router, rerating_router(new_uow),
                                                          audit_router(new_uow, tag="rating")],
                      description="Rating: tariff plans, usage ingest and pricing, allowances, "
                                  "recurring fees, re-rating.")
