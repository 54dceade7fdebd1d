"""Requests whose path or query string holds a control character, answered before routing.

No resource has an id with a NUL in it, so such a path is 404; such a query is 422. Both are
problem+json, and neither reaches a handler, whose parameters would otherwise carry the NUL to
PostgreSQL (which refuses it with an error that would be a 500).
"""

from __future__ import annotations

from urllib.parse import unquote

from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from tarifa.problems import PROBLEM_JSON, InvalidInput, NotFound, Problem
from tarifa.sanity import control_character

__all__ = ["RefuseControlCharacters"]


def _problem(scope: Scope) -> Problem | None:
    if control_character(scope.get("path", "")):
        return NotFound("no resource has a control character in its path")
    query = unquote(scope.get("query_string", b"").decode("latin-1"), errors="replace")
    if control_character(query.replace("+", " ")):
        return InvalidInput("a query parameter holds a control character")
    return None


class RefuseControlCharacters:
    """Pure ASGI middleware: HTTP requests only, everything else passes through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        problem = _problem(scope) if scope["type"] == "http" else None
        if problem is None:
            await self.app(scope, receive, send)
            return
        response = JSONResponse(problem.body(), problem.status, media_type=PROBLEM_JSON)
        await response(scope, receive, send)
