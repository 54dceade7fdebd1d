"""A queue bound to every routing key of ``tarifa.events``: a copy of each event published.

Bound before the services start, it sees every event they publish in the suite, as it travels
(the AMQP body and properties), so that the events can be checked with an independent SDK.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import aio_pika
from aio_pika.abc import AbstractIncomingMessage, AbstractRobustConnection
from tarifa.messaging.topology import EVENTS_EXCHANGE, declare_base

__all__ = ["EventTap", "Tapped"]


@dataclass(frozen=True)
class Tapped:
    body: bytes
    content_type: str | None
    correlation_id: str | None


@dataclass
class EventTap:
    amqp_url: str
    seen: list[Tapped] = field(default_factory=list)
    _connection: AbstractRobustConnection | None = None

    async def start(self) -> None:
        self._connection = await aio_pika.connect_robust(self.amqp_url)
        channel = await self._connection.channel()
        await declare_base(channel)
        # durable, so that the copies outlive a broker restart of the fault scenarios
        queue = await channel.declare_queue("faults.tap", durable=True,
                                            arguments={"x-queue-type": "quorum"})
        await queue.bind(EVENTS_EXCHANGE, routing_key="#")
        await queue.consume(self._keep)

    async def _keep(self, message: AbstractIncomingMessage) -> None:
        self.seen.append(Tapped(message.body, message.content_type, message.correlation_id))
        await message.ack()

    async def stop(self) -> None:
        if self._connection is not None:
            await self._connection.close()
