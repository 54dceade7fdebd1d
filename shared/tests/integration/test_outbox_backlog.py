"""The outbox backlog on ``/metrics``: pending rows and the oldest one's age, read at scrape
time from the real database, back to zero once the relay published them; -1 without a database."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import httpx
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import create_async_engine
from tarifa.db import sessionmaker_for
from tarifa.messaging.backlog import read_backlog, record_backlog
from tarifa.messaging.outbox import OutboxRelay
from tarifa.web.observability import metrics_router

from .conftest import NotesUnitOfWork, NoteTaken, Sessions, eventually


async def _gauges(sessions: Sessions, service: str) -> dict[str, float]:
    app = FastAPI()
    app.include_router(metrics_router(readings=[lambda: record_backlog(sessions, service)]))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://test") as client:
        answer = await client.get("/metrics")
    assert answer.status_code == 200
    return {s.name: s.value for family in text_string_to_metric_families(answer.text)
            for s in family.samples
            if s.name.startswith("tarifa_outbox_") and s.labels == {"service": service}}


async def _emit(new_uow: Callable[[], NotesUnitOfWork], run: str, count: int) -> None:
    async with new_uow() as uow:
        for n in range(count):
            uow.emit(NoteTaken(run=run, text=str(n)), subject=run)
        await uow.commit()


async def test_pending_events_and_their_age_show_until_the_relay_publishes_them(
    new_uow: Callable[[], NotesUnitOfWork], sessions: Sessions, amqp_url: str
) -> None:
    service, run = f"tests-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    empty = await _gauges(sessions, service)
    await _emit(new_uow, run, 3)
    await asyncio.sleep(0.2)
    waiting = await _gauges(sessions, service)
    assert empty == {"tarifa_outbox_pending_events": 0, "tarifa_outbox_oldest_pending_seconds": 0}
    assert waiting["tarifa_outbox_pending_events"] == 3
    assert waiting["tarifa_outbox_oldest_pending_seconds"] >= 0.1
    relay = OutboxRelay(sessions, amqp_url, interval=0.05)
    await relay.start()
    try:
        await eventually(lambda: _empty(sessions), what="the outbox published")
    finally:
        await relay.stop()
    assert await _gauges(sessions, service) == empty


async def _empty(sessions: Sessions) -> bool:
    return (await read_backlog(sessions)).pending == 0


async def test_a_database_that_does_not_answer_shows_as_unknown() -> None:
    engine = create_async_engine("postgresql+asyncpg://postgres@127.0.0.1:1/none",
                                 connect_args={"timeout": 2})
    service = f"tests-{uuid.uuid4().hex[:8]}"
    try:
        gauges = await _gauges(sessionmaker_for(engine), service)
    finally:
        await engine.dispose()
    assert gauges == {"tarifa_outbox_pending_events": -1,
                      "tarifa_outbox_oldest_pending_seconds": -1}
