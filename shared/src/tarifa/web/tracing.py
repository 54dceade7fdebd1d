"""HTTP spans: FastAPI makes a server span per request itself (continuing the caller's W3C
``traceparent``); the service adds its name to it, and keeps health probes and scrapes out."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from fastapi import FastAPI
from fastapi.telemetry import TelemetryConfig
from opentelemetry import trace
from starlette.types import ASGIApp, Receive, Scope, Send

from tarifa.tracing import SERVICE_ATTRIBUTE, configure_tracing

__all__ = ["TELEMETRY", "install_tracing"]

_QUIET = ("/health/", "/metrics")


def _probe(scope: MutableMapping[str, Any]) -> bool:
    return str(scope.get("path", "")).startswith(_QUIET)


TELEMETRY: TelemetryConfig = {"operation_spans": False, "exclude": _probe}
"""FastAPI's ``telemetry`` settings: one span per request, none per dependency."""


class _NameTheService:
    """Pure ASGI middleware: the service's name on the request's span."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app, self.service = app, service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            trace.get_current_span().set_attribute(SERVICE_ATTRIBUTE, self.service)
        await self.app(scope, receive, send)


def install_tracing(app: FastAPI, service: str) -> None:
    configure_tracing(service)
    app.add_middleware(_NameTheService, service=service)
