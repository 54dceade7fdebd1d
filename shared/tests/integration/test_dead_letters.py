"""On a real broker: an outage's errors never dead-letter; a parked message is counted in its
dead-letter queue's depth and replayed to its consumer by the operator command."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aio_pika
import pytest_asyncio
from tarifa.messaging.dead_letters import dead_letter_depths
from tarifa.messaging.envelope import CloudEvent, PoisonMessage, new_event
from tarifa.messaging.replay import main as replay_main
from tarifa.messaging.topology import DELIVERY_LIMIT
from tarifa.testing.events import publish_raw

from .conftest import consuming, eventually


@pytest_asyncio.fixture
async def queue(amqp_url: str) -> AsyncIterator[str]:
    """A consumer queue of this test alone, deleted (with its dead letters) afterwards."""
    name = f"tests.dlq-{uuid.uuid4().hex[:12]}"
    yield name
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        for each in (name, f"{name}.dlq"):
            await channel.queue_delete(each)


async def _publish(amqp_url: str, key: str, **data: object) -> CloudEvent:
    event = new_event("tests", key, dict(data), now=datetime.now(UTC))
    await publish_raw(amqp_url, key, event.model_dump_json().encode(), event.id)
    return event


async def _holds(items: list[str], item: str) -> bool:
    return item in items


async def test_transient_failures_past_the_delivery_limit_are_retried_not_dead_lettered(
    amqp_url: str, queue: str,
) -> None:
    key, tries, handled = f"tests.outage.{uuid.uuid4().hex}", [], []

    async def handle(event: CloudEvent) -> None:
        tries.append(event.id)
        if len(tries) <= DELIVERY_LIMIT + 1:  # the database is "down" for more tries than that
            raise ConnectionRefusedError(111, "Connect call failed")
        handled.append(event.id)

    async with consuming(amqp_url, queue, key, handle):
        event = await _publish(amqp_url, key, text="during an outage")
        await eventually(lambda: _holds(handled, event.id), timeout=60, what="handled")
    assert handled == [event.id]
    assert len(tries) == DELIVERY_LIMIT + 2
    assert await dead_letter_depths(amqp_url, [queue]) == {queue: 0}


async def test_a_parked_message_is_counted_and_replayed_to_its_consumer(
    amqp_url: str, queue: str,
) -> None:
    key, mended, handled = f"tests.replay.{uuid.uuid4().hex}", [False], []

    async def handle(event: CloudEvent) -> None:
        if not mended[0]:
            raise PoisonMessage("the handler cannot take it yet")
        handled.append(event.id)

    async def parked() -> bool:
        return await dead_letter_depths(amqp_url, [queue]) == {queue: 1}

    async with consuming(amqp_url, queue, key, handle):
        event = await _publish(amqp_url, key, text="parked")
        await eventually(parked, what="one message in the dead-letter queue")
        mended[0] = True
        assert await asyncio.to_thread(replay_main, [queue, "--amqp-url", amqp_url]) == 0
        await eventually(lambda: _holds(handled, event.id), what="the replayed message handled")
    assert handled == [event.id]
    assert await dead_letter_depths(amqp_url, [queue]) == {queue: 0}
