"""``POST /v1/webhooks/{gateway}``: gateway notifications, authenticated by their signature."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from tarifa.auth import public
from tarifa.problems import InvalidInput, NotFound, Unauthorized
from tarifa.web.access import GuardedRoute

from payments.service.ports import Gateways, InvalidSignature, UnitOfWork
from payments.service.webhooks import receive_notification

__all__ = ["webhooks_router"]

MAX_BODY = 64 * 1024


def webhooks_router(new_uow: Callable[[], UnitOfWork], gateways: Gateways) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, prefix="/v1", tags=["webhooks"],
                       dependencies=[public("signed by the gateway instead")])

    @router.post("/webhooks/{gateway}", responses={401: {"description": "bad signature"}})
    async def notification(gateway: str, request: Request) -> dict[str, bool]:
        """Signed by the gateway instead of a bearer token; a repeated notification is a no-op."""
        adapter = gateways.get(gateway)
        if adapter is None:
            raise NotFound(f"no gateway {gateway}")
        body = await request.body()
        if len(body) > MAX_BODY:
            raise InvalidInput(f"a notification is at most {MAX_BODY} bytes")
        try:
            verified = adapter.verify(body, request.headers)
        except InvalidSignature as exc:
            raise Unauthorized(str(exc), slug="invalid-signature") from exc
        first = await receive_notification(new_uow(), gateway, verified)
        return {"received": True, "duplicate": not first}

    return router
