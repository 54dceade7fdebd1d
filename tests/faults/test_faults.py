"""Faults that only delay: 10,000 CDRs ingested over AMQP while a server or a process fails.

Each scenario opens 20 accounts of its own, publishes its CDRs in batches of 1,000 to
``rating.usage.ingest`` and breaks something once the first batch is rated: PostgreSQL stopped
(``-m immediate``) for 15 s, the RabbitMQ node killed and started again, or the rating process
killed (SIGKILL) and started again. Afterwards every record must be rated exactly once, every
balance in invoicing must equal the oracle computed from the records and the plan, and every
dead-letter queue must be empty. The figures are printed (``pytest tests/faults -s``).
"""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal

import asyncpg
import httpx
import pytest

from .customers import open_accounts
from .cycle import bill_and_pay
from .observe import Figures, dead_letters, rated, settle
from .sdk import read_events
from .stage import Stage
from .workload import Workload, eventually, operator, publish

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]
OUTAGE_SECONDS = 15.0
BROKER_DOWN_SECONDS = 5.0


async def _prepare(stage: Stage, work: Workload) -> dict[str, str]:
    async with httpx.AsyncClient(timeout=30) as http:
        op = await operator(http, stage.suite)
        conn = await asyncpg.connect(stage.databases["rating"])
        try:
            return await open_accounts(http, stage.suite, op, work, conn)
        finally:
            await conn.close()


async def _first_batch_rated(stage: Stage, work: Workload) -> int:
    async def some() -> bool:
        return (await rated(stage, work))[0] > 0

    await eventually(some, 120, "a first batch rated")
    return (await rated(stage, work))[0]


def _check(stage: Stage, work: Workload, figures: Figures) -> None:
    print(figures.report())
    assert figures.rated == work.records
    assert figures.rated_gross == figures.oracle_total == figures.balance_total
    assert figures.oracle_total > Decimal(0)
    assert all(depth == 0 for depth in dead_letters(stage).values()), dead_letters(stage)


async def test_a_postgres_outage_during_ingest_only_delays(stage: Stage) -> None:
    work = Workload("pg", digit=1)
    accounts = await _prepare(stage, work)
    batches, figures = work.batches(), Figures.begin("PostgreSQL stopped", stage)
    await publish(stage.node.url, batches[:5])
    figures.rated_before_fault = await _first_batch_rated(stage, work)
    stopped = time.monotonic()
    await asyncio.to_thread(stage.cluster.stop_immediately)
    await publish(stage.node.url, batches[5:])
    await asyncio.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - stopped)))
    await asyncio.to_thread(stage.cluster.start)
    back = time.monotonic()
    figures.fault_seconds = back - stopped
    await settle(stage, work, accounts, back, figures)
    _check(stage, work, figures)


async def test_b_a_broker_kill_during_ingest_only_delays(stage: Stage) -> None:
    work = Workload("mq", digit=2)
    accounts = await _prepare(stage, work)
    figures = Figures.begin("RabbitMQ node killed", stage)
    await publish(stage.node.url, work.batches())
    figures.rated_before_fault = await _first_batch_rated(stage, work)
    killed = time.monotonic()
    await asyncio.to_thread(stage.node.kill)
    await asyncio.sleep(BROKER_DOWN_SECONDS)
    await asyncio.to_thread(stage.node.start)
    back = time.monotonic()
    figures.fault_seconds = back - killed
    await settle(stage, work, accounts, back, figures)
    _check(stage, work, figures)


async def test_c_a_rating_process_killed_mid_batch_rates_exactly_once(stage: Stage) -> None:
    work = Workload("kill", digit=3)
    accounts = await _prepare(stage, work)
    figures = Figures.begin("rating process killed", stage)
    await publish(stage.node.url, work.batches())
    figures.rated_before_fault = await _first_batch_rated(stage, work)
    killed = time.monotonic()
    stage.suite.processes["rating"].kill()
    await asyncio.to_thread(stage.suite.processes["rating"].wait, 30)
    stage.restart("rating")
    back = time.monotonic()
    figures.fault_seconds = back - killed
    await stage.suite.wait_ready()
    await settle(stage, work, accounts, back, figures)
    _check(stage, work, figures)


async def test_d_every_event_published_is_a_cloudevent_the_sdk_reads(stage: Stage) -> None:
    """Every event the services published in this module (faults included), and those of a
    billing cycle and a payment, read by the CloudEvents SDK: no null attribute, and the
    correlation id both as the ``correlationid`` attribute and as the AMQP property."""
    work = Workload("ce", digit=4, records=30, lines=2, per_batch=30)
    accounts = await _prepare(stage, work)
    await publish(stage.node.url, work.batches())
    await settle(stage, work, accounts, time.monotonic(), Figures.begin("no fault", stage))
    await bill_and_pay(stage, accounts)

    async def messages_announced() -> bool:
        return any(b"tarifa.notifications.message." in t.body for t in stage.tap.seen)

    await eventually(messages_announced, 60, "a notifications.message event")
    counts = read_events(stage.tap.seen)
    print(f"CloudEvents SDK read {sum(counts.values())} events of {len(counts)} types: {counts}")
    assert {"tarifa.rating.plan.published", "tarifa.rating.usage.rated",
            "tarifa.invoicing.invoice.issued"} <= set(counts)
