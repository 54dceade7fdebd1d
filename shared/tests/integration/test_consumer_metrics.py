"""On a real broker, the consumer's figures on ``/metrics``: deliveries timed per queue and
outcome, failures counted as retried or dead-lettered the way the broker then treats them."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aio_pika
import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from tarifa.messaging.dead_letters import dead_letter_depths
from tarifa.messaging.envelope import CloudEvent, PoisonMessage, new_event
from tarifa.messaging.topology import DELIVERY_LIMIT
from tarifa.testing.events import publish_raw
from tarifa.web.observability import metrics_router

from .conftest import consuming, eventually

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest_asyncio.fixture
async def queue(amqp_url: str) -> AsyncIterator[str]:
    """A consumer queue of this test alone, deleted (with its dead letters) afterwards."""
    name = f"tests.metrics-{uuid.uuid4().hex[:12]}"
    yield name
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel()
        for each in (name, f"{name}.dlq"):
            await channel.queue_delete(each)


async def _scrape() -> Samples:
    app = FastAPI()
    app.include_router(metrics_router())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://test") as client:
        answer = await client.get("/metrics")
    assert answer.status_code == 200
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(answer.text) for s in family.samples}


def _value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def _publish(amqp_url: str, key: str, **data: object) -> CloudEvent:
    event = new_event("tests", key, dict(data), now=datetime.now(UTC))
    await publish_raw(amqp_url, key, event.model_dump_json().encode(), event.id)
    return event


async def _both(items: list[str], one: str, other: str) -> bool:
    return one in items and other in items


async def test_handled_messages_are_timed_and_a_transient_failure_counts_as_retried(
    amqp_url: str, queue: str,
) -> None:
    key, handled, tries = f"tests.metrics.{uuid.uuid4().hex}", [], []

    async def handle(event: CloudEvent) -> None:
        tries.append(event.id)
        if len(tries) == 1:
            raise ConnectionRefusedError(111, "Connect call failed")
        handled.append(event.id)

    before = await _scrape()
    async with consuming(amqp_url, queue, key, handle):
        first = await _publish(amqp_url, key, n=1)
        second = await _publish(amqp_url, key, n=2)
        await eventually(lambda: _both(handled, first.id, second.id), what="both handled")
    after = await _scrape()
    assert sorted(handled) == sorted([first.id, second.id])
    assert _value(before, "tarifa_consumer_seconds_count", queue=queue, outcome="handled") == 0
    assert _value(after, "tarifa_consumer_seconds_count", queue=queue, outcome="handled") == 2
    assert _value(after, "tarifa_consumer_seconds_sum", queue=queue, outcome="handled") > 0
    assert _value(after, "tarifa_consumer_failures_total", queue=queue, outcome="retried") == 1
    assert _value(after, "tarifa_consumer_failures_total", queue=queue,
                  outcome="dead-lettered") == 0


@pytest.mark.slow
async def test_a_message_failing_every_time_is_retried_then_counted_dead_lettered_once(
    amqp_url: str, queue: str,
) -> None:
    key = f"tests.metrics.{uuid.uuid4().hex}"

    async def handle(event: CloudEvent) -> None:
        raise RuntimeError(f"{event.id} fails every time")

    async def parked() -> bool:
        return await dead_letter_depths(amqp_url, [queue]) == {queue: 1}

    async with consuming(amqp_url, queue, key, handle):
        await _publish(amqp_url, key, n=1)
        await eventually(parked, timeout=60, what="the message in the dead-letter queue")
    after = await _scrape()
    assert _value(after, "tarifa_consumer_failures_total", queue=queue,
                  outcome="retried") == DELIVERY_LIMIT
    assert _value(after, "tarifa_consumer_failures_total", queue=queue,
                  outcome="dead-lettered") == 1
    assert _value(after, "tarifa_consumer_seconds_count", queue=queue,
                  outcome="failed") == DELIVERY_LIMIT + 1


async def test_poison_and_garbage_count_as_dead_lettered(amqp_url: str, queue: str) -> None:
    key = f"tests.metrics.{uuid.uuid4().hex}"

    async def handle(event: CloudEvent) -> None:
        raise PoisonMessage(f"{event.id} cannot be taken")

    async def parked() -> bool:
        return await dead_letter_depths(amqp_url, [queue]) == {queue: 2}

    async with consuming(amqp_url, queue, key, handle):
        await publish_raw(amqp_url, key, b"{not a cloud event", f"garbage-{uuid.uuid4().hex}")
        await _publish(amqp_url, key, n=1)
        await eventually(parked, what="both in the dead-letter queue")
    after = await _scrape()
    assert _value(after, "tarifa_consumer_failures_total", queue=queue,
                  outcome="dead-lettered") == 2
    assert _value(after, "tarifa_consumer_seconds_count", queue=queue, outcome="rejected") == 1
    assert _value(after, "tarifa_consumer_failures_total", queue=queue, outcome="retried") == 0
