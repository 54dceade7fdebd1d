"""The RabbitMQ topology: one topic exchange, quorum queues with a dead-letter route.

* ``tarifa.events``: durable topic exchange every event is published to; what no queue is bound
  for goes to its alternate exchange ``tarifa.unrouted`` and is kept there (capped), so an
  event nobody listens to yet is neither lost nor returned.
* Each consumer queue ``<consumer>.<what>`` is a quorum queue with an explicit delivery limit;
  a message rejected, or redelivered past the limit, is dead-lettered through ``tarifa.dlx`` to
  ``<queue>.dlq`` with RabbitMQ's ``x-death`` reason, from where it can be replayed.
"""

from __future__ import annotations

import asyncio

import aio_pika
from aio_pika import ExchangeType as PikaExchangeType
from aio_pika.abc import AbstractChannel
from faststream.rabbit import ExchangeType, QueueType, RabbitExchange, RabbitQueue
from faststream.rabbit.schemas.queue import QuorumQueueArgs
from pamqp.common import FieldTable

from tarifa.logging import get_logger
from tarifa.messaging.addresses import connect_first, split_addresses

__all__ = [
    "DEAD_LETTER_EXCHANGE",
    "DELIVERY_LIMIT",
    "EVENTS_EXCHANGE",
    "UNROUTED_EXCHANGE",
    "declare_base",
    "declare_dead_letters",
    "events_exchange",
    "prepare_topology",
    "quorum_queue",
]

log = get_logger(__name__)

EVENTS_EXCHANGE = "tarifa.events"
UNROUTED_EXCHANGE = "tarifa.unrouted"
DEAD_LETTER_EXCHANGE = "tarifa.dlx"
DELIVERY_LIMIT = 5
_EVENTS_ARGS: FieldTable = {"alternate-exchange": UNROUTED_EXCHANGE}
_UNROUTED_ARGS: FieldTable = {"x-queue-type": "quorum", "x-max-length": 100_000, "x-overflow": "drop-head"}


def events_exchange() -> RabbitExchange:
    """The exchange as FastStream declares it (same arguments as ``declare_base``)."""
    return RabbitExchange(EVENTS_EXCHANGE, type=ExchangeType.TOPIC, durable=True,
                          arguments=_EVENTS_ARGS)


def quorum_queue(name: str, routing_key: str = "", *, delivery_limit: int = DELIVERY_LIMIT,
                 ttl_ms: int | None = None) -> RabbitQueue:
    """A consumer's durable quorum queue dead-lettering to ``<name>.dlq``."""
    arguments: QuorumQueueArgs = {
        "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
        "x-dead-letter-routing-key": name,
        "x-delivery-limit": delivery_limit,
    }
    if ttl_ms is not None:
        arguments["x-message-ttl"] = ttl_ms
    return RabbitQueue(name, queue_type=QueueType.QUORUM, durable=True, routing_key=routing_key,
                       arguments=arguments)


async def declare_base(channel: AbstractChannel) -> None:
    """Declare the exchanges every service relies on; idempotent."""
    unrouted = await channel.declare_exchange(UNROUTED_EXCHANGE, PikaExchangeType.FANOUT,
                                              durable=True)
    queue = await channel.declare_queue(UNROUTED_EXCHANGE, durable=True, arguments=_UNROUTED_ARGS)
    await queue.bind(unrouted)
    await channel.declare_exchange(EVENTS_EXCHANGE, PikaExchangeType.TOPIC, durable=True,
                                   arguments=_EVENTS_ARGS)
    await channel.declare_exchange(DEAD_LETTER_EXCHANGE, PikaExchangeType.DIRECT, durable=True)


async def declare_dead_letters(channel: AbstractChannel, queue_names: list[str]) -> None:
    """Declare ``<queue>.dlq`` for each consumer queue, bound on the dead-letter exchange."""
    dlx = await channel.get_exchange(DEAD_LETTER_EXCHANGE)
    for name in queue_names:
        dlq = await channel.declare_queue(f"{name}.dlq", durable=True,
                                          arguments={"x-queue-type": "quorum"})
        await dlq.bind(dlx, routing_key=name)


async def prepare_topology(amqp_url: str, queue_names: list[str], *, timeout: float = 30,
                           attempts: int = 4) -> None:
    """Declare the shared exchanges and the dead-letter queues of a service's consumers. An
    attempt the broker leaves unanswered for ``timeout`` seconds is dropped and made again on a
    new connection (``attempts`` in all), so a service never waits at its start for ever."""
    for attempt in range(1, attempts + 1):
        try:
            await asyncio.wait_for(_declare_all(amqp_url, queue_names), timeout)
            return
        except TimeoutError:
            if attempt == attempts:
                raise
            log.warning("topology_unanswered", attempt=attempt, seconds=timeout)


async def _declare_all(amqp_url: str, queue_names: list[str]) -> None:
    connection = await connect_first(split_addresses(amqp_url), aio_pika.connect)
    async with connection:
        channel = await connection.channel()
        await declare_base(channel)
        await declare_dead_letters(channel, queue_names)
