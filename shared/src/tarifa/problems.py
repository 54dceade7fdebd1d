"""RFC 9457 problem details: the one error shape of every Tarifa API."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from tarifa.currencies import UnknownCurrency
from tarifa.money import InvalidAmount

__all__ = [
    "PROBLEM_JSON",
    "PROBLEM_SCHEMA",
    "Conflict",
    "Forbidden",
    "InvalidInput",
    "NotFound",
    "Problem",
    "Unauthorized",
    "install_problem_handlers",
    "problem_response",
]

PROBLEM_JSON = "application/problem+json"
_BASE = "https://tarifa.dev/problems/"

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details; some problems add members, such as retry_after.",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "errors": {"type": "array", "description": "the offending fields of a 422", "items": {
            "type": "object", "required": ["field", "message"],
            "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}},
    },
    "additionalProperties": True,
}


class Problem(Exception):
    """An error with a stable ``type`` that an API answers as problem+json."""

    status = 400
    slug = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str, *, slug: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.slug = slug or self.slug
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"type": _BASE + self.slug, "title": self.title, "status": self.status,
                "detail": self.detail, **self.extra}


class InvalidInput(Problem):
    status, slug, title = 422, "invalid-input", "Invalid input"


class NotFound(Problem):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(Problem):
    status, slug, title = 409, "conflict", "Conflict"


class Unauthorized(Problem):
    status, slug, title = 401, "unauthorized", "Unauthorized"


class Forbidden(Problem):
    status, slug, title = 403, "forbidden", "Forbidden"


def problem_response(problem: Problem) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if problem.status == 401 else None
    return JSONResponse(problem.body(), problem.status, headers=headers, media_type=PROBLEM_JSON)


async def _on_problem(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Problem)
    return problem_response(exc)


async def _on_validation(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"field": ".".join(str(p) for p in err["loc"]), "message": err["msg"]}
        for err in exc.errors()
    ]
    summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return problem_response(InvalidInput(summary, errors=errors))


async def _on_http(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 400:  # FastAPI's answer to a body it cannot parse (a broken form)
        return problem_response(InvalidInput(f"the body cannot be read: {exc.detail}",
                                             slug="unreadable-body",
                                             errors=[{"field": "body", "message": "unreadable"}]))
    problem = Problem(str(exc.detail), slug=f"http-{exc.status_code}")
    problem.status, problem.title = exc.status_code, str(exc.detail)
    return problem_response(problem)


async def _on_stored_amount(_request: Request, exc: Exception) -> JSONResponse:
    """Currencies and amounts of a request are checked where it is read (422), so one that
    reaches this far comes from a stored record written before they were checked (a currency
    such as ``ZZZ``): its amounts cannot be rounded, and the answer says so instead of failing."""
    return problem_response(Conflict(
        f"the amounts of this record cannot be shown: {exc}; it was stored before currencies "
        "were checked and needs an operator's correction", slug="stored-amount-unusable"))


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(UnknownCurrency, _on_stored_amount)
    app.add_exception_handler(InvalidAmount, _on_stored_amount)
    app.add_exception_handler(Problem, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(HTTPException, _on_http)
