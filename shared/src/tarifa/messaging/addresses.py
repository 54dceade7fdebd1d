"""Several broker addresses (the nodes of a RabbitMQ cluster without a balancer in front).

``TARIFA_AMQP_URL`` may name several comma-separated amqp:// URLs. A connection goes to the first
that answers; a robust connection that loses its node tries the next ones in turn, round the list,
at every reconnect attempt.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import aio_pika
from aio_pika import RobustConnection
from aio_pika.exceptions import CONNECTION_EXCEPTIONS
from yarl import URL

from tarifa.logging import get_logger

__all__ = ["FailoverConnection", "connect_first", "connect_robust_first", "failover_class",
           "rings", "split_addresses"]

log = get_logger(__name__)

T = TypeVar("T")


def split_addresses(value: str) -> list[str]:
    """The addresses of a comma-separated list, without blanks."""
    return [address.strip() for address in value.split(",") if address.strip()]


def masked(address: str | URL) -> str:
    """An address fit for logs: without its password."""
    url = URL(str(address))
    return str(url.with_password("******") if url.password else url)


def rings(addresses: Sequence[str]) -> list[list[str]]:
    """The list started at each of its addresses in turn (a connection's order of failover)."""
    return [[*addresses[i:], *addresses[:i]] for i in range(len(addresses))]


async def connect_first(candidates: Sequence[T], connect: Callable[[T], Awaitable[Any]], *,
                        name: Callable[[T], str] = str) -> Any:
    """What ``connect`` gives for the first candidate that answers; else the last failure."""
    failure: BaseException = ValueError("no AMQP address given")
    for candidate in candidates:
        try:
            return await connect(candidate)
        except CONNECTION_EXCEPTIONS as exc:
            log.warning("amqp_address_failed", address=masked(name(candidate)), error=repr(exc))
            failure = exc
    raise failure


class FailoverConnection(RobustConnection):
    """A robust connection whose every connection attempt goes to the next address of its ring."""

    ring: tuple[URL, ...] = (URL("amqp://guest:guest@127.0.0.1:5672/"),)

    def __init__(self, url: URL, *args: Any, **kwargs: Any) -> None:
        super().__init__(url, *args, **kwargs)
        self._turn = -1  # the first attempt goes to the ring's first address

    @property
    def url(self) -> URL:
        # aio_pika reads ``url`` once per attempt, right after it dropped the old transport; a
        # read with a live transport (or none yet) stays on the current address
        if self.transport is None:
            self._turn = (getattr(self, "_turn", -1) + 1) % len(self.ring)
        return self.ring[max(getattr(self, "_turn", 0), 0)]

    @url.setter
    def url(self, value: URL) -> None:
        # a new secret (update_secret) applies to every node; the first URL is the ring's own
        if value.password != self.ring[0].password:
            self.ring = tuple(u.with_password(value.password) for u in self.ring)

    def __str__(self) -> str:
        return masked(self.ring[max(getattr(self, "_turn", 0), 0)])


def failover_class(ring: Sequence[str]) -> type[FailoverConnection]:
    """A ``FailoverConnection`` class that walks ``ring`` (aio_pika builds the instance)."""
    return type("FailoverConnection", (FailoverConnection,), {"ring": tuple(map(URL, ring))})


async def connect_robust_first(value: str, **kwargs: Any) -> RobustConnection:
    """A robust connection to the first address of ``value`` that answers, failing over after."""
    async def robust(ring: list[str]) -> RobustConnection:
        return await aio_pika.connect_robust(ring[0], connection_class=failover_class(ring),
                                             **kwargs)
    connection: RobustConnection = await connect_first(rings(split_addresses(value)), robust,
                                                     name=lambda ring: ring[0])
    return connection
