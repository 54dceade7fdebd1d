"""Dead-letter queues seen and emptied by an operator: their depths, and replaying one.

Replay moves each message of ``<queue>.dlq`` back to ``<queue>`` through the default exchange,
so only the consumer it was parked by sees it again (not every queue bound to its routing key).
Each message is acked from the dead-letter queue only after the broker confirmed its copy, so a
replay that stops halfway loses nothing; the consumer's inbox makes a copy taken twice harmless.
"""

from __future__ import annotations

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractIncomingMessage

from tarifa.messaging.addresses import connect_first, split_addresses

__all__ = ["dead_letter_depths", "dead_letter_queue", "replay_dead_letters"]


async def _connect(address: str) -> AbstractConnection:
    return await aio_pika.connect(address, timeout=5)


def dead_letter_queue(queue: str) -> str:
    return f"{queue}.dlq"


async def _depth(channel: AbstractChannel, name: str) -> int:
    declared = await channel.declare_queue(name, passive=True)
    return int(declared.declaration_result.message_count or 0)


async def dead_letter_depths(amqp_url: str, queues: list[str]) -> dict[str, int]:
    """Messages waiting in each consumer queue's dead-letter queue, by consumer queue."""
    connection = await connect_first(split_addresses(amqp_url), _connect)
    async with connection:
        channel = await connection.channel()
        return {queue: await _depth(channel, dead_letter_queue(queue)) for queue in queues}


def _copy(message: AbstractIncomingMessage) -> aio_pika.Message:
    # RabbitMQ's x-death and x-first-death headers describe the old life; the replayed copy
    # starts afresh, so a later dead-lettering reports its own reason.
    headers = {k: v for k, v in (message.headers or {}).items() if not k.startswith("x-")}
    return aio_pika.Message(
        message.body, headers=headers, content_type=message.content_type,
        message_id=message.message_id, correlation_id=message.correlation_id,
        type=message.type, delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
    )


async def replay_dead_letters(amqp_url: str, queue: str, *, limit: int | None = None) -> int:
    """Move up to ``limit`` (default: all) messages of ``<queue>.dlq`` back to ``queue``."""
    connection = await connect_first(split_addresses(amqp_url), _connect)
    moved = 0
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        dlq = await channel.declare_queue(dead_letter_queue(queue), passive=True)
        while limit is None or moved < limit:
            message = await dlq.get(no_ack=False, fail=False)
            if message is None:
                break
            await channel.default_exchange.publish(_copy(message), routing_key=queue,
                                                   mandatory=True)
            await message.ack()
            moved += 1
    return moved
