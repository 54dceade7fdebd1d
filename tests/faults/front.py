"""One AMQP address in front of the cluster's nodes, as a Kubernetes Service is in front of the
RabbitMQ pods: each new connection goes to the next node that accepts it.

The services take one ``TARIFA_AMQP_URL``; behind this front, a client whose node died
reconnects (its robust connection) and lands on a node still running. When either side of a
connection closes, both are closed, so a client learns at once that its node is gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from dataclasses import dataclass, field

__all__ = ["AmqpFront"]


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except OSError:
        pass
    finally:
        writer.close()


@dataclass
class AmqpFront:
    upstream: list[int]
    """The AMQP ports of the nodes, tried in turn."""
    port: int = 0
    connections: int = 0
    _server: asyncio.Server | None = None
    _open: set[asyncio.StreamWriter] = field(default_factory=set)
    _turn: itertools.count[int] = field(default_factory=itertools.count)

    def url(self, vhost: str = "") -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/{vhost}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        for _ in range(len(self.upstream)):
            port = self.upstream[next(self._turn) % len(self.upstream)]
            with contextlib.suppress(OSError):
                return await asyncio.open_connection("127.0.0.1", port)
        return None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        node = await self._connect()
        if node is None:  # no node accepts: the client sees a refused broker and retries
            writer.close()
            return
        self.connections += 1
        self._open |= {writer, node[1]}
        try:
            await asyncio.gather(_pipe(reader, node[1]), _pipe(node[0], writer))
        finally:
            self._open -= {writer, node[1]}

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._open):
            writer.close()
