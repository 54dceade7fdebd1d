"""Prometheus figures of the consumers, per queue: how long handling takes and how it fails.

``tarifa_consumer_seconds`` times each delivery of a message to its handler, labelled with how
it ended (``handled``, ``rejected``, ``failed``). ``tarifa_consumer_failures_total`` counts what a
failure led to: ``retried`` (the handler is called again: a transient failure retried in-process,
or an error nacked while the queue's delivery limit allows another delivery) or
``dead-lettered`` (rejected as poison, or nacked on its last allowed delivery).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from prometheus_client import Counter, Histogram

from tarifa.messaging.topology import DELIVERY_LIMIT

__all__ = ["CONSUMER_FAILURES", "CONSUMER_SECONDS", "count_failure", "last_delivery", "timed"]

CONSUMER_SECONDS = Histogram(
    "tarifa_consumer_seconds", "Time a consumer took over one delivery of a message",
    ["queue", "outcome"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0))
CONSUMER_FAILURES = Counter(
    "tarifa_consumer_failures_total", "Consumer failures by what followed (retried, dead-lettered)",
    ["queue", "outcome"])


def timed(queue: str, outcome: str, seconds: float) -> None:
    CONSUMER_SECONDS.labels(queue, outcome).observe(seconds)


def count_failure(queue: str, outcome: str) -> None:
    CONSUMER_FAILURES.labels(queue, outcome).inc()


def last_delivery(headers: Mapping[str, Any] | None, limit: int = DELIVERY_LIMIT) -> bool:
    """Whether a nack of this delivery dead-letters it: a quorum queue counts earlier returns in
    ``x-delivery-count`` and dead-letters a message returned more than ``limit`` times."""
    count = (headers or {}).get("x-delivery-count", 0)
    return isinstance(count, int) and count >= limit
