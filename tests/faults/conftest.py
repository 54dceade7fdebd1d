"""Fault-suite fixtures: a PostgreSQL cluster and a RabbitMQ node of its own, and the five
services as processes pointed at them, with the plan every scenario rates against."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from aiosmtpd.controller import Controller
from tarifa.testing.servers import new_database

from ..e2e.mail import MailBox
from ..e2e.processes import SERVICES, Suite
from .servers import PostgresCluster, RabbitNode, free_port, servers_installed
from .stage import Stage
from .tap import EventTap
from .workload import PLAN, PLAN_CODE, operator


@pytest.fixture(scope="module")
def fault_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PostgresCluster, RabbitNode]]:
    if not servers_installed():
        pytest.skip("the fault suite needs pg_createcluster (run as root or postgres) and a local "
                    "RabbitMQ installation")
    base = tmp_path_factory.mktemp("faults-rabbitmq")
    cluster, node = PostgresCluster(), RabbitNode(base)
    try:
        cluster.create()
        node.start()
        yield cluster, node
    finally:
        node.stop()
        cluster.drop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def smtp_port() -> Iterator[int]:
    port = free_port()
    controller = Controller(MailBox(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port
    controller.stop()


async def _environment(suite: Suite, cluster: PostgresCluster, node: RabbitNode,
                       smtp_port: int) -> tuple[dict[str, str], dict[str, str]]:
    databases = {s: await new_database(cluster.url, f"faults_{s}") for s in SERVICES}
    # No key file yet: accounts makes its signing key at first start, as on a new deployment.
    env = suite.environment(databases, node.url, suite.workdir / "keys" / "jwt.pem", smtp_port)
    env.update(TARIFA_DATABASE_URL=cluster.url, RATING_FEES_INTERVAL="3600")
    return env, databases


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def stage(tmp_path_factory: pytest.TempPathFactory,
                fault_servers: tuple[PostgresCluster, RabbitNode], smtp_port: int) -> AsyncIterator[Stage]:
    cluster, node = fault_servers
    suite = Suite(Path(tmp_path_factory.mktemp("faults")))
    env, databases = await _environment(suite, cluster, node, smtp_port)
    tap = EventTap(node.url)
    await tap.start()
    suite.start(env)
    try:
        await suite.wait_ready()
        async with httpx.AsyncClient(timeout=30) as http:
            response = await http.put(f"{suite.url('rating')}/v1/plans/{PLAN_CODE}",
                                      headers=await operator(http, suite), json=PLAN)
            assert response.status_code == 201, response.text
        yield Stage(cluster, node, suite, env, databases, tap)
    finally:
        suite.stop()
        await tap.stop()
