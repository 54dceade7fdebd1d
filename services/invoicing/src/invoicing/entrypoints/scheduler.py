"""The background task that runs a periodic job every ``interval`` seconds (overdue marking).

The test clock's moves run the job directly (so a move's effects are in place when the move
answers); this task catches up on the wall clock, and on invoices issued after their due date
has passed. The job is idempotent, so running it again changes nothing. An unexpected error is
logged and the work stays due for the next pass.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from tarifa.logging import get_logger

__all__ = ["Periodic"]

log = get_logger(__name__)


class Periodic:
    def __init__(self, name: str, job: Callable[[], Awaitable[object]], *,
                 interval: float) -> None:
        self._name, self._job, self._interval = name, job, interval
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"invoicing-{self._name}")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def run_once(self) -> None:
        try:
            await self._job()
        except Exception as exc:
            log.error("periodic_job_failed", job=self._name, error=repr(exc), exc_info=True)

    async def _run(self) -> None:
        while True:
            await self.run_once()
            await asyncio.sleep(self._interval)
