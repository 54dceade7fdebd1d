"""Every answer a route can give, in its OpenAPI operation, errors as problem+json.

``document_answers`` adds to each route of a router the statuses that follow from its declaration and its
parameters (401 and 403 for a bearer route, 404 for a path parameter or a subscriber's account,
422 for any parameter or body, 409 for an ``Idempotency-Key``), keeps those the route lists
itself (409, 429, 502, ...), and describes every 4xx and 5xx one as ``application/problem+json``
with the shared ``Problem`` schema.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

from tarifa.auth import Public
from tarifa.problems import PROBLEM_JSON, PROBLEM_SCHEMA
from tarifa.web.access import access_of

__all__ = ["document_answers", "document_problems"]

_PROBLEM = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
_STANDARD = {
    401: "no bearer token, or one that is invalid or expired",
    403: "the caller's role may not call this route",
    404: "unknown, or another subscriber's",
    422: "invalid input: the offending fields are in errors",
    409: "a request with the same Idempotency-Key is still in flight",
}


def _takes_input(route: APIRoute) -> bool:
    dependant = route.dependant
    return bool(route.body_field or dependant.path_params or dependant.query_params
                or dependant.header_params or "requestBody" in (route.openapi_extra or {}))


def _standard(route: APIRoute) -> list[int]:
    access = access_of(route)
    statuses = [] if isinstance(access, Public) else [401, 403]
    if route.dependant.path_params or (access and getattr(access, "own_account", None)):
        statuses.append(404)
    if _takes_input(route):
        statuses.append(422)
    if any(field.alias.lower() == "idempotency-key" for field in route.dependant.header_params):
        statuses.append(409)
    return statuses


def _answers(route: APIRoute) -> dict[int | str, dict[str, Any]]:
    answers: dict[int | str, dict[str, Any]] = {
        status: {"description": _STANDARD[status]} for status in _standard(route)}
    for status, given in route.responses.items():
        answers[status] = {**answers.get(status, {}), **given}
    for status, answer in answers.items():
        if int(status) >= 400:
            answer.pop("model", None)
            answer.setdefault("content", _PROBLEM)
    return answers


def _with_problem_schema(original: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
    def openapi() -> dict[str, Any]:
        schema = original()
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        return schema

    return openapi


def document_answers(router: APIRouter) -> None:
    """Add its answers to every route of ``router``; call it before the router is included."""
    for route in router.routes:
        if isinstance(route, APIRoute):
            route.responses = _answers(route)


def document_problems(app: FastAPI) -> None:
    """Put the ``Problem`` schema the answers refer to in the app's OpenAPI document."""
    app.openapi = _with_problem_schema(app.openapi)  # type: ignore[method-assign]
