"""The background task that runs the due jobs now and then, and whenever it is woken.

The test clock's moves run the jobs directly (so a move's effects are in place when the move
answers); this task catches up on the wall clock. An unexpected error is logged and the work
stays due for the next pass.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from tarifa.logging import get_logger

__all__ = ["Scheduler"]

log = get_logger(__name__)


class Scheduler:
    def __init__(self, run_due: Callable[[], Awaitable[int]], *, interval: float) -> None:
        self._run_due, self._interval = run_due, interval
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        self._wake.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="rating-scheduler")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def run_once(self) -> None:
        try:
            await self._run_due()
        except Exception as exc:
            log.error("fees_job_failed", error=repr(exc), exc_info=True)

    async def _run(self) -> None:
        while True:
            await self.run_once()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval)
            self._wake.clear()
