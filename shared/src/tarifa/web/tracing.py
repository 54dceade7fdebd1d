"""HTTP spans: FastAPI makes a server span per request itself (continuing the caller's W3C
``traceparent``); the service adds its name to it, and keeps health probes and scrapes out."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.telemetry import TelemetryConfig
from opentelemetry import trace

from tarifa.tracing import SERVICE_ATTRIBUTE, configure_tracing

__all__ = ["TELEMETRY", "install_tracing"]

_QUIET = ("/health/", "/metrics")


def _probe(scope: MutableMapping[str, Any]) -> bool:
    return str(scope.get("path", "")).startswith(_QUIET)


TELEMETRY: TelemetryConfig = {"operation_spans": False, "exclude": _probe}
"""FastAPI's ``telemetry`` settings: one span per request, none per dependency."""


def install_tracing(app: FastAPI, service: str) -> None:
    configure_tracing(service)

    @app.middleware("http")
    async def name_the_service(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        trace.get_current_span().set_attribute(SERVICE_ATTRIBUTE, service)
        return await call_next(request)
