"""The FastStream broker of a service, on several broker addresses (``TARIFA_AMQP_URL``).

FastStream's ``RabbitBroker`` connects with ``aio_pika.connect_robust`` to one URL; this one tries
the addresses in turn at start and hands aio_pika a ``FailoverConnection`` that moves to the next
node at every reconnect attempt.
"""

from __future__ import annotations

from typing import Any

from aio_pika import RobustConnection
from faststream.rabbit import RabbitBroker

from tarifa.messaging.addresses import connect_first, failover_class, rings, split_addresses

__all__ = ["FailoverBroker"]


class FailoverBroker(RabbitBroker):
    """A ``RabbitBroker`` on the first of its addresses that answers."""

    def __init__(self, addresses: str, **kwargs: Any) -> None:
        self._addresses = split_addresses(addresses)
        super().__init__(self._addresses[0], **kwargs)

    async def _connect(self) -> RobustConnection:
        connection: RobustConnection = await connect_first(
            rings(self._addresses), self._connect_ring, name=lambda ring: ring[0])
        return connection

    async def _connect_ring(self, ring: list[str]) -> RobustConnection:
        # FastStream passes these keyword arguments to aio_pika.connect_robust as they are
        self._connection_kwargs.update(url=ring[0], connection_class=failover_class(ring))
        return await super()._connect()
