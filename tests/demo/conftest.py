"""The demo's test gets a RabbitMQ vhost of its own (no other suite's leftovers reach it) and
its databases are dropped afterwards."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio
from tarifa.testing.servers import amqp_server, create_vhost, delete_vhost, drop_database

PREFIX = "tarifa_demotest"
SERVICES = ("accounts", "rating", "invoicing", "payments", "notifications")


@pytest.fixture(scope="module")
def demo_amqp_url() -> Iterator[str]:
    with amqp_server(os.environ.get("TARIFA_TEST_AMQP_URL")) as (url, ctl):
        vhost_url, vhost = create_vhost(url, ctl)
        yield vhost_url
        delete_vhost(vhost, ctl)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def demo_database_server(database_server_url: str) -> AsyncIterator[str]:
    yield database_server_url
    for service in SERVICES:
        await drop_database(f"{database_server_url}/{PREFIX}_{service}")
