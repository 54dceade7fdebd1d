"""The test-mode clock endpoints: ``PUT``/``GET /v1/test/clock``.

A move answers at once (``202``) and the time-driven jobs it triggers run in a background task,
one move after another in the order they came, so a jump of a year does not hold the request
open for the minutes its daily jobs take. ``GET`` shows how many moves still have jobs pending;
``PUT ...?wait=true`` (or ``GET ...?wait=true``) answers ``200`` once every move so far has had
its jobs run, which is what a test that checks a move's effects asks for.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import AwareDatetime, BaseModel

from tarifa.auth import public
from tarifa.clock import ControllableClock
from tarifa.logging import get_logger
from tarifa.web.access import GuardedRoute

__all__ = ["ClockJobs", "clock_router"]

log = get_logger(__name__)
MoveJobs = Callable[[datetime], Awaitable[None]]


class ClockBody(BaseModel):
    now: AwareDatetime


class ClockState(BaseModel):
    now: AwareDatetime
    pending: int
    """Moves whose jobs have not finished yet (queued or running)."""
    failed: int
    """Moves whose jobs raised since the process started (the error is logged)."""


class ClockJobs:
    """The jobs of clock moves, run in background tasks one move after the other."""

    def __init__(self, on_move: MoveJobs | None) -> None:
        self._on_move = on_move
        self._last: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.failed = 0

    @property
    def pending(self) -> int:
        return len(self._tasks)

    def submit(self, now: datetime) -> None:
        """Queue the jobs of a move to ``now`` behind those of the moves before it."""
        if self._on_move is None:
            return
        task = asyncio.create_task(self._after(self._last, self._on_move, now),
                                   name="test-clock-jobs")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        self._last = task

    async def _after(self, previous: asyncio.Task[None] | None, on_move: MoveJobs,
                     now: datetime) -> None:
        if previous is not None:
            await asyncio.wait({previous})
        try:
            await on_move(now)
        except Exception as exc:
            # The jobs are idempotent and the periodic schedulers catch up on what stayed due.
            self.failed += 1
            log.error("clock_move_jobs_failed", now=now.isoformat(), error=repr(exc),
                      exc_info=True)

    async def settled(self) -> None:
        """Wait until the jobs of every move submitted so far have run (a cancelled wait
        leaves them running)."""
        if self._last is not None:
            await asyncio.wait({self._last})

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


def clock_router(clock: ControllableClock, jobs: ClockJobs | MoveJobs | None = None) -> APIRouter:
    """The clock routes; ``jobs`` runs the moves' jobs (a bare callable gets its own runner)."""
    runner = jobs if isinstance(jobs, ClockJobs) else ClockJobs(jobs)
    router = APIRouter(route_class=GuardedRoute, prefix="/v1/test", tags=["test mode"],
                       dependencies=[public("served in test mode only")])

    def state() -> ClockState:
        return ClockState(now=clock.now(), pending=runner.pending, failed=runner.failed)

    @router.get("/clock", response_model=ClockState)
    async def read_clock(wait: bool = False) -> ClockState:
        """The clock; with ``wait=true``, once the jobs of every move so far have run."""
        if wait:
            await runner.settled()
        return state()

    @router.put("/clock", response_model=ClockState, status_code=202,
                responses={200: {"model": ClockState,
                                 "description": "wait=true: the move's jobs have run"}})
    async def move_clock(body: ClockBody, response: Response, wait: bool = False) -> ClockState:
        """Move the clock; its jobs run in the background (``wait=true``: answer after them)."""
        clock.set(body.now)
        runner.submit(body.now)
        if wait:
            await runner.settled()
            response.status_code = 200
        return state()

    return router
