"""Who may call each route, checked before FastAPI reads the request body.

FastAPI parses a route's body before it solves the route's dependencies, so a role check run only
as a dependency answers 422 to a caller who may not call the route at all but sent a malformed
body. A router made with ``route_class=GuardedRoute`` runs each route's declaration (``allow``
or ``public`` from ``tarifa.auth``) first, so 401, 403 and a subscriber's 404 come before
anything else. The declaration stays a dependency too: it puts the bearer scheme and the roles
in the OpenAPI document.

A guarded route that declares nothing is open to operators only; ``undeclared`` lists the routes
without a declaration, and the role-matrix tests fail on them.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable
from typing import Any

from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from tarifa.auth import Access, Public, Role

__all__ = ["UNDECLARED", "GuardedRoute", "access_of", "undeclared"]

UNDECLARED = Access(frozenset({Role.OPERATOR}))
Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def access_of(route: APIRoute) -> Access | Public | None:
    """The route's declaration of its callers, or None when it declares none."""
    for depends in route.dependencies:
        if isinstance(depends.dependency, Access | Public):
            return depends.dependency
    return None


class GuardedRoute(APIRoute):
    """A route whose declaration of its callers is checked before its body is read."""

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()
        access = access_of(self) or UNDECLARED
        if isinstance(access, Public):
            return handler

        async def guarded(request: Request) -> Response:
            await access.check(request)
            return await handler(request)

        return guarded


def undeclared(routers: Iterable[APIRouter]) -> list[str]:
    """``METHOD path`` of every route of ``routers`` that is unguarded or declares no callers."""
    return [f"{','.join(sorted(route.methods or ()))} {route.path}"
            for router in routers for route in router.routes
            if isinstance(route, APIRoute)
            and (not isinstance(route, GuardedRoute) or access_of(route) is None)]
