"""OpenTelemetry traces: one trace from an HTTP request through the outbox, RabbitMQ and the
consumers of the other services.

The W3C trace context travels with each event twice: as the CloudEvents distributed-tracing
extension attributes ``traceparent``/``tracestate`` of the event (written when the event is made,
inside the request or consumer span, so the outbox keeps it), and as AMQP headers of the same
names when the relay publishes it. A consumer continues the trace from the headers, or from the
event when a message carries none.

Spans are exported over OTLP/HTTP when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set (the SDK reads
``OTEL_EXPORTER_OTLP_*`` itself); without it spans are made but not exported. Every span names
its service in ``tarifa.service`` as well as in the resource, since tests run several services
in one process.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

__all__ = ["SERVICE_ATTRIBUTE", "TRACE_FIELDS", "configure_tracing", "context_of",
           "current_trace_fields", "span"]

SERVICE_ATTRIBUTE = "tarifa.service"
TRACE_FIELDS = ("traceparent", "tracestate")
_tracer = trace.get_tracer("tarifa")


def configure_tracing(service: str) -> None:
    """Install the process's tracer provider once (the first service of a process names it)."""
    if isinstance(trace.get_tracer_provider(), TracerProvider):
        return
    provider = TracerProvider(resource=Resource.create({"service.name": f"tarifa-{service}"}))
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)


def current_trace_fields() -> dict[str, str]:
    """``traceparent`` (and ``tracestate``) of the current span; empty outside any span."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return {name: carrier[name] for name in TRACE_FIELDS if name in carrier}


def context_of(*carriers: Mapping[str, Any]) -> Context:
    """The trace context of the first carrier that has a ``traceparent``."""
    for carrier in carriers:
        if isinstance(carrier.get("traceparent"), str):
            return propagate.extract({k: str(carrier[k]) for k in TRACE_FIELDS if k in carrier})
    return Context()


@contextmanager
def span(name: str, service: str, kind: trace.SpanKind, *, parent: Context | None = None,
         attributes: Mapping[str, str] | None = None) -> Iterator[trace.Span]:
    """A span of ``service``, current inside the block; an exception marks it failed."""
    with _tracer.start_as_current_span(name, context=parent, kind=kind,
                                       attributes={SERVICE_ATTRIBUTE: service,
                                                   **(attributes or {})}) as current:
        yield current
