"""One log line and Prometheus metrics per request, with its request and correlation ids bound.

Both ids are answered in the response headers ``X-Request-ID`` and ``X-Correlation-ID``.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

import structlog
from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

from tarifa import correlation
from tarifa.logging import get_logger

__all__ = ["install_request_logging", "metrics_router"]

log = get_logger("tarifa.http")
REQUESTS = Counter("tarifa_http_requests_total", "HTTP requests",
                   ["service", "method", "route", "status"])
LATENCY = Histogram("tarifa_http_request_seconds", "HTTP request duration",
                    ["service", "method", "route"])


def _route(request: Request) -> str:
    route = request.scope.get("route")
    return str(getattr(route, "path", "unmatched"))


def install_request_logging(app: FastAPI, service: str) -> None:
    @app.middleware("http")
    async def log_request(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request_id = correlation.accepted(request.headers.get("x-request-id"))
        correlation_id = correlation.accepted(request.headers.get(correlation.HEADER), request_id)
        started = time.perf_counter()
        with structlog.contextvars.bound_contextvars(request_id=request_id), \
                correlation.correlated(correlation_id):
            response = await call_next(request)
            elapsed = time.perf_counter() - started
            route = _route(request)
            REQUESTS.labels(service, request.method, route, response.status_code).inc()
            LATENCY.labels(service, request.method, route).observe(elapsed)
            log.info("request", method=request.method, path=route, status=response.status_code,
                     ms=round(elapsed * 1000, 1))
        response.headers["x-request-id"] = request_id
        response.headers[correlation.HEADER] = correlation_id
        return response


def metrics_router() -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/metrics", include_in_schema=True)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router
