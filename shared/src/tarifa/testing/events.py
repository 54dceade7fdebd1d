"""Watching and injecting events on ``tarifa.events`` from a test."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import aio_pika
from aio_pika.abc import AbstractIncomingMessage

from tarifa.messaging.catalogue import EventData
from tarifa.messaging.envelope import CloudEvent, new_event
from tarifa.messaging.topology import EVENTS_EXCHANGE, declare_base

__all__ = ["EventTap", "publish_event", "tap_events"]


class EventTap:
    """The events seen on a private queue bound to some routing keys."""

    def __init__(self) -> None:
        self.events: list[CloudEvent] = []
        self.correlation_ids: dict[str, str | None] = {}
        """The AMQP ``correlation_id`` property of each event seen, by event id."""
        self._arrived = asyncio.Condition()

    async def on_message(self, message: AbstractIncomingMessage) -> None:
        async with message.process():
            event = CloudEvent.model_validate_json(message.body)
        async with self._arrived:
            self.events.append(event)
            self.correlation_ids[event.id] = message.correlation_id
            self._arrived.notify_all()

    async def wait_for(self, routing_key: str, *, count: int = 1, timeout: float = 20,
                       **data: Any) -> list[CloudEvent]:
        """Wait until ``count`` events with that key (and those data values) were seen."""

        def matching() -> list[CloudEvent]:
            return [e for e in self.events if e.routing_key == routing_key
                    and all(e.data.get(k) == v for k, v in data.items())]

        async with self._arrived:
            await asyncio.wait_for(self._arrived.wait_for(lambda: len(matching()) >= count),
                                   timeout)
        return matching()


@asynccontextmanager
async def tap_events(amqp_url: str, routing_keys: list[str]) -> AsyncIterator[EventTap]:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        await declare_base(channel)
        queue = await channel.declare_queue(exclusive=True, auto_delete=True)
        for key in routing_keys:
            await queue.bind(EVENTS_EXCHANGE, routing_key=key)
        tap = EventTap()
        await queue.consume(tap.on_message)
        yield tap


async def publish_event(amqp_url: str, data: EventData, *, source: str = "test",
                        subject: str | None = None, event_id: str | None = None) -> CloudEvent:
    """Publish an event as a service's relay would (persistent, with confirms)."""
    event = new_event(source, data.routing_key, data, now=datetime.now(UTC), subject=subject)
    if event_id:
        event = event.model_copy(update={"id": event_id})
    await publish_raw(amqp_url, data.routing_key, event.model_dump_json().encode(), event.id)
    return event


async def publish_raw(amqp_url: str, routing_key: str, body: bytes, message_id: str) -> None:
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        await declare_base(channel)
        exchange = await channel.get_exchange(EVENTS_EXCHANGE)
        await exchange.publish(aio_pika.Message(body, message_id=message_id,
                                                delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
                               routing_key=routing_key)


