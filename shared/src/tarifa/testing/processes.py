"""Service processes for benchmarks: ``python -m <service> serve`` on a free port, until ready."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import httpx

__all__ = ["free_port", "serving", "serving_many"]


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-2000:]


async def _ready(port: int, process: asyncio.subprocess.Process, log: Path) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(240):
            if process.returncode is not None:
                raise RuntimeError(f"a process exited at start: {_tail(log)}")
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(f"http://127.0.0.1:{port}/health/ready")).status_code == 200:
                    return
            await asyncio.sleep(0.25)
    raise TimeoutError(f"a process never became ready: {_tail(log)}")


@asynccontextmanager
async def serving(service: str, env: dict[str, str], log: Path) -> AsyncIterator[tuple[int, int]]:
    """One ``python -m <service> serve`` process with ``env`` added to this one's, its output in
    ``log``, ready on a free port; its process id and port. Terminated at the end."""
    port = free_port()
    with log.open("wb") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", service, "serve", stdout=out, stderr=out,
            env=dict(os.environ, **env, **{f"{service.upper()}_PORT": str(port)}))
    try:
        await _ready(port, process, log)
        yield process.pid, port
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), timeout=60)


@asynccontextmanager
async def serving_many(service: str, count: int, env: dict[str, str],
                       log_dir: Path) -> AsyncIterator[list[tuple[int, int]]]:
    """``count`` processes of ``service`` as :func:`serving` starts them, one after the other, the
    output of the n-th in ``log_dir/<service>-<n>.log``; their process ids and ports."""
    async with AsyncExitStack() as stack:
        yield [await stack.enter_async_context(serving(service, env, log_dir / f"{service}-{n}.log"))
               for n in range(count)]
