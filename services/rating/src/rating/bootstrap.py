"""Wiring of the rating service: the only module that imports every layer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path

from fastapi import FastAPI
from pydantic import Field, create_model
from tarifa.messaging.catalogue import UsageRated
from tarifa.messaging.docs import event_envelope
from tarifa.messaging.topology import events_exchange
from tarifa.runtime import Runtime, build_runtime, create_app
from tarifa.scheduling import Scheduler
from tarifa.web.audit import audit_router

from rating.adapters.records import RecordsUnitOfWork
from rating.adapters.uow import RatingUnitOfWork
from rating.domain.policy import RatingPolicy
from rating.entrypoints.closing_consumer import register_closing
from rating.entrypoints.consumers import register_consumers
from rating.entrypoints.http import rating_router
from rating.entrypoints.packages_http import packages_router
from rating.entrypoints.records_http import records_router
from rating.entrypoints.rejections_http import rejections_router
from rating.entrypoints.rerating_http import rerating_router
from rating.service.events import UsageBatchProcessed
from rating.service.fee_pass import charge_fees
from rating.service.parked import sweep_parked
from rating.settings import RatingSettings

__all__ = ["MIGRATIONS", "build_app"]

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
PUBLISHES = ["rating.plan.published", "rating.usage.rated", "rating.fee.charged",
             "rating.allowance.exhausted", "rating.usage.rerated", "rating.package.published",
             "rating.package.switched_on", "rating.package.switched_off"]


def _schedule(runtime: Runtime, name: str, job: Callable[[], Awaitable[int]],
              interval: float) -> None:
    """A job run on every move of the test clock, and now and then in the background."""

    async def clock_moved(_now: datetime) -> None:
        await job()

    scheduler = Scheduler(name, job, interval=interval)
    runtime.on_start.append(scheduler.start)
    runtime.on_stop.insert(0, scheduler.stop)
    runtime.on_clock_move.append(clock_moved)


def _document_batch_processed(runtime: Runtime) -> None:
    """``runtime.publishes`` documents the events of the shared catalogue; this one is rating's
    own (``rating.service.events``): its envelope is the catalogue's with its own type and data."""
    key = UsageBatchProcessed.routing_key
    envelope = create_model(
        "UsageBatchProcessedEvent", __base__=event_envelope(UsageRated.routing_key),
        __doc__=f"CloudEvents 1.0 envelope of {key}.",
        type=(str, Field(json_schema_extra={"const": f"tarifa.{key}"})),
        data=(UsageBatchProcessed, ...))
    runtime.broker.publisher(
        routing_key=key, exchange=events_exchange(), title=key, schema=envelope, persist=True,
        description=f"{key}: CloudEvents 1.0 envelope (type tarifa.{key}); published through "
                    "the outbox, persistent, mandatory, with publisher confirms")


def _jobs(runtime: Runtime, settings: RatingSettings, policy: RatingPolicy,
          new_uow: Callable[[], RatingUnitOfWork]) -> None:
    _schedule(runtime, "rating-fees", lambda: charge_fees(new_uow), settings.fees_interval)
    _schedule(runtime, "rating-parked", lambda: sweep_parked(new_uow, policy),
              settings.parked_interval)


def _policy(settings: RatingSettings) -> RatingPolicy:
    return RatingPolicy(late_usage=timedelta(days=settings.late_usage_days),
                        parked_usage=timedelta(hours=settings.parked_usage_hours))


def build_app(settings: RatingSettings) -> FastAPI:
    runtime = build_runtime(settings)
    policy = _policy(settings)

    def new_uow() -> RatingUnitOfWork:
        return RatingUnitOfWork(runtime.sessions, service="rating", clock=runtime.clock,
                                on_commit=runtime.relay.wake)

    register_consumers(runtime, new_uow, policy)
    register_closing(runtime, new_uow)
    _jobs(runtime, settings, policy, new_uow)
    runtime.publishes(PUBLISHES)
    _document_batch_processed(runtime)

    def records_uow() -> RecordsUnitOfWork:
        return RecordsUnitOfWork(runtime.sessions, service="rating", clock=runtime.clock,
                                 on_commit=runtime.relay.wake)

    routers = [rating_router(new_uow, policy, settings.usage_body_max_bytes),
               packages_router(new_uow),
               rejections_router(new_uow), rerating_router(new_uow), records_router(records_uow),
               audit_router(new_uow, tag="rating")]
    return create_app(runtime, title="Tarifa rating", routers=routers,
                      description="Rating: tariff plans, usage ingest and pricing, allowances, "
                                  "recurring fees, re-rating, rejected and parked usage.")
