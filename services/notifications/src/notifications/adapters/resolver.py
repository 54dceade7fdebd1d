"""Resolving endpoint hosts through the event loop's resolver (``getaddrinfo`` in a thread)."""

from __future__ import annotations

import asyncio
import socket

__all__ = ["LoopResolver"]


class LoopResolver:
    def __init__(self, timeout: float = 5.0) -> None:
        self._timeout = timeout

    async def addresses(self, host: str, port: int) -> list[str]:
        """The host's addresses in the resolver's order, each once; ``OSError`` if none."""
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self._timeout):
                found = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise OSError(f"{host} does not resolve: {exc}") from exc
        return list(dict.fromkeys(str(info[4][0]) for info in found))
