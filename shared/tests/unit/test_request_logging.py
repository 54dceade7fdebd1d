"""Each request answers its request and correlation ids in its headers and is counted under its
route template and status; the ids are bound while the route runs."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from tarifa import correlation
from tarifa.problems import NotFound, install_problem_handlers
from tarifa.web.observability import LATENCY, REQUESTS, install_request_logging


def _app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    install_request_logging(app, "tests-logging")

    @app.get("/things/{thing_id}")
    async def thing(thing_id: str) -> dict[str, str | None]:
        if thing_id == "missing":
            raise NotFound("no such thing")
        return {"correlation": correlation.current()}

    return app


async def _get(app: FastAPI, path: str, headers: dict[str, str]) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://tests") as client:
        return await client.get(path, headers=headers)


def _count(route: str, status: int) -> float:
    return REQUESTS.labels("tests-logging", "GET", route, status)._value.get()


async def test_the_ids_are_answered_and_bound_while_the_route_runs() -> None:
    answer = await _get(_app(), "/things/1", {"X-Request-ID": "req-1", "X-Correlation-ID": "c-9"})
    assert (answer.status_code, answer.json()) == (200, {"correlation": "c-9"})
    assert (answer.headers["x-request-id"], answer.headers["x-correlation-id"]) == ("req-1", "c-9")


async def test_a_request_without_ids_is_correlated_by_its_new_request_id() -> None:
    answer = await _get(_app(), "/things/1", {})
    assert answer.headers["x-correlation-id"] == answer.headers["x-request-id"]
    assert answer.json() == {"correlation": answer.headers["x-request-id"]}


async def test_each_request_is_counted_under_its_route_template_and_status() -> None:
    app, route = _app(), "/things/{thing_id}"
    before = (_count(route, 200), _count(route, 404), _count("unmatched", 404))
    for path in ("/things/1", "/things/2", "/things/missing", "/nowhere"):
        await _get(app, path, {})
    after = (_count(route, 200), _count(route, 404), _count("unmatched", 404))
    assert [b - a for a, b in zip(before, after, strict=True)] == [2, 1, 1]
    assert LATENCY.labels("tests-logging", "GET", route)._sum.get() > 0
