"""A background task that runs one job every ``interval`` seconds, and whenever it is woken.

The services' due work (lifecycle jobs, recurring fees, overdue marking) is idempotent, so a
pass that finds nothing to do changes nothing. The test clock's moves run the jobs directly (so
a move's effects are in place when the move answers); this task catches up on the wall clock.
An unexpected error is logged and the work stays due for the next pass.

A job works through its due items (lines, accounts, invoices) one by one with ``attempt``: an
item that fails is logged (``scheduled_item_failed``) and counted in
``tarifa_scheduled_item_failures_total``, its transaction rolls back so it stays due, and the
job goes on with the next one; the next pass tries it again.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import TypeVar

from prometheus_client import Counter

from tarifa.logging import get_logger

__all__ = ["ITEM_FAILURES", "Scheduler", "attempt"]

log = get_logger(__name__)
ITEM_FAILURES = Counter("tarifa_scheduled_item_failures_total",
                        "Items a scheduled job failed on; each stays due for the next pass", ["job"])
T = TypeVar("T")


async def attempt(job: str, item: str, work: Awaitable[T]) -> T | None:
    """Await one item's ``work``; when it fails, log and count the failure and return ``None``
    so the job goes on with its other items (the item is still due and retried next pass)."""
    try:
        return await work
    except Exception as exc:
        ITEM_FAILURES.labels(job).inc()
        log.error("scheduled_item_failed", job=job, item=item, error=repr(exc), exc_info=True)
        return None


class Scheduler:
    """Runs ``job`` in a background task named ``name`` (also the ``job`` of its error log line)."""

    def __init__(self, name: str, job: Callable[[], Awaitable[object]], *,
                 interval: float) -> None:
        self._name, self._job, self._interval = name, job, interval
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Run the job now rather than at the end of the interval."""
        self._wake.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self._name)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def run_once(self) -> None:
        try:
            await self._job()
        except Exception as exc:
            log.error("scheduled_job_failed", job=self._name, error=repr(exc), exc_info=True)

    async def _run(self) -> None:
        while True:
            await self.run_once()
            await self._sleep()

    async def _sleep(self) -> None:
        """Until woken or ``interval`` is over. Not ``asyncio.wait_for``: on Python 3.11 it
        swallows a cancel that comes with a wake, and ``stop`` would then wait forever."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._interval):
                await self._wake.wait()
        self._wake.clear()
