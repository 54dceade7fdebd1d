"""A correlation id follows the work: from an HTTP request into the events it emits, through the
broker into a consumer, and into the events that consumer emits in turn."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from tarifa.messaging.envelope import CloudEvent
from tarifa.messaging.outbox import OutboxRelay
from tarifa.testing.events import EventTap, tap_events
from tarifa.web.observability import install_request_logging

from .conftest import NotesUnitOfWork, NoteTaken, Sessions, consuming

QUEUE = "tests.correlation"


def _app(new_uow: Callable[[], NotesUnitOfWork], asked: str) -> FastAPI:
    app = FastAPI()
    install_request_logging(app, "tests")

    @app.post("/notes")
    async def take_note() -> dict[str, str]:
        async with new_uow() as uow:
            uow.emit(NoteTaken(run=asked, text="asked"), routing_key=asked)
            await uow.commit()
        return {}

    return app


@asynccontextmanager
async def _answering(amqp_url: str, new_uow: Callable[[], NotesUnitOfWork], asked: str,
                     answered: str) -> AsyncIterator[None]:
    """A consumer of ``asked`` events that emits an ``answered`` event for each."""

    async def answer(event: CloudEvent) -> None:
        async with new_uow() as uow:
            if await uow.first_time(QUEUE, event.id):
                uow.emit(NoteTaken(run=asked, text="answered"), routing_key=answered)
            await uow.commit()

    async with consuming(amqp_url, QUEUE, asked, answer):
        yield


async def _post(app: FastAPI, headers: dict[str, str]) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://tests") as client:
        response = await client.post("/notes", headers=headers)
    assert response.status_code == 200, response.text
    return response


def _correlations(tap: EventTap, events: list[CloudEvent]) -> list[tuple[str | None, str | None]]:
    return [(e.correlation_id, tap.correlation_ids[e.id]) for e in events]


async def test_the_id_of_a_request_follows_its_events_across_a_consumer(
    new_uow: Callable[[], NotesUnitOfWork], sessions: Sessions, amqp_url: str
) -> None:
    run = uuid.uuid4().hex
    asked, answered = f"tests.correlation.{run}.asked", f"tests.correlation.{run}.answered"
    app, relay = _app(new_uow, asked), OutboxRelay(sessions, amqp_url, interval=0.05)
    async with tap_events(amqp_url, [asked, answered]) as tap, \
            _answering(amqp_url, new_uow, asked, answered):
        await relay.start()
        try:
            response = await _post(app, {"X-Correlation-ID": "order-42"})
            first = await tap.wait_for(asked) + await tap.wait_for(answered)
            unnamed = await _post(app, {"X-Request-ID": "req-7", "X-Correlation-ID": "no good"})
            second = (await tap.wait_for(asked, count=2))[1:] + (await tap.wait_for(answered, count=2))[1:]
        finally:
            await relay.stop()
    assert response.headers["x-correlation-id"] == "order-42"
    assert _correlations(tap, first) == [("order-42", "order-42")] * 2
    assert (unnamed.headers["x-request-id"], unnamed.headers["x-correlation-id"]) == ("req-7", "req-7")
    assert _correlations(tap, second) == [("req-7", "req-7")] * 2
