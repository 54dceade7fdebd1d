"""The relay after a broker restart: events staged while the broker is away stay pending, and
are published exactly once when it is back.

The broker here is a second RabbitMQ node of this run (``fault_node``) that the test stops and
starts; the main node serves every other test and is never touched.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import aio_pika
import pytest
from sqlalchemy import ColumnElement, func, select
from tarifa.messaging.envelope import CloudEvent
from tarifa.messaging.outbox import OutboxRelay
from tarifa.messaging.tables import outbox
from tarifa.messaging.topology import EVENTS_EXCHANGE, declare_base

from .conftest import FaultNode, NotesUnitOfWork, NoteTaken, Sessions, eventually

pytestmark = pytest.mark.slow

WATCH_QUEUE = "tests.relay.watch"


async def _declare_watch_queue(url: str) -> None:
    """A durable queue bound before the outage, so that nothing published later is missed."""
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        await declare_base(channel)
        queue = await channel.declare_queue(WATCH_QUEUE, durable=True,
                                            arguments={"x-queue-type": "quorum"})
        await queue.bind(EVENTS_EXCHANGE, routing_key=NoteTaken.routing_key)


@asynccontextmanager
async def _watching(url: str) -> AsyncIterator[list[str]]:
    """The texts of the notes delivered to the watch queue, in order, as they arrive."""
    seen: list[str] = []

    async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
        async with message.process():
            seen.append(CloudEvent.model_validate_json(message.body).parse(NoteTaken).text)

    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.get_queue(WATCH_QUEUE)
        await queue.consume(on_message)
        yield seen


async def _stage(new_uow: Callable[[], NotesUnitOfWork], run: str, text: str) -> None:
    async with new_uow() as uow:
        uow.emit(NoteTaken(run=run, text=text))
        await uow.commit()


async def _tried(sessions: Sessions) -> bool:
    return await _pending(sessions, tried=True) > 0


async def _pending(sessions: Sessions, *, tried: bool = False) -> int:
    where: list[ColumnElement[bool]] = [outbox.c.published_at.is_(None)]
    if tried:
        where.append(outbox.c.attempts > 0)
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(outbox).where(*where))
                   or 0)


async def test_events_staged_while_the_broker_is_down_are_published_once_it_is_back(
    fault_node: FaultNode, new_uow: Callable[[], NotesUnitOfWork], sessions: Sessions
) -> None:
    run, texts = uuid.uuid4().hex, [f"during outage {i}" for i in range(5)]
    await _declare_watch_queue(fault_node.url)
    relay = OutboxRelay(sessions, fault_node.url, interval=0.05)
    await relay.start()
    try:
        await fault_node.stop()
        for text in texts:
            await _stage(new_uow, run, text)
        relay.wake()
        await eventually(lambda: _tried(sessions), what="a failed relay attempt")
        assert await _pending(sessions) == len(texts)

        await fault_node.start()
        await eventually(lambda: _nothing_pending(sessions), timeout=60, what="pending published")
        await _stage(new_uow, run, "sentinel")
        async with _watching(fault_node.url) as seen:
            await eventually(lambda: _contains(seen, "sentinel"), what="the sentinel event")
    finally:
        await relay.stop()
    assert Counter(seen) == Counter([*texts, "sentinel"])


async def _nothing_pending(sessions: Sessions) -> bool:
    return await _pending(sessions) == 0


async def _contains(seen: list[str], text: str) -> bool:
    return text in seen
