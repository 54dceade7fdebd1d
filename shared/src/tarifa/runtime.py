"""The parts every service process wires the same way, and the FastAPI app around them.

A service's ``bootstrap.build_app`` builds a ``Runtime``, registers its consumers with
``Runtime.subscribe``, and calls ``create_app`` with its routers.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from faststream.rabbit import RabbitBroker
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tarifa.clock import Clock, ControllableClock, SystemClock
from tarifa.db import create_engine, sessionmaker_for
from tarifa.heap import settle_heap
from tarifa.jwks import RemoteKeys
from tarifa.logging import configure_logging, get_logger
from tarifa.messaging.backlog import record_backlog
from tarifa.messaging.consumer import EventHandler, subscribe_event
from tarifa.messaging.dead_letters import dead_letter_depths
from tarifa.messaging.docs import document_published
from tarifa.messaging.failover_broker import FailoverBroker
from tarifa.messaging.outbox import OutboxRelay
from tarifa.messaging.topology import prepare_topology
from tarifa.problems import install_problem_handlers
from tarifa.sane_requests import RefuseControlCharacters
from tarifa.settings import ServiceSettings
from tarifa.tokens import KeySet, PinnedKeys, TokenVerifier
from tarifa.web.access import undeclared
from tarifa.web.clock import ClockJobs, clock_router
from tarifa.web.health import health_router
from tarifa.web.observability import install_request_logging, metrics_router
from tarifa.web.openapi import document_answers, document_problems
from tarifa.web.tracing import TELEMETRY, install_tracing

__all__ = ["Runtime", "build_runtime", "create_app"]

log = get_logger("tarifa.runtime")

Hook = Callable[[], Awaitable[None]]


@dataclass
class Runtime:
    settings: ServiceSettings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    broker: RabbitBroker
    relay: OutboxRelay
    clock: Clock
    tokens: TokenVerifier
    queues: list[str] = field(default_factory=list)
    on_start: list[Hook] = field(default_factory=list)
    on_stop: list[Hook] = field(default_factory=list)
    on_clock_move: list[Callable[[datetime], Awaitable[None]]] = field(default_factory=list)

    def subscribe(self, queue: str, routing_key: str, handler: EventHandler) -> None:
        subscribe_event(self.broker, queue, routing_key, handler)
        self.queues.append(queue)

    def publishes(self, routing_keys: list[str]) -> None:
        document_published(self.broker, routing_keys)

    async def clock_moved(self, now: datetime) -> None:
        """Run the time-driven jobs that registered for clock moves (test mode)."""
        for job in self.on_clock_move:
            await job(now)

    async def database_ready(self) -> bool:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True

    async def dead_letter_depths(self) -> dict[str, int]:
        return await dead_letter_depths(self.settings.amqp_url, self.queues)

    async def outbox_backlog(self) -> None:
        await record_backlog(self.sessions, self.settings.service_name)

    async def broker_ready(self) -> bool:
        return bool(await self.broker.ping(timeout=2))


def _verifier(settings: ServiceSettings) -> TokenVerifier:
    keys: KeySet = (PinnedKeys.from_pem(settings.jwt_public_key) if settings.jwt_public_key
                    else RemoteKeys(settings.jwks_url))
    return TokenVerifier(keys, settings.jwt_issuer, settings.jwt_audience)


def build_runtime(settings: ServiceSettings, *, verifier: TokenVerifier | None = None) -> Runtime:
    """The parts every service has; ``verifier`` replaces the one the settings describe."""
    configure_logging(settings.service_name, json=settings.log_json,
                      level=logging.getLevelNamesMapping()[settings.log_level.upper()])
    engine = create_engine(settings.dsn, pool_size=settings.db_pool_size)
    sessions = sessionmaker_for(engine)
    clock: Clock = ControllableClock() if settings.test_mode else SystemClock()
    return Runtime(
        settings=settings, engine=engine, sessions=sessions,
        broker=FailoverBroker(settings.amqp_url, logger=None, apply_types=False),
        relay=OutboxRelay(sessions, settings.amqp_url, interval=settings.relay_interval),
        clock=clock, tokens=verifier or _verifier(settings),
    )


@asynccontextmanager
async def _lifespan(runtime: Runtime) -> AsyncIterator[None]:
    """Start broker, relay and hooks; stop all of them, even when a start hook fails."""
    await prepare_topology(runtime.settings.amqp_url, runtime.queues)
    await runtime.relay.start()
    try:
        await runtime.broker.start()
        try:
            for hook in runtime.on_start:
                await hook()
            if not runtime.settings.test_mode:
                # tests start and stop many apps in one process: frozen, their cycles would stay
                settle_heap()
            yield
        finally:
            await _stop_all(runtime.on_stop)
            await runtime.broker.stop()
    finally:
        await runtime.relay.stop()
        await runtime.engine.dispose()


async def _stop_all(hooks: Sequence[Hook]) -> None:
    """Run every stop hook; one that fails is logged and the others (and the broker) still go."""
    for hook in hooks:
        try:
            await hook()
        except Exception as exc:
            log.error("stop_hook_failed", hook=getattr(hook, "__qualname__", repr(hook)),
                      error=repr(exc), exc_info=True)


def create_app(runtime: Runtime, *, title: str, routers: Sequence[APIRouter],
               description: str = "", **extra: Any) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with _lifespan(runtime):
            yield

    app = FastAPI(title=title, version="0.1.0", description=description, lifespan=lifespan,
                  telemetry=TELEMETRY, **extra)
    app.state.runtime = runtime
    app.state.token_verifier = runtime.tokens
    install_problem_handlers(app)
    app.add_middleware(RefuseControlCharacters)
    install_request_logging(app, runtime.settings.service_name)
    install_tracing(app, runtime.settings.service_name)
    _allow_browsers(app, runtime.settings.allowed_origins)
    _include(app, [*_common_routers(runtime), *routers])
    return app


def _allow_browsers(app: FastAPI, origins: list[str]) -> None:
    """CORS for the named origins (a self-care web app calling from the browser); none: none."""
    if origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=origins, allow_credentials=False,
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "Accept-Language"],
            expose_headers=["Content-Disposition", "Location", "Retry-After"], max_age=600)


def _common_routers(runtime: Runtime) -> list[APIRouter]:
    routers = [health_router({"database": runtime.database_ready, "broker": runtime.broker_ready}),
               metrics_router(runtime.dead_letter_depths, readings=[runtime.outbox_backlog])]
    if isinstance(runtime.clock, ControllableClock):
        jobs = ClockJobs(runtime.clock_moved)
        runtime.on_stop.insert(0, jobs.stop)  # before the broker and the engine go
        routers.append(clock_router(runtime.clock, jobs))
    return routers


def _include(app: FastAPI, routers: Sequence[APIRouter]) -> None:
    """Each route with every answer it can give; one that declares no callers is logged."""
    for route in undeclared(routers):
        log.warning("route_without_access", route=route)
    for router in routers:
        document_answers(router)
        app.include_router(router)
    document_problems(app)
