"""The mixed bench's payments client: HTTP/1.1 POSTs over up to ``most`` kept-alive connections,
written and read by hand.

httpx spent more CPU per payment than the payments service answering it (about 9 ms a request
on this machine, its connection pool and header models mostly), on the same two cores as the
services, so the bench measured its own client as much as the suite. This one sends the same
requests (method, path, JSON body, bearer token, content type) and keeps what a latency is: from
the moment a payment is due, waiting for a free connection included, to its whole answer read.
"""

from __future__ import annotations

import asyncio
import contextlib

__all__ = ["Posting", "PostingFailed"]

_Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class PostingFailed(Exception):
    """No answer: the connection failed, closed or timed out."""


def _request(host: str, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    lines = [f"POST {path} HTTP/1.1", f"Host: {host}", "Content-Type: application/json",
             f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _answer_head(head: bytes) -> tuple[int, int, bool]:
    """Status, body length and whether the server keeps the connection open."""
    status_line, *fields = head.decode("latin-1").split("\r\n")
    named = dict((k.strip().lower(), v.strip().lower())
                 for k, _, v in (field.partition(":") for field in fields if field))
    return (int(status_line.split(" ", 2)[1]), int(named.get("content-length", "0")),
            named.get("connection") != "close")


class Posting:
    """POSTs to one server, each on an idle connection, a new one while fewer than ``most`` are
    open, else on the first one freed."""

    def __init__(self, host: str, port: int, *, most: int = 100, timeout: float = 30) -> None:
        self._host, self._port, self._timeout = host, port, timeout
        self._idle: list[_Stream] = []
        self._slots = asyncio.Semaphore(most)

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> int:
        """The answer's status; raises ``PostingFailed`` when there is none in time."""
        async with self._slots:
            stream = self._kept()
            try:
                return await asyncio.wait_for(self._exchange(stream, path, body, headers),
                                              self._timeout)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
                raise PostingFailed(str(exc)) from exc

    def _kept(self) -> _Stream | None:
        """An idle connection the server has not closed meanwhile (keep-alive timeout)."""
        while self._idle:
            reader, writer = self._idle.pop()
            if not reader.at_eof() and not writer.is_closing():
                return reader, writer
            writer.close()
        return None

    async def _exchange(self, stream: _Stream | None, path: str, body: bytes,
                        headers: dict[str, str]) -> int:
        reader, writer = stream or await asyncio.open_connection(self._host, self._port)
        try:
            writer.write(_request(f"{self._host}:{self._port}", path, body, headers))
            status, length, keep = _answer_head((await reader.readuntil(b"\r\n\r\n"))[:-4])
            await reader.readexactly(length)
        except BaseException:
            writer.close()
            raise
        if keep:
            self._idle.append((reader, writer))
        else:
            writer.close()
        return status

    async def close(self) -> None:
        for _, writer in self._idle:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
        self._idle.clear()
