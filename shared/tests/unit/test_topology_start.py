"""A broker that takes the connection and never answers does not hold a service's start for
ever: each attempt to declare the topology is dropped after its timeout and made again."""

from __future__ import annotations

import asyncio

import pytest
from tarifa.messaging.topology import prepare_topology


async def test_a_silent_broker_is_asked_again_then_given_up() -> None:
    accepted: list[asyncio.StreamWriter] = []

    async def silent(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)  # kept open, never a byte sent back

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        with pytest.raises(TimeoutError):
            await prepare_topology(f"amqp://guest:guest@127.0.0.1:{port}/", ["q"],
                                   timeout=0.3, attempts=3)
    finally:
        for writer in accepted:
            writer.close()
        server.close()
        await server.wait_closed()
    assert len(accepted) == 3
