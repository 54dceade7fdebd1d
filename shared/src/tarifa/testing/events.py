"""Watching and injecting events on ``tarifa.events`` from a test.

Every event a tap sees that a service's relay published (``application/cloudevents+json``) is
also read with the CloudEvents Python SDK, an independent reader: one it refuses (a null or
ill-typed attribute), or one without the same correlation id as attribute and AMQP property,
fails the test waiting on the tap.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import aio_pika
from aio_pika.abc import AbstractIncomingMessage
from cloudevents.core.formats.json import JSONFormat

from tarifa.messaging.catalogue import EventData
from tarifa.messaging.envelope import CloudEvent, new_event
from tarifa.messaging.topology import EVENTS_EXCHANGE, declare_base

__all__ = ["SDK_READ", "EventTap", "publish_event", "refusal", "tap_events"]

STRUCTURED = "application/cloudevents+json"
SDK_READ: Counter[str] = Counter()
"""Published events the SDK read in this test run, by type (shown in pytest's summary)."""


def refusal(message: AbstractIncomingMessage) -> str | None:
    """Why a published event is not a CloudEvent carrying its correlation id; None if it is."""
    if message.content_type != STRUCTURED:
        return None  # injected by a test, not published by a relay
    try:
        event = JSONFormat().read(None, message.body)
    except Exception as exc:  # the SDK's errors have no common base worth naming
        return f"{message.message_id}: the CloudEvents SDK refuses it: {exc!r}"
    correlation = event.get_extension("correlationid")
    if not correlation or correlation != message.correlation_id:
        return (f"{event.get_type()} {message.message_id}: correlationid {correlation!r}, "
                f"AMQP correlation_id {message.correlation_id!r}")
    SDK_READ[event.get_type()] += 1
    return None


class EventTap:
    """The events seen on a private queue bound to some routing keys."""

    def __init__(self) -> None:
        self.events: list[CloudEvent] = []
        self.correlation_ids: dict[str, str | None] = {}
        """The AMQP ``correlation_id`` property of each event seen, by event id."""
        self.refused: list[str] = []
        """Published events the CloudEvents SDK refused, or without their correlation id."""
        self._arrived = asyncio.Condition()

    async def on_message(self, message: AbstractIncomingMessage) -> None:
        async with message.process():
            event = CloudEvent.from_json(message.body)
        problem = refusal(message)
        async with self._arrived:
            if problem:
                self.refused.append(problem)
            self.events.append(event)
            self.correlation_ids[event.id] = message.correlation_id
            self._arrived.notify_all()

    async def wait_for(self, routing_key: str, *, count: int = 1, timeout: float = 20,
                       subject: str | None = None, **data: Any) -> list[CloudEvent]:
        """Wait until ``count`` events with that key (and that subject, those data values) were
        seen."""

        def matching() -> list[CloudEvent]:
            return [e for e in self.events if e.routing_key == routing_key
                    and (subject is None or e.subject == subject)
                    and all(e.data.get(k) == v for k, v in data.items())]

        async with self._arrived:
            await asyncio.wait_for(
                self._arrived.wait_for(lambda: bool(self.refused) or len(matching()) >= count),
                timeout)
        assert not self.refused, f"events that are not valid CloudEvents: {self.refused}"
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


