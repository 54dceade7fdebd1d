"""Consumers on a FastStream broker: inbox dedup, and dead-lettering with RabbitMQ's reason."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import aio_pika
from sqlalchemy import select
from tarifa.messaging.envelope import CloudEvent, new_event
from tarifa.messaging.topology import DELIVERY_LIMIT
from tarifa.testing.events import publish_raw

from .conftest import NotesUnitOfWork, NoteTaken, Sessions, consuming, eventually, notes


def _event(routing_key: str, **data: Any) -> CloudEvent:
    return new_event("tests", routing_key, data, now=datetime.now(UTC))


async def _publish(amqp_url: str, event: CloudEvent) -> None:
    await publish_raw(amqp_url, event.routing_key, event.model_dump_json().encode(), event.id)


async def test_a_redelivered_event_takes_effect_once(
    amqp_url: str, new_uow: Callable[[], NotesUnitOfWork], sessions: Sessions
) -> None:
    key, handled = f"tests.dedup.{uuid.uuid4().hex}", []

    async def take_note(event: CloudEvent) -> None:
        handled.append(event.id)
        async with new_uow() as uow:
            if await uow.first_time("tests.dedup", event.id):
                await uow.add_note(event.id, str(event.data["text"]))
            await uow.commit()

    twice, sentinel = _event(key, text="twice"), _event(key, text="sentinel")
    async with consuming(amqp_url, "tests.dedup", key, take_note):
        for event in (twice, twice, sentinel):
            await _publish(amqp_url, event)
        await eventually(lambda: _contains(handled, sentinel.id), what="the sentinel handled")
    async with sessions() as session:
        rows = (await session.execute(select(notes.c.id, notes.c.text))).all()
    assert handled == [twice.id, twice.id, sentinel.id]
    assert sorted(rows) == sorted([(twice.id, "twice"), (sentinel.id, "sentinel")])


async def _contains(items: list[str], item: str) -> bool:
    return item in items


async def _dead_letters(amqp_url: str, queue: str, count: int,
                        timeout: float = 30) -> list[aio_pika.abc.AbstractIncomingMessage]:
    """Take ``count`` messages from ``<queue>.dlq``, waiting for them to arrive."""
    found: list[aio_pika.abc.AbstractIncomingMessage] = []
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        dlq = await (await connection.channel()).get_queue(f"{queue}.dlq")
        for _ in range(int(timeout * 20)):
            message = await dlq.get(no_ack=True, fail=False)
            if message is not None:
                found.append(message)
            elif len(found) >= count:
                return found
            else:
                await asyncio.sleep(0.05)
    raise AssertionError(f"{len(found)} of {count} messages reached {queue}.dlq")


def _death_reason(message: aio_pika.abc.AbstractIncomingMessage) -> str:
    deaths: Any = message.headers["x-death"]
    reason = deaths[0]["reason"]
    return reason.decode() if isinstance(reason, bytes) else str(reason)


async def test_poison_and_failing_messages_reach_the_dead_letter_queue_with_their_reason(
    amqp_url: str,
) -> None:
    key, queue, deliveries = f"tests.poison.{uuid.uuid4().hex}", "tests.poison", []

    async def handle(event: CloudEvent) -> None:
        deliveries.append(event.data["kind"])
        if event.data["kind"] == "poison":
            event.parse(NoteTaken)  # the data lacks the model's fields: PoisonMessage
        raise RuntimeError("fails every time")

    poison, failing = _event(key, kind="poison"), _event(key, kind="failing")
    async with consuming(amqp_url, queue, key, handle):
        await publish_raw(amqp_url, key, b"{not a cloud event", "garbage-1")
        await _publish(amqp_url, poison)
        await _publish(amqp_url, failing)
        dead = await _dead_letters(amqp_url, queue, 3)
    reasons = {(m.message_id or ""): _death_reason(m) for m in dead}
    assert reasons == {"garbage-1": "rejected", poison.id: "rejected",
                       failing.id: "delivery_limit"}
    assert deliveries.count("poison") == 1
    assert deliveries.count("failing") == DELIVERY_LIMIT + 1
