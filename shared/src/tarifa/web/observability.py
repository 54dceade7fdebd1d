"""One log line and Prometheus metrics per request, with its request and correlation ids bound.

Both ids are answered in the response headers ``X-Request-ID`` and ``X-Correlation-ID``.
``/metrics`` also shows how many messages wait in each consumer's dead-letter queue, read from
the broker at each scrape (``tarifa_dead_letter_messages``; -1 while the broker cannot answer),
and whatever else the service reads at scrape time (``readings``, e.g. the outbox backlog).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence

import structlog
from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tarifa import correlation
from tarifa.auth import public
from tarifa.logging import get_logger
from tarifa.web.access import GuardedRoute

__all__ = ["DeadLetterDepths", "Reading", "install_request_logging", "metrics_router", "route_of"]

DeadLetterDepths = Callable[[], Awaitable[dict[str, int]]]
Reading = Callable[[], Awaitable[None]]
"""Sets some gauges from a cheap look at the service's state; must not raise."""

log = get_logger("tarifa.http")
REQUESTS = Counter("tarifa_http_requests_total", "HTTP requests",
                   ["service", "method", "route", "status"])
LATENCY = Histogram("tarifa_http_request_seconds", "HTTP request duration",
                    ["service", "method", "route"])
DEAD_LETTERS = Gauge("tarifa_dead_letter_messages", "Messages in a consumer's dead-letter queue",
                     ["queue"])
_DEAD_LETTER_QUEUES: set[str] = set()  # those reported once, so an outage can mark them unknown


def route_of(request: Request) -> str:
    """The route template of a routed request (``/v1/accounts/{account_id}``)."""
    return _route_in(request.scope)


def _route_in(scope: Scope) -> str:
    return str(getattr(scope.get("route"), "path", "unmatched"))


class _RequestLogging:
    """Pure ASGI middleware (no task, stream or event per request, as ``BaseHTTPMiddleware``
    would take): the ids bound around the request and answered in its headers, then its line
    and metrics."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app, self.service = app, service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        request_id = correlation.accepted(headers.get("x-request-id"))
        correlation_id = correlation.accepted(headers.get(correlation.HEADER), request_id)
        answered = _Answer(send, {"x-request-id": request_id, correlation.HEADER: correlation_id})
        started = time.perf_counter()
        with structlog.contextvars.bound_contextvars(request_id=request_id), \
                correlation.correlated(correlation_id):
            await self.app(scope, receive, answered.send)
            self._record(scope, answered.status, time.perf_counter() - started)

    def _record(self, scope: Scope, status: int, elapsed: float) -> None:
        route, method = _route_in(scope), scope["method"]
        REQUESTS.labels(self.service, method, route, status).inc()
        LATENCY.labels(self.service, method, route).observe(elapsed)
        log.info("request", method=method, path=route, status=status, ms=round(elapsed * 1000, 1))


class _Answer:
    """The response on its way out: its status noted, the ids added to its headers."""

    def __init__(self, send: Send, ids: dict[str, str]) -> None:
        self._send, self._ids, self.status = send, ids, 500

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            headers = MutableHeaders(scope=message)
            for name, value in self._ids.items():
                headers[name] = value
        await self._send(message)


def install_request_logging(app: FastAPI, service: str) -> None:
    app.add_middleware(_RequestLogging, service=service)


async def _record_dead_letters(depths: DeadLetterDepths) -> None:
    try:
        found = await depths()
    except Exception as exc:  # a scrape still answers while the broker is away
        log.warning("dead_letter_depths_unavailable", error=repr(exc))
        for queue in _DEAD_LETTER_QUEUES:
            DEAD_LETTERS.labels(queue).set(-1)
        return
    for queue, depth in found.items():
        _DEAD_LETTER_QUEUES.add(queue)
        DEAD_LETTERS.labels(queue).set(depth)


def metrics_router(dead_letter_depths: DeadLetterDepths | None = None, *,
                   readings: Sequence[Reading] = ()) -> APIRouter:
    router = APIRouter(route_class=GuardedRoute, tags=["health"],
                       dependencies=[public("scraped by Prometheus")])

    @router.get("/metrics", include_in_schema=True, response_class=Response,
                responses={200: {"description": "Prometheus text format",
                                 "content": {CONTENT_TYPE_LATEST.split(";")[0]: {}}}})
    async def metrics() -> Response:
        if dead_letter_depths is not None:
            await _record_dead_letters(dead_letter_depths)
        for reading in readings:
            await reading()
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router
