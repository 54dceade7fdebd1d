"""``/health/live`` and ``/health/ready`` (database and broker)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from tarifa.auth import public
from tarifa.web.access import GuardedRoute

__all__ = ["Check", "health_router"]

Check = Callable[[], Awaitable[bool]]


async def _run(check: Check) -> bool:
    try:
        return await check()
    except Exception:  # a failing dependency is "not ready", never a 500
        return False


def health_router(checks: dict[str, Check]) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, tags=["health"],
                       dependencies=[public("probes of the orchestrator")])

    @router.get("/health/live")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/health/ready", responses={503: {
        "description": "a dependency is down", "content": {"application/json": {}}}})
    async def ready() -> JSONResponse:
        results = {name: await _run(check) for name, check in checks.items()}
        ok = all(results.values())
        body = {"status": "ok" if ok else "unavailable",
                "checks": {k: "ok" if v else "down" for k, v in results.items()}}
        return JSONResponse(body, 200 if ok else 503)

    return router
