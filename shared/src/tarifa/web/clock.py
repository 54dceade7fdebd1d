"""The test-mode clock endpoints: ``PUT``/``GET /v1/test/clock``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel

from tarifa.auth import public
from tarifa.clock import ControllableClock
from tarifa.web.access import GuardedRoute

__all__ = ["clock_router"]


class ClockBody(BaseModel):
    now: AwareDatetime


def clock_router(clock: ControllableClock,
                 on_move: Callable[[datetime], Awaitable[None]] | None = None) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1/test", tags=["test mode"],
                       dependencies=[public("served in test mode only")])

    @router.get("/clock", response_model=ClockBody)
    async def read_clock() -> ClockBody:
        return ClockBody(now=clock.now())

    @router.put("/clock", response_model=ClockBody)
    async def move_clock(body: ClockBody) -> ClockBody:
        clock.set(body.now)
        if on_move is not None:
            await on_move(body.now)
        return ClockBody(now=clock.now())

    return router
