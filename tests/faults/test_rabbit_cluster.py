"""The suite on a three-node RabbitMQ cluster; one node killed during usage ingest (issue 11).

Three nodes of this test's own (see ``rabbit_cluster``) behind one AMQP address (``front``, as a
Kubernetes Service in front of the pods); the suite declares its consumer queues as quorum
queues (``tarifa.messaging.topology``), so each is replicated on the three nodes. Half of
5,000 CDRs are published, and once a first batch is rated the node leading
``rating.usage.ingest`` is killed (SIGKILL to its VM); the other half is published through the
two nodes left. Every record must be rated exactly once, every balance must equal the oracle,
no message may be dead-lettered; then the suite carries on with two nodes: new accounts and
lines travel as events to rating and invoicing, and their usage is rated and posted.
Skipped where RabbitMQ is not installed.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import cast

import aiormq
import httpx
import pytest
import pytest_asyncio

from ..e2e.processes import SERVICES, Suite
from .front import AmqpFront
from .observe import Figures, settle
from .rabbit_cluster import RabbitCluster, cluster_installed
from .servers import PostgresCluster
from .stage import Stage
from .tap import EventTap
from .test_faults import _check, _first_batch_rated, _prepare
from .workload import INGEST_QUEUE, PLAN, PLAN_CODE, Workload, operator, publish

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def rabbit_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RabbitCluster]:
    if not cluster_installed():
        pytest.skip("the RabbitMQ cluster test needs a local RabbitMQ installation "
                    "(/usr/lib/rabbitmq/bin/rabbitmq-server and erl)")
    base = tmp_path_factory.mktemp("rabbit-cluster")
    cluster = RabbitCluster(base)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def front(rabbit_cluster: RabbitCluster) -> AsyncIterator[AmqpFront]:
    proxy = AmqpFront([node.port for node in rabbit_cluster.nodes])
    await proxy.start()
    yield proxy
    await proxy.stop()


async def _plan(suite: Suite) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.put(f"{suite.url('rating')}/v1/plans/{PLAN_CODE}",
                                  headers=await operator(http, suite), json=PLAN)
        assert response.status_code == 201, response.text


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def cluster_stage(tmp_path_factory: pytest.TempPathFactory, rabbit_cluster: RabbitCluster,
                        front: AmqpFront, make_database: Callable[[str], Awaitable[str]],
                        smtp_port: int) -> AsyncIterator[Stage]:
    suite = Suite(Path(tmp_path_factory.mktemp("cluster")))
    databases = {s: await make_database(f"cluster_{s}") for s in SERVICES}
    env = suite.environment(databases, front.url(), suite.workdir / "keys" / "jwt.pem", smtp_port)
    env.update(RATING_FEES_INTERVAL="3600")
    tap = EventTap(front.url())
    await tap.start()
    suite.start(env)
    try:
        await suite.wait_ready()
        await _plan(suite)
        # no PostgreSQL of its own: the shared server is never stopped by this test
        yield Stage(cast(PostgresCluster, None), rabbit_cluster.nodes[0], suite, env, databases, tap)
    finally:
        suite.stop()
        await tap.stop()


async def _publish_until_confirmed(url: str, batches: list[bytes], timeout: float = 60) -> None:
    """Publish as mediation must on a cluster: a batch the broker nacks (a quorum queue whose
    leader just died has none until the others elect one) or loses with its connection is
    published again; the records' ids make a second copy harmless."""
    deadline = time.monotonic() + timeout
    for body in batches:
        while True:
            try:
                await publish(url, [body])
                break
            except (TimeoutError, aiormq.exceptions.AMQPError, ConnectionError):
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.5)


def _tapped_twice(tap: EventTap) -> int:
    counts = Counter(json.loads(t.body)["id"] for t in tap.seen)
    return sum(n - 1 for n in counts.values() if n > 1)


async def _carries_on(stage: Stage, front: AmqpFront) -> None:
    """After the kill: new accounts and lines reach rating and invoicing as events, and their
    usage, published through the two nodes left, is rated and posted exactly."""
    work = Workload("after", digit=6, records=300, lines=3, per_batch=100)
    accounts = await _prepare(stage, work)
    await publish(front.url(), work.batches())
    figures = Figures.begin("after the kill", stage)
    await settle(stage, work, accounts, time.monotonic(), figures)
    _check(stage, work, figures)


async def test_a_cluster_node_killed_during_ingest_loses_and_doubles_nothing(
        cluster_stage: Stage, rabbit_cluster: RabbitCluster, front: AmqpFront) -> None:
    stage = cluster_stage
    work = Workload("cluster", digit=5, records=5_000, lines=10, per_batch=500)
    accounts = await _prepare(stage, work)
    victim = rabbit_cluster.leader(INGEST_QUEUE)
    stage.node = next(node for node in rabbit_cluster.nodes if node is not victim)
    batches, figures = work.batches(), Figures.begin("RabbitMQ cluster node killed", stage)
    await publish(front.url(), batches[:5])
    figures.rated_before_fault = await _first_batch_rated(stage, work)
    killed = time.monotonic()
    await asyncio.to_thread(victim.kill)
    await _publish_until_confirmed(front.url(), batches[5:])
    figures.fault_seconds = time.monotonic() - killed
    await settle(stage, work, accounts, killed, figures)
    _check(stage, work, figures)
    left = rabbit_cluster.running(stage.node)
    assert victim.name not in left and len(left) == 2, left
    await _carries_on(stage, front)
    print(f"cluster: leader of {INGEST_QUEUE} {victim.name} killed; {len(left)} nodes left; "
          f"{front.connections} AMQP connections through the front; {len(stage.tap.seen)} "
          f"events tapped, {_tapped_twice(stage.tap)} of them a second copy (at-least-once "
          f"relay, taken once by the consumers' inboxes)")
